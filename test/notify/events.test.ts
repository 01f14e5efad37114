/**
 * Events from a scan: "new" is relative to the previous scan of the same
 * repository; ids are stable (the same fact from two runs is one event).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventsFromScan, previousFromReport, repositoryOf, weeklyReportEvent } from '../../src/notify/events.js';
import { jreport, jvuln } from '../support/json-reports.js';

const KEV = {
  DateAdded: '2024-01-01',
  KnownRansomwareCampaignUse: 'Unknown',
  RequiredAction: 'Patch',
  DueDate: '2024-01-22',
};

test('the repository of an image drops its tag and digest, not a registry port', () => {
  assert.equal(repositoryOf(jreport('registry:5000/team/app:1.2', [])), 'registry:5000/team/app');
  assert.equal(repositoryOf(jreport('ghcr.io/org/app@sha256:abc', [])), 'ghcr.io/org/app');
});

test('with no previous scan every finding is new; with one, only what changed', () => {
  const old = jreport('ghcr.io/org/app:1', [
    jvuln('CVE-2024-0001', 'openssl', 'CRITICAL'),
    jvuln('CVE-2024-0002', 'zlib', 'HIGH'),
  ]);
  const now = jreport('ghcr.io/org/app:2', [
    jvuln('CVE-2024-0001', 'openssl', 'CRITICAL'),
    jvuln('CVE-2024-0002', 'zlib', 'HIGH', { FixedVersion: '1.3' }),
    jvuln('CVE-2024-0003', 'curl', 'CRITICAL', { KEV }),
  ]);
  const first = eventsFromScan({ report: old });
  assert.deepEqual(
    first.filter((e) => e.type === 'new_critical_vulnerability').map((e) => e.findings[0]!.id),
    ['CVE-2024-0001'],
  );
  const second = eventsFromScan({ report: now, previous: previousFromReport(old) });
  const byType = (t: string) => second.filter((e) => e.type === t).map((e) => e.findings[0]!.id);
  assert.deepEqual(byType('new_critical_vulnerability'), ['CVE-2024-0003']);
  assert.deepEqual(byType('new_fixable'), ['CVE-2024-0002']);
  assert.deepEqual(byType('critical_security_event'), ['CVE-2024-0003']);
  // The same fact observed again is the same event: the outbox then delivers it once.
  const again = eventsFromScan({ report: now, previous: previousFromReport(old) });
  assert.deepEqual(
    again.map((e) => e.id),
    second.map((e) => e.id),
  );
});

test('secrets and failed gates raise events; a gate failing again on the same image is the same event', () => {
  const r = jreport('app:1', [jvuln('CVE-2024-0009', 'bash', 'LOW')], {
    Gates: [{ Gate: 'critical_vulnerabilities', Limit: 0, Count: 2, Pass: false }],
  });
  r.Results!.push({
    Target: '/app/.env',
    Class: 'secret',
    Secrets: [
      {
        RuleID: 'github-pat',
        Severity: 'CRITICAL',
        Title: 'GitHub Personal Access Token',
        StartLine: 3,
        Match: 'GITHUB_TOKEN=****',
      },
    ],
  });
  const events = eventsFromScan({ report: r });
  const secret = events.find((e) => e.type === 'critical_security_event')!;
  assert.equal(secret.findings[0]!.kind, 'secret');
  const gate = events.find((e) => e.type === 'compliance_violation')!;
  assert.deepEqual(gate.gates, [{ gate: 'critical_vulnerabilities', limit: 0, count: 2 }]);
  assert.equal(eventsFromScan({ report: r }).find((e) => e.type === 'compliance_violation')!.id, gate.id);
  const rebuilt = jreport('app:1', [], {
    Gates: r.Gates,
    Metadata: { ...r.Metadata, ImageID: `sha256:${'cd'.repeat(32)}` },
  });
  assert.notEqual(eventsFromScan({ report: rebuilt }).find((e) => e.type === 'compliance_violation')!.id, gate.id);
});

test('the weekly report is one event per ISO week', () => {
  const reports = [jreport('app:1', [jvuln('CVE-1', 'a', 'CRITICAL')]), jreport('web:2', [])];
  const mon = weeklyReportEvent(reports, new Date('2026-11-30T08:00:00Z'));
  const fri = weeklyReportEvent(reports, new Date('2026-12-04T08:00:00Z'));
  const next = weeklyReportEvent(reports, new Date('2026-12-07T08:00:00Z'));
  assert.equal(mon.id, fri.id);
  assert.notEqual(mon.id, next.id);
  assert.match(mon.summary, /2026-W49: 1 critical/);
});
