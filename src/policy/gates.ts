/**
 * Security gates from a config file, read as the seed pipelines write them:
 *   security_gates:
 *     container_scan: { critical_vulnerabilities: 0, high_vulnerabilities: 3, medium_vulnerabilities: 10, known_exploited: 0 }
 *     sbom_validation: required
 * A count above its limit fails the gate; every gate is reported with its
 * limit, count and verdict.
 */
import type { Report, Severity } from '../model/report.js';
import { UserError } from '../util/errors.js';

export interface Gates {
  limits: Partial<Record<Severity, number>>;
  /** `known_exploited`: findings in CISA's KEV catalog allowed. */
  knownExploited?: number;
  sbomValidation: boolean;
}

export interface GateVerdict {
  gate: string;
  limit: number | string;
  count: number | string;
  pass: boolean;
}

const KEYS: Record<string, Severity> = {
  critical_vulnerabilities: 'CRITICAL',
  high_vulnerabilities: 'HIGH',
  medium_vulnerabilities: 'MEDIUM',
  low_vulnerabilities: 'LOW',
  unknown_vulnerabilities: 'UNKNOWN',
};

const KEV_KEY = 'known_exploited';

export function parseGates(raw: unknown, where: string): Gates {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new UserError(`${where}: security_gates must be a mapping`);
  const gates: Gates = { limits: {}, sbomValidation: false };
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    if (k === 'container_scan') {
      if (typeof v !== 'object' || v === null)
        throw new UserError(`${where}: security_gates.container_scan must be a mapping`);
      for (const [gk, gv] of Object.entries(v as Record<string, unknown>)) {
        const sev = KEYS[gk];
        if (!sev && gk !== KEV_KEY)
          throw new UserError(
            `${where}: security_gates.container_scan.${gk} is unknown`,
            `use ${[...Object.keys(KEYS), KEV_KEY].join(', ')}`,
          );
        if (!Number.isInteger(gv) || (gv as number) < 0)
          throw new UserError(
            `${where}: security_gates.container_scan.${gk} must be a non-negative integer, got ${JSON.stringify(gv)}`,
          );
        if (sev) gates.limits[sev] = gv as number;
        else gates.knownExploited = gv as number;
      }
    } else if (k === 'sbom_validation') {
      if (v !== 'required' && v !== 'optional' && v !== 'off')
        throw new UserError(`${where}: security_gates.sbom_validation must be required, optional or off`);
      gates.sbomValidation = v === 'required';
    } else {
      throw new UserError(`${where}: security_gates.${k} is unknown`, 'use container_scan, sbom_validation');
    }
  }
  return gates;
}

/** Vulnerability counts per severity in the (filtered, decided) report. */
export function severityCounts(report: Report): Record<Severity, number> {
  const c: Record<Severity, number> = { CRITICAL: 0, HIGH: 0, MEDIUM: 0, LOW: 0, UNKNOWN: 0 };
  for (const r of report.results) for (const v of r.vulnerabilities ?? []) c[v.severity]++;
  return c;
}

export function evaluateGates(gates: Gates, report: Report, sbomValid?: boolean): GateVerdict[] {
  const counts = severityCounts(report);
  const verdicts: GateVerdict[] = (Object.entries(gates.limits) as [Severity, number][]).map(([sev, limit]) => ({
    gate: `${sev.toLowerCase()}_vulnerabilities`,
    limit,
    count: counts[sev],
    pass: counts[sev] <= limit,
  }));
  if (gates.knownExploited !== undefined) {
    const kev = report.results.reduce((n, r) => n + (r.vulnerabilities ?? []).filter((v) => v.kev).length, 0);
    verdicts.push({ gate: KEV_KEY, limit: gates.knownExploited, count: kev, pass: kev <= gates.knownExploited });
  }
  if (gates.sbomValidation)
    verdicts.push({
      gate: 'sbom_validation',
      limit: 'required',
      count: sbomValid ? 'valid' : 'invalid',
      pass: sbomValid === true,
    });
  return verdicts;
}
