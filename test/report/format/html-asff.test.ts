/**
 * `-f html`: one self-contained page (no script, no external asset), every
 * value from the image escaped, secrets masked, the severity chart with one
 * bar per severity sized by its count, one table per target, tags balanced.
 * `-f asff`: the account and region are required up front; the finding ids
 * stay the same across tags of one repository.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileRules, scanText } from '../../../src/analyzer/secret/scan-text.js';
import { builtinRules } from '../../../src/analyzer/secret/rules.js';
import { renderReport } from '../../../src/report/format/index.js';
import { asffFindings, asffTargetFromEnv } from '../../../src/report/format/asff.js';
import { pkg, report, vuln } from '../../support/model.js';
import { jreport, jvuln } from '../../support/json-reports.js';

// A made-up token in GitHub's PAT shape: it must never appear in the page.
const CLEAR_TOKEN = 'ghp_Q7kX2mQ9vL4nT7wZ1pY6sH3jB5cF0dG8aE2u';
const HOSTILE = '<img src=x onerror=alert(1)>"\'&';

function page(): string {
  const secret = scanText(`TOKEN=${CLEAR_TOKEN}\n`, compileRules(builtinRules))[0]!;
  const r = report(
    [
      {
        target: 'debian 12.8',
        class: 'os-pkgs',
        type: 'debian',
        packages: [
          pkg({ name: 'openssl', version: '3.0.11-1', purl: 'pkg:deb/debian/openssl@3.0.11-1', ecosystem: 'deb' }),
        ],
        vulnerabilities: [
          vuln({
            id: 'CVE-2024-1',
            pkgName: 'openssl',
            installedVersion: '3.0.11-1',
            purl: 'p1',
            severity: 'CRITICAL',
            fixedVersion: '3.0.15-1~deb12u2',
          }),
          vuln({
            id: 'CVE-2024-2',
            pkgName: 'openssl',
            installedVersion: '3.0.11-1',
            purl: 'p1',
            severity: 'HIGH',
            fixedVersion: '3.0.15-1~deb12u2',
          }),
          vuln({ id: 'CVE-2024-3', pkgName: 'openssl', installedVersion: '3.0.11-1', purl: 'p1', severity: 'HIGH' }),
        ],
      },
      {
        target: `app/${HOSTILE}/package-lock.json`,
        class: 'lang-pkgs',
        type: 'npm',
        vulnerabilities: [
          vuln({
            id: 'GHSA-1',
            pkgName: HOSTILE,
            installedVersion: '1.0.0',
            purl: 'p2',
            title: HOSTILE,
            kev: { dateAdded: '2024-01-01', knownRansomwareCampaignUse: 'Unknown', requiredAction: 'x', dueDate: 'y' },
          }),
        ],
      },
      { target: '/app/.env', class: 'secret', type: 'text', secrets: [secret] },
    ],
    { artifactName: `evil:${HOSTILE}` },
  );
  return renderReport(r, 'html', {
    toolName: 'customs',
    toolVersion: '0.1.0',
    listAllPkgs: false,
    listPackages: false,
  }) as string;
}

test('the HTML report is self-contained, escaped and masked', () => {
  const html = page();
  assert.ok(html.startsWith('<!DOCTYPE html>\n<html lang="en">'));
  assert.ok(!/<script|<link|<iframe|<img|@import|url\(/i.test(html), 'no script or external asset');
  assert.ok(
    ![...html.matchAll(/<[a-z][^>]*>/g)].some((m) => /\s(src|href|on\w+)=/i.test(m[0])),
    'no tag loads or runs anything',
  );
  assert.ok(!html.includes('<img src=x') && html.includes('&#60;img src=x onerror=alert(1)&#62;&#34;&#39;&#38;'));
  assert.ok(!html.includes(CLEAR_TOKEN), 'the secret is masked');
  assert.match(html, /TOKEN=\*{10,}/);
  // Balanced structure: every table, row and cell closed.
  for (const tag of ['table', 'thead', 'tbody', 'tr', 'td', 'th', 'section', 'svg', 'h2', 'h3'])
    assert.equal(
      (html.match(new RegExp(`<${tag}[\\s>]`, 'g')) ?? []).length,
      (html.match(new RegExp(`</${tag}>`, 'g')) ?? []).length,
      tag,
    );
});

test('the severity chart has one bar per severity, sized by its count; KEV first; upgrades counted', () => {
  const html = page();
  const bars = [...html.matchAll(/<rect class="bar" data-severity="(\w+)" x="90" y="\d+" width="(\d+)"/g)].map((m) => [
    m[1],
    Number(m[2]),
  ]);
  assert.deepEqual(bars, [
    ['CRITICAL', 150],
    ['HIGH', 300],
    ['MEDIUM', 150],
    ['LOW', 0],
    ['UNKNOWN', 0],
  ]);
  assert.match(html, /upgrading <b>openssl<\/b> to 3\.0\.15-1~deb12u2 fixes 2 findings/);
  assert.equal((html.match(/<h3>[^<]*debian 12\.8/g) ?? []).length, 1);
  assert.match(html, /GHSA-1 <span class="kev">KEV<\/span>/);
});

test('-f asff needs the account and region, and ids survive a new tag', () => {
  assert.throws(() => asffTargetFromEnv({ AWS_REGION: 'us-west-2' }), /AWS_ACCOUNT_ID/);
  assert.throws(() => asffTargetFromEnv({ AWS_ACCOUNT_ID: '123456789012' }), /AWS_REGION/);
  const t = asffTargetFromEnv({ AWS_ACCOUNT_ID: '123456789012', AWS_DEFAULT_REGION: 'cn-north-1' });
  assert.equal(t.partition, 'aws-cn');
  const a = asffFindings(jreport('ghcr.io/org/app:1', [jvuln('CVE-1', 'a', 'HIGH')]), t)[0]!;
  const b = asffFindings(jreport('ghcr.io/org/app:2', [jvuln('CVE-1', 'a', 'HIGH')]), t)[0]!;
  assert.equal(a['Id'], b['Id']);
  assert.equal(a['ProductArn'], 'arn:aws-cn:securityhub:cn-north-1:123456789012:product/123456789012/default');
});
