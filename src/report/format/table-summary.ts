/**
 * The table format's opening summary: one row per target with findings
 * (per severity, with how many have a fixed version; secrets and
 * misconfigurations when scanned), targets with nothing found in one row,
 * and the OS release's end of life in its row's type.
 */
import type { Report, Result, Severity } from '../../model/report.js';
import { SEVERITIES } from '../../model/report.js';
import { paint } from './table-cells.js';
import { renderTable, type Column } from './text-table.js';

const hasFindings = (r: Result): boolean =>
  !!(
    r.vulnerabilities?.length ||
    r.secrets?.length ||
    r.misconfigurations?.some((m) => m.status === 'FAIL') ||
    r.licenses?.length
  );

const scanned = (r: Result): boolean => !!(r.vulnerabilities || r.secrets || r.misconfigurations || r.licenses);

/** `5 (3)`: five findings, three with a fix; `-` for none. */
function countCell(r: Result, s: Severity): string {
  const all = [
    ...(r.vulnerabilities ?? []).filter((v) => v.severity === s),
    ...(r.secrets ?? []).filter((x) => x.severity === s),
    ...(r.misconfigurations ?? []).filter((m) => m.status === 'FAIL' && m.severity === s),
    ...(r.licenses ?? []).filter((l) => l.severity === s),
  ];
  if (!all.length) return '-';
  const fixable = (r.vulnerabilities ?? []).filter((v) => v.severity === s && v.fixedVersion).length;
  return fixable ? `${all.length} (${fixable})` : String(all.length);
}

export function summaryTable(report: Report, color: boolean): string | undefined {
  const results = report.results.filter(scanned);
  if (!results.length) return undefined;
  const os = report.metadata.os;
  const eol = os?.eosl ? ` (end of life${os.eolDate ? ` ${os.eolDate}` : ''})` : '';
  // The OS target keeps its row when its release is past end of life: that is a finding in itself.
  // So does a target whose packages no advisory could speak for: "nothing found" would read as checked and clean.
  const keep = (r: Result): boolean => hasFindings(r) || !!r.unchecked?.length || (eol !== '' && r.class === 'os-pkgs');
  const notChecked = (r: Result): string => {
    const n = (r.unchecked ?? []).reduce((a, u) => a + u.packages, 0);
    return n ? ` (${n} not checked)` : '';
  };
  const shown = results.filter(keep);
  const empty = results.length - shown.length;
  const columns: Column[] = [
    { header: 'Target', max: 50 },
    { header: 'Type' },
    ...SEVERITIES.map((s): Column =>
      color ? { header: s, paint: (text, cell) => (cell === '-' ? text : paint(text, s)) } : { header: s },
    ),
  ];
  const rows = shown.map((r) => [
    r.target,
    `${r.class === 'secret' ? 'secrets' : r.type}${r.class === 'os-pkgs' ? eol : ''}${notChecked(r)}`,
    ...SEVERITIES.map((s) => countCell(r, s)),
  ]);
  if (empty) rows.push([`${empty} target${empty > 1 ? 's' : ''}: nothing found`, '', ...SEVERITIES.map(() => '-')]);
  return [
    '\nReport Summary (findings per severity; with a fixed version in brackets)',
    renderTable(columns, rows),
  ].join('\n');
}
