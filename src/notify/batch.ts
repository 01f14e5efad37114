/**
 * One message per batch of events: events of the same trigger together, and
 * the same finding (advisory, package, version) seen on many images listed
 * once with every repository it was seen in.
 */
import type { Trigger } from './config.js';
import type { EventFinding, NotifyEvent } from './events.js';

export const TRIGGER_TITLES: Record<Trigger, string> = {
  new_critical_vulnerability: 'New critical vulnerabilities',
  compliance_violation: 'Security gates failed',
  critical_security_event: 'Critical security events',
  weekly_security_report: 'Weekly security report',
  new_fixable: 'Newly fixable vulnerabilities',
  scan_failed: 'Scans failed',
};

export interface FindingGroup {
  finding: EventFinding;
  repositories: string[];
  links: string[];
}

export interface TriggerGroup {
  type: Trigger;
  findings: FindingGroup[];
  /** Events about no finding (gates, failed scans, reports). */
  others: NotifyEvent[];
}

const findingKey = (f: EventFinding): string =>
  [f.kind, f.id, f.pkgName ?? f.target, f.installedVersion ?? ''].join('|');

export function groupEvents(events: readonly NotifyEvent[]): TriggerGroup[] {
  const byType = new Map<Trigger, { findings: Map<string, FindingGroup>; others: NotifyEvent[] }>();
  for (const e of events) {
    let group = byType.get(e.type);
    if (!group) byType.set(e.type, (group = { findings: new Map(), others: [] }));
    if (!e.findings.length || e.type === 'weekly_security_report') {
      group.others.push(e);
      continue;
    }
    for (const f of e.findings) {
      const key = findingKey(f);
      const g = group.findings.get(key) ?? { finding: f, repositories: [], links: [] };
      if (!g.repositories.includes(e.repository)) g.repositories.push(e.repository);
      if (e.link && !g.links.includes(e.link)) g.links.push(e.link);
      group.findings.set(key, g);
    }
  }
  return [...byType].map(([type, g]) => ({ type, findings: [...g.findings.values()], others: g.others }));
}

/** The one-line headline of a batch. */
export function batchTitle(events: readonly NotifyEvent[]): string {
  if (events.length === 1) return events[0]!.summary;
  const groups = groupEvents(events);
  return `customs: ${groups.map((g) => `${TRIGGER_TITLES[g.type].toLowerCase()} (${g.findings.length + g.others.length})`).join(', ')}`;
}

/** A finding as one line of plain text. */
export function findingLine(g: FindingGroup): string {
  const f = g.finding;
  const pkg = f.pkgName ? ` in ${f.pkgName} ${f.installedVersion ?? ''}`.trimEnd() : ` in ${f.target}`;
  const fix = f.kind === 'vulnerability' ? (f.fixedVersion ? `, fixed in ${f.fixedVersion}` : ', no fix yet') : '';
  const kev = f.kev ? ', known exploited (CISA KEV)' : '';
  return `${f.id} (${f.severity})${pkg}${fix}${kev}: ${g.repositories.join(', ')}`;
}

/** An event with no finding as one line of plain text. */
export function otherLine(e: NotifyEvent): string {
  if (e.gates?.length)
    return `${e.repository}: ${e.gates.map((g) => `${g.gate} ${String(g.count)} over the limit ${String(g.limit)}`).join('; ')}`;
  if (e.error) return `${e.artifact}: ${e.error}`;
  return e.summary;
}

/** The batch as plain text: a title line, then each trigger's lines. */
export function batchText(events: readonly NotifyEvent[]): string {
  const lines = [batchTitle(events), ''];
  for (const g of groupEvents(events)) {
    lines.push(`${TRIGGER_TITLES[g.type]}:`);
    for (const f of g.findings) lines.push(`- ${findingLine(f)}`);
    for (const o of g.others) lines.push(`- ${otherLine(o)}`);
    lines.push('');
  }
  return lines.join('\n');
}
