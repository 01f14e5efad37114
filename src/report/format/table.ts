/**
 * `--format table`, a table people read: first a summary of every target
 * (findings per severity, how many have a fix), then per target its
 * findings with Trivy's columns (Library, Vulnerability, Severity, Status,
 * Installed Version, Fixed Version, Title), each package written once over
 * its findings, and the layer that added it ("Added In") when the image
 * says; targets with nothing found folded into one line; the package list
 * when asked for (`--list-all-pkgs`) or when no finding scanner ran.
 * Severities are coloured when `color` is set (the CLI sets it for a
 * terminal, unless NO_COLOR).
 */
import type { Report, Result, Severity, Vulnerability } from '../../model/report.js';
import { SEVERITIES } from '../../model/report.js';
import { describeUnchecked } from '../../detect/vuln/coverage.js';
import { renderTable, type Column } from './text-table.js';
import { summaryTable } from './table-summary.js';
import { paintSeverity, shortCreatedBy } from './table-cells.js';

export interface TableFormatOptions {
  listPackages: boolean;
  showSuppressed?: boolean;
  /** ANSI colours for severities (a terminal that wants them). */
  color?: boolean;
}

const rank = (s: Severity): number => SEVERITIES.indexOf(s);

function summary(counts: Map<Severity, number>): string {
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  return `Total: ${total} (${SEVERITIES.map((s) => `${s}: ${counts.get(s) ?? 0}`).join(', ')})`;
}

function count<T extends { severity: Severity }>(items: T[]): Map<Severity, number> {
  const m = new Map<Severity, number>();
  for (const i of items) m.set(i.severity, (m.get(i.severity) ?? 0) + 1);
  return m;
}

function heading(title: string): string {
  return `\n${title}\n${'='.repeat(Math.min(title.length, 120))}`;
}

function renderResult(r: Result, opts: TableFormatOptions): string[] {
  const out: string[] = [];
  const vulns = r.vulnerabilities ?? [];
  if (r.vulnerabilities) {
    const kev = vulns.filter((v) => v.kev).length;
    out.push(
      heading(`${r.target} (${r.type})`),
      summary(count(vulns)) + (kev ? `, known exploited (KEV): ${kev}` : ''),
    );
    // Packages no advisory could speak for: `Total: 0` alone would read as checked and clean.
    for (const u of r.unchecked ?? []) out.push(`Not checked: ${describeUnchecked(u)}`);
    if (vulns.length) out.push(vulnerabilityTable(vulns, opts));
  }
  if (r.secrets?.length) {
    out.push(heading(`${r.target} (secrets)`), summary(count(r.secrets)));
    out.push(
      renderTable(
        [{ header: 'Rule' }, severityColumn(opts), { header: 'Line' }, { header: 'Match', max: 70 }],
        r.secrets.map((s) => [
          s.ruleId,
          s.severity,
          String(s.startLine),
          s.match + (s.deleted ? ' (deleted in a later layer)' : ''),
        ]),
      ),
    );
  }
  if (r.misconfigurations?.length) {
    const failed = r.misconfigurations.filter((m) => m.status === 'FAIL');
    out.push(heading(`${r.target} (${r.type})`), summary(count(failed)));
    out.push(
      renderTable(
        [{ header: 'ID' }, severityColumn(opts), { header: 'Title', max: 50 }, { header: 'Lines' }],
        failed.map((m) => [m.id, m.severity, m.title, m.cause ? `${m.cause.startLine}-${m.cause.endLine}` : '']),
      ),
    );
  }
  if (r.licenses?.length) {
    out.push(heading(`${r.target} (licenses)`), summary(count(r.licenses)));
    out.push(
      renderTable(
        [{ header: 'Package' }, { header: 'License' }, { header: 'Classification' }, severityColumn(opts)],
        r.licenses.map((l) => [l.pkgName ?? l.filePath ?? '', l.name, l.category, l.severity]),
      ),
    );
  }
  if (opts.showSuppressed && r.suppressed?.length) {
    out.push(heading(`${r.target}: ${r.suppressed.length} suppressed`));
    out.push(
      renderTable(
        [
          { header: 'Finding' },
          { header: 'Package' },
          { header: 'Severity' },
          { header: 'By' },
          { header: 'Status' },
          { header: 'Rule or statement', max: 50 },
        ],
        r.suppressed.map((x) => [
          x.id,
          x.pkgName ?? '',
          x.severity,
          x.by,
          x.status,
          `${x.source}${x.statement ? `: ${x.statement}` : ''}`,
        ]),
      ),
    );
  }
  if (opts.listPackages && r.packages?.length) {
    out.push(heading(`${r.target} (${r.type}): ${r.packages.length} packages`));
    out.push(
      renderTable(
        [
          { header: 'Name' },
          { header: 'Version' },
          { header: 'Source' },
          { header: 'Path', max: 50 },
          { header: 'Layer' },
        ],
        r.packages.map((p) => [
          p.name,
          p.version,
          p.origin === 'lockfile' ? `lockfile${p.dev ? ' (dev)' : ''}` : 'installed',
          p.filePath,
          p.layer ? p.layer.diffId.slice(7, 19) : '',
        ]),
      ),
    );
  }
  return out;
}

/** Nothing to show for this target: no finding, no coverage note, no list asked for. */
function isEmpty(r: Result, opts: TableFormatOptions): boolean {
  return (
    !r.vulnerabilities?.length &&
    !r.secrets?.length &&
    !r.misconfigurations?.some((m) => m.status === 'FAIL') &&
    !r.licenses?.length &&
    !r.unchecked?.length &&
    !(opts.showSuppressed && r.suppressed?.length) &&
    !(opts.listPackages && r.packages?.length)
  );
}

/** Targets with nothing found, in one line rather than a heading and `Total: 0` each. */
function foldedLine(empty: Result[]): string {
  const shown = empty.slice(0, 5).map((r) => r.target);
  const more = empty.length > shown.length ? ` and ${empty.length - shown.length} more` : '';
  return `\nNothing found in ${empty.length} target${empty.length > 1 ? 's' : ''}: ${shown.join(', ')}${more}`;
}

export function renderTableReport(report: Report, opts: TableFormatOptions): string {
  const lines: string[] = [];
  const c = report.metadata.container;
  if (c)
    lines.push(
      `Container ${c.name} (${c.id.slice(0, 12)}, ${c.engine}): image ${c.image}${c.startedAt ? `, started ${c.startedAt}` : ''}`,
    );
  const sig = report.metadata.signatures;
  if (sig)
    lines.push(
      sig.Verified
        ? `Signature: verified for ${sig.Digest} by ${sig.VerifiedBy.join(', ')}`
        : `Signature: NOT verified for ${sig.Digest}: ${sig.Reason ?? 'no signature verified'}`,
    );
  const summary = summaryTable(report, opts.color ?? false);
  if (summary) lines.push(summary);
  const empty: Result[] = [];
  for (const r of report.results) {
    if (isEmpty(r, opts)) {
      // A result with no scanner output at all (inventory only, list not asked) says nothing either way.
      if (r.vulnerabilities || r.secrets || r.misconfigurations || r.licenses) empty.push(r);
      continue;
    }
    for (const line of renderResult(r, opts)) lines.push(line); // no spread: a result can have 10^5 lines
  }
  if (empty.length) lines.push(foldedLine(empty));
  if (report.gates?.length) {
    lines.push(heading('Security gates'));
    lines.push(
      renderTable(
        [{ header: 'Gate' }, { header: 'Limit' }, { header: 'Count' }, { header: 'Result' }],
        report.gates.map((g) => [g.gate, String(g.limit), String(g.count), g.pass ? 'PASS' : 'FAIL']),
      ),
    );
  }
  if (!lines.length) lines.push(`${report.artifactName}: nothing to report`);
  return lines.join('\n') + '\n';
}

function severityColumn(opts: TableFormatOptions): Column {
  return opts.color ? { header: 'Severity', paint: paintSeverity } : { header: 'Severity' };
}

/**
 * One row per finding, grouped by package so its cell merges over its rows: packages in the order of
 * their most urgent finding (known exploited first, then severity), findings within the same way.
 */
function vulnerabilityTable(vulns: Vulnerability[], opts: TableFormatOptions): string {
  const urgency = (v: Vulnerability): number => (v.kev ? 0 : 1) * SEVERITIES.length + rank(v.severity);
  const pkgKey = (v: Vulnerability): string => `${v.pkgName}\0${v.installedVersion}\0${v.pkgPath ?? ''}`;
  const firstOf = new Map<string, number>();
  for (const v of vulns) firstOf.set(pkgKey(v), Math.min(firstOf.get(pkgKey(v)) ?? Infinity, urgency(v)));
  const sorted = [...vulns].sort(
    (a, b) =>
      firstOf.get(pkgKey(a))! - firstOf.get(pkgKey(b))! ||
      a.pkgName.localeCompare(b.pkgName) ||
      pkgKey(a).localeCompare(pkgKey(b)) ||
      urgency(a) - urgency(b) ||
      a.id.localeCompare(b.id),
  );
  const addedIn = sorted.some((v) => v.layer?.createdBy);
  const columns: Column[] = [
    { header: 'Library' },
    { header: 'Vulnerability' },
    severityColumn(opts),
    { header: 'Status' },
    { header: 'Installed Version' },
    { header: 'Fixed Version' },
    { header: 'Title', max: 50 },
    ...(addedIn ? [{ header: 'Added In', max: 40 }] : []),
  ];
  const rows = sorted.map((v) => [
    v.pkgName,
    v.kev ? `${v.id} KEV ${v.kev.dateAdded}` : v.id,
    v.severity,
    v.status,
    v.installedVersion,
    v.fixedVersion ?? '',
    v.title ?? '',
    ...(addedIn ? [shortCreatedBy(v.layer?.createdBy ?? '')] : []),
  ]);
  return renderTable(columns, rows, { mergeKeys: sorted.map(pkgKey) });
}
