/**
 * `--format table`: per target, a severity summary and the findings sorted
 * by severity with the fix column; the package list when asked for
 * (`--list-all-pkgs`) or when no finding scanner ran.
 */
import type { Report, Result, Severity } from '../../model/report.js';
import { SEVERITIES } from '../../model/report.js';
import { describeUnchecked } from '../../detect/vuln/coverage.js';
import { renderTable } from './text-table.js';

export interface TableFormatOptions {
  listPackages: boolean;
  showSuppressed?: boolean;
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
    if (vulns.length) {
      // Known exploited first: they are what attackers use now, whatever their CVSS says.
      const rows = [...vulns]
        .sort(
          (a, b) =>
            Number(!!b.kev) - Number(!!a.kev) ||
            rank(a.severity) - rank(b.severity) ||
            a.pkgName.localeCompare(b.pkgName) ||
            a.id.localeCompare(b.id),
        )
        .map((v) => [
          v.pkgName,
          v.kev ? `${v.id} KEV ${v.kev.dateAdded}` : v.id,
          v.severity,
          v.status,
          v.installedVersion,
          v.fixedVersion ?? '',
          v.title ?? '',
        ]);
      out.push(
        renderTable(
          [
            { header: 'Library' },
            { header: 'Vulnerability' },
            { header: 'Severity' },
            { header: 'Status' },
            { header: 'Installed Version' },
            { header: 'Fixed Version' },
            { header: 'Title', max: 50 },
          ],
          rows,
        ),
      );
    }
  }
  if (r.secrets?.length) {
    out.push(heading(`${r.target} (secrets)`), summary(count(r.secrets)));
    out.push(
      renderTable(
        [{ header: 'Rule' }, { header: 'Severity' }, { header: 'Line' }, { header: 'Match', max: 70 }],
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
        [{ header: 'ID' }, { header: 'Severity' }, { header: 'Title', max: 50 }, { header: 'Lines' }],
        failed.map((m) => [m.id, m.severity, m.title, m.cause ? `${m.cause.startLine}-${m.cause.endLine}` : '']),
      ),
    );
  }
  if (r.licenses?.length) {
    out.push(heading(`${r.target} (licenses)`), summary(count(r.licenses)));
    out.push(
      renderTable(
        [{ header: 'Package' }, { header: 'License' }, { header: 'Classification' }, { header: 'Severity' }],
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

export function renderTableReport(report: Report, opts: TableFormatOptions): string {
  const lines: string[] = [];
  const os = report.metadata.os;
  const c = report.metadata.container;
  if (c)
    lines.push(
      `Container ${c.name} (${c.id.slice(0, 12)}, ${c.engine}): image ${c.image}${c.startedAt ? `, started ${c.startedAt}` : ''}`,
    );
  if (os?.eosl)
    lines.push(
      `WARNING: ${os.family} ${os.name} is past its end of life${os.eolDate ? ` (${os.eolDate})` : ''}: no more security fixes.`,
    );
  for (const r of report.results) for (const line of renderResult(r, opts)) lines.push(line); // no spread: a result can have 10^5 lines
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
