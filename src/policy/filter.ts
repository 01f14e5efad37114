/**
 * Filters that decide which findings stay in the report: severity list,
 * ignore-unfixed, package types. They act on the report model only.
 */
import type { Report, Severity, Vulnerability } from '../model/report.js';
import { SEVERITIES } from '../model/report.js';
import { UserError } from '../util/errors.js';
import { POLICY_RESULT_TYPE } from './rego/policies.js';

export interface FindingFilter {
  severities: Set<Severity>;
  ignoreUnfixed: boolean;
  /** `os`, `library`. */
  pkgTypes: Set<'os' | 'library'>;
  /** `--kev-only`: keep only findings in CISA's Known Exploited Vulnerabilities catalog. */
  kevOnly?: boolean;
}

export function parseSeverities(list: string): Set<Severity> {
  const out = new Set<Severity>();
  for (const raw of list
    .split(',')
    .map((s) => s.trim().toUpperCase())
    .filter(Boolean)) {
    if (!(SEVERITIES as readonly string[]).includes(raw))
      throw new UserError(`unknown severity "${raw}"`, `use any of ${SEVERITIES.join(',')}`);
    out.add(raw as Severity);
  }
  return out;
}

export function parsePkgTypes(list: string): Set<'os' | 'library'> {
  const out = new Set<'os' | 'library'>();
  for (const raw of list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    if (raw !== 'os' && raw !== 'library')
      throw new UserError(`unknown package type "${raw}"`, 'use os, library or os,library');
    out.add(raw);
  }
  return out;
}

function keepVulnerability(v: Vulnerability, f: FindingFilter): boolean {
  if (!f.severities.has(v.severity)) return false;
  if (f.ignoreUnfixed && !v.fixedVersion) return false;
  if (f.kevOnly && !v.kev) return false;
  return true;
}

/** Applies the filter in place-free fashion: returns a new report. */
export function applyFindingFilter(report: Report, f: FindingFilter): Report {
  return {
    ...report,
    results: report.results
      .filter((r) =>
        r.class === 'os-pkgs' ? f.pkgTypes.has('os') : r.class === 'lang-pkgs' ? f.pkgTypes.has('library') : true,
      )
      .map((r) => ({
        ...r,
        vulnerabilities: r.vulnerabilities?.filter((v) => keepVulnerability(v, f)),
        secrets: r.secrets?.filter((s) => f.severities.has(s.severity)),
        misconfigurations: r.misconfigurations?.filter((m) => f.severities.has(m.severity)),
        licenses: r.licenses?.filter((l) => f.severities.has(l.severity)),
      })),
  };
}

/** Number of findings a gate counts: vulnerabilities, secrets, failed misconfigurations, licences. */
export function countFindings(report: Report): number {
  return countFindingsAtLeast(report, 'UNKNOWN');
}

/** As countFindings, counting only findings of severity `min` or above (Grype's `--fail-on`). */
export function countFindingsAtLeast(report: Report, min: Severity): number {
  // SEVERITIES runs from CRITICAL down to UNKNOWN: a lower index is more severe.
  const limit = SEVERITIES.indexOf(min);
  const counts = (x: { severity: Severity }): boolean => SEVERITIES.indexOf(x.severity) <= limit;
  let n = 0;
  for (const r of report.results) {
    // Policy results decide through the `policy` gate: a warn must never change the exit code.
    if (r.type === POLICY_RESULT_TYPE) continue;
    n += r.vulnerabilities?.filter(counts).length ?? 0;
    n += r.secrets?.filter(counts).length ?? 0;
    n += r.misconfigurations?.filter((m) => m.status === 'FAIL' && counts(m)).length ?? 0;
    n += r.licenses?.filter(counts).length ?? 0;
  }
  return n;
}

/** One severity, any case, as Grype's `--fail-on` takes it. */
export function parseSeverity(raw: string, flag: string): Severity {
  const s = raw.trim().toUpperCase();
  if (!(SEVERITIES as readonly string[]).includes(s))
    throw new UserError(`${flag}: unknown severity "${raw}"`, `use one of ${SEVERITIES.join(', ')}`);
  return s as Severity;
}
