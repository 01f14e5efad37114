/**
 * Events from a scan: what changed since the previous scan of the same
 * repository, as the triggers name it. Works on the JSON report (Trivy's
 * layout), which is what a CI job keeps as a baseline and what a server
 * stores, so the CLI and the server derive the same events.
 *
 * An event's id is a hash of what it is about (trigger, repository, finding
 * or gate and image), never of when it happened: the same finding seen by
 * two runs is the same event, which the outbox then delivers once per
 * channel.
 */
import { createHash } from 'node:crypto';
import type { JsonReport, JsonVulnerability } from '../report/format/json-layout.js';
import type { Trigger } from './config.js';

export type EventSeverity = 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW' | 'UNKNOWN';

/** One finding an event is about, in the fields a message shows. */
export interface EventFinding {
  kind: 'vulnerability' | 'secret';
  /** The CVE or advisory id, or the secret rule id. */
  id: string;
  severity: EventSeverity;
  title?: string;
  pkgName?: string;
  installedVersion?: string;
  fixedVersion?: string;
  /** The report target (OS, lockfile path, file holding a secret). */
  target: string;
  kev?: boolean;
  url?: string;
}

export interface NotifyEvent {
  /** The idempotency key: stable for the same fact, whichever run observes it. */
  id: string;
  type: Trigger;
  /** ISO time the event was observed. */
  time: string;
  /** The image repository (registry/name, no tag), or the artifact name when there is none. */
  repository: string;
  /** The scanned artifact as named (image:tag, archive path). */
  artifact: string;
  summary: string;
  findings: EventFinding[];
  /** Failed gates (compliance_violation). */
  gates?: { gate: string; limit: number | string; count: number | string }[];
  /** The scan's error (scan_failed). */
  error?: string;
  /** A page about the image, when a server has one. */
  link?: string;
  /** The whole report, for the weekly report's mail (HTML inline, JSON attached). */
  reports?: JsonReport[];
}

/** What the previous scan of a repository had, as much as the triggers compare. */
export interface PreviousScan {
  /** Finding key → its severity, fixability and KEV listing then. */
  findings: Record<string, { severity: string; fixable: boolean; kev: boolean }>;
}

const hash = (...parts: string[]): string => createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, 32);

/** The repository of an image reference: `ghcr.io/org/app:1.2@sha256:…` → `ghcr.io/org/app`. */
export function repositoryOf(report: JsonReport): string {
  const tags = (report.Metadata['RepoTags'] as string[] | undefined) ?? [];
  const name = tags[0] ?? report.ArtifactName;
  const noDigest = name.split('@')[0]!;
  const lastSlash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  return colon > lastSlash ? noDigest.slice(0, colon) : noDigest;
}

/** A vulnerability's identity across scans: the same advisory on the same package, whatever its version. */
const vulnKey = (v: JsonVulnerability): string => `vuln|${v.VulnerabilityID}|${v.PkgName}`;

function vulnFinding(v: JsonVulnerability, target: string): EventFinding {
  return {
    kind: 'vulnerability',
    id: v.VulnerabilityID,
    severity: normalSeverity(v.Severity),
    title: v.Title,
    pkgName: v.PkgName,
    installedVersion: v.InstalledVersion,
    fixedVersion: v.FixedVersion || undefined,
    target,
    kev: v['KEV'] !== undefined || undefined,
    url: typeof v['PrimaryURL'] === 'string' ? v['PrimaryURL'] : undefined,
  };
}

function normalSeverity(s: unknown): EventSeverity {
  return s === 'CRITICAL' || s === 'HIGH' || s === 'MEDIUM' || s === 'LOW' ? s : 'UNKNOWN';
}

interface SeenVuln {
  key: string;
  finding: EventFinding;
}

/** Every vulnerability of the report once per key (the same CVE in two lockfiles is one fact about the image). */
function vulnerabilities(report: JsonReport): SeenVuln[] {
  const seen = new Map<string, SeenVuln>();
  for (const r of report.Results ?? [])
    for (const v of r.Vulnerabilities ?? []) {
      const key = vulnKey(v);
      if (!seen.has(key)) seen.set(key, { key, finding: vulnFinding(v, r.Target) });
    }
  return [...seen.values()];
}

/** The previous-scan record of a report, for the next run's comparison (the CLI keeps it in a state file). */
export function previousFromReport(report: JsonReport): PreviousScan {
  const findings: PreviousScan['findings'] = {};
  for (const { key, finding } of vulnerabilities(report))
    findings[key] = { severity: finding.severity, fixable: !!finding.fixedVersion, kev: !!finding.kev };
  for (const s of secrets(report)) findings[s.key] = { severity: s.finding.severity, fixable: false, kev: false };
  return { findings };
}

/** A scalar of the JSON report as text; anything else as nothing. */
const text = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');

function secrets(report: JsonReport): SeenVuln[] {
  const out: SeenVuln[] = [];
  for (const r of report.Results ?? [])
    for (const s of r.Secrets ?? []) {
      const ruleId = text(s['RuleID']) || 'secret';
      out.push({
        // The line's text is masked, so it identifies the place without the value.
        key: `secret|${ruleId}|${r.Target}|${text(s['Match']) || text(s['StartLine'])}`,
        finding: {
          kind: 'secret',
          id: ruleId,
          severity: normalSeverity(s['Severity']),
          title: typeof s['Title'] === 'string' ? s['Title'] : ruleId,
          target: r.Target,
        },
      });
    }
  return out;
}

export interface ScanEventInput {
  report: JsonReport;
  /** The previous scan of the same repository; undefined: everything is new. */
  previous?: PreviousScan;
  now?: Date;
  /** The server's page for this image. */
  link?: string;
}

/** The events one finished scan raises, at most one per (trigger, repository, finding). */
export function eventsFromScan(input: ScanEventInput): NotifyEvent[] {
  const { report, previous } = input;
  const time = (input.now ?? new Date()).toISOString();
  const repository = repositoryOf(report);
  const artifact = report.ArtifactName;
  const before = previous?.findings ?? {};
  const events: NotifyEvent[] = [];
  const base = { time, repository, artifact, ...(input.link ? { link: input.link } : {}) };
  const findingEvent = (type: Trigger, key: string, finding: EventFinding, summary: string): NotifyEvent => ({
    ...base,
    id: hash(type, repository, key),
    type,
    summary,
    findings: [finding],
  });
  for (const { key, finding } of vulnerabilities(report)) {
    const was = before[key];
    const what = `${finding.id} in ${finding.pkgName} ${finding.installedVersion}`;
    if (finding.severity === 'CRITICAL' && (!was || was.severity !== 'CRITICAL'))
      events.push(findingEvent('new_critical_vulnerability', key, finding, `New critical ${what} in ${repository}`));
    if (finding.fixedVersion && !was?.fixable)
      events.push(
        findingEvent(
          'new_fixable',
          key,
          finding,
          `${what} can now be fixed (${finding.fixedVersion}) in ${repository}`,
        ),
      );
    if (finding.kev && !was?.kev)
      events.push(
        findingEvent('critical_security_event', key, finding, `Known exploited ${what} (CISA KEV) in ${repository}`),
      );
  }
  for (const { key, finding } of secrets(report))
    if (!before[key])
      events.push(
        findingEvent(
          'critical_security_event',
          key,
          finding,
          `Secret (${finding.title}) in ${finding.target} of ${repository}`,
        ),
      );
  const failed = (report.Gates ?? []).filter((g) => !g.Pass);
  if (failed.length) {
    // Once per image: the same image failing again is the same violation; a new build failing is a new one.
    const image =
      text(report.Metadata['ImageID']) ||
      text((report.Metadata['RepoDigests'] as unknown[] | undefined)?.[0]) ||
      artifact;
    events.push({
      ...base,
      id: hash('compliance_violation', repository, image, ...failed.map((g) => g.Gate)),
      type: 'compliance_violation',
      summary: `${repository}: security gate${failed.length > 1 ? 's' : ''} ${failed.map((g) => g.Gate).join(', ')} failed`,
      findings: [],
      gates: failed.map((g) => ({ gate: g.Gate, limit: g.Limit, count: g.Count })),
    });
  }
  return events;
}

/** The event of a scan that could not finish: once per repository, error and day. */
export function scanFailedEvent(artifact: string, error: string, now = new Date()): NotifyEvent {
  const repository = repositoryOf({ ArtifactName: artifact, Metadata: {} } as JsonReport);
  const time = now.toISOString();
  return {
    id: hash('scan_failed', repository, error, time.slice(0, 10)),
    type: 'scan_failed',
    time,
    repository,
    artifact,
    summary: `Scan of ${artifact} failed`,
    findings: [],
    error,
  };
}

/** The weekly security report over the latest report of each repository: once per ISO week. */
export function weeklyReportEvent(reports: JsonReport[], now = new Date()): NotifyEvent {
  const week = isoWeek(now);
  const repositories = [...new Set(reports.map(repositoryOf))].sort();
  const findings = reports.flatMap((r) => vulnerabilities(r).map((v) => v.finding));
  const count = (s: EventSeverity) => findings.filter((f) => f.severity === s).length;
  return {
    id: hash('weekly_security_report', week, ...repositories),
    type: 'weekly_security_report',
    time: now.toISOString(),
    repository: repositories.length === 1 ? repositories[0]! : `${repositories.length} repositories`,
    artifact: reports.map((r) => r.ArtifactName).join(', '),
    summary: `Weekly security report ${week}: ${count('CRITICAL')} critical, ${count('HIGH')} high findings in ${repositories.length} repositor${repositories.length === 1 ? 'y' : 'ies'}`,
    findings: findings.filter((f) => f.severity === 'CRITICAL'),
    reports,
  };
}

/** `2026-W49`. */
export function isoWeek(d: Date): string {
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const day = t.getUTCDay() || 7;
  t.setUTCDate(t.getUTCDate() + 4 - day);
  const yearStart = Date.UTC(t.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((t.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${t.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}
