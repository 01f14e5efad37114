/** The findings of a report as rows, and what changed between two sets of them. */
import type { Report } from '../../model/report.js';

export interface FindingRow {
  vulnerability_id: string;
  pkg_name: string;
  installed_version: string;
  pkg_path: string;
  fixed_version: string | null;
  severity: string;
  kev: number;
}

export function findingsOf(report: Report): FindingRow[] {
  const rows: FindingRow[] = [];
  for (const r of report.results)
    for (const v of r.vulnerabilities ?? [])
      rows.push({
        vulnerability_id: v.id,
        pkg_name: v.pkgName,
        installed_version: v.installedVersion,
        pkg_path: v.pkgPath ?? r.target,
        fixed_version: v.fixedVersion || null,
        severity: v.severity,
        kev: v.kev ? 1 : 0,
      });
  return rows;
}

/** One finding's identity across scans of the same digest. */
function identity(f: Pick<FindingRow, 'vulnerability_id' | 'pkg_name' | 'installed_version' | 'pkg_path'>): string {
  return `${f.vulnerability_id}\0${f.pkg_name}\0${f.installed_version}\0${f.pkg_path}`;
}

export interface FindingChange {
  change: 'new' | 'fixed';
  vulnerability_id: string;
  pkg_name: string;
  installed_version: string;
}

/** Findings in `now` but not `before` (new) and in `before` but not `now` (fixed: no longer matched). */
export function diffFindings(before: FindingRow[], now: FindingRow[]): FindingChange[] {
  const was = new Map(before.map((f) => [identity(f), f]));
  const is = new Map(now.map((f) => [identity(f), f]));
  const pick = (change: FindingChange['change'], f: FindingRow): FindingChange => ({
    change,
    vulnerability_id: f.vulnerability_id,
    pkg_name: f.pkg_name,
    installed_version: f.installed_version,
  });
  return [
    ...[...is].filter(([k]) => !was.has(k)).map(([, f]) => pick('new', f)),
    ...[...was].filter(([k]) => !is.has(k)).map(([, f]) => pick('fixed', f)),
  ];
}

export const SEVERITY_NAMES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'] as const;
export type SeverityCounts = Record<(typeof SEVERITY_NAMES)[number], number>;

export function emptyCounts(): SeverityCounts {
  return { CRITICAL: 0, HIGH: 0, MEDIUM: 0, LOW: 0, UNKNOWN: 0 };
}
