/** The suppression record of a vulnerability, with what suppressed it. */
function vulnerabilitySuppression(
  v: Vulnerability,
  how: Pick<Suppression, 'by' | 'status' | 'source' | 'statement'>,
): Suppression {
  return {
    kind: 'vulnerability',
    id: v.id,
    pkgName: v.pkgName,
    installedVersion: v.installedVersion,
    severity: v.severity,
    ...how,
  };
}

/**
 * Applies the team's decisions to a report: ignore rules and VEX
 * statements take findings out of the results into `suppressed`, each with
 * the rule or statement that did it. Nothing vanishes: expired rules are
 * returned so the caller can list them.
 */
import type { Report, Result, Suppression, Vulnerability } from '../model/report.js';
import { isExpired, type IgnoreRule } from './ignore.js';
import { purlMatches, type VexStatement } from './vex.js';

export interface Decisions {
  ignore: IgnoreRule[];
  vex: VexStatement[];
  now: Date;
}

/**
 * `*` matches any run of characters, as Trivy's ignore-file paths use it.
 * Written by hand rather than as a regex: an ignore file comes with the
 * repository being scanned, and a pattern of many stars compiled to `.*`
 * runs makes V8 backtrack polynomially on a long path. This is the
 * two-pointer match, at most pattern × path steps.
 */
export function wildcardMatch(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  let star = -1;
  let resume = 0;
  while (t < text.length) {
    if (p < pattern.length && pattern[p] !== '*' && pattern[p] === text[t]) {
      p++;
      t++;
    } else if (p < pattern.length && pattern[p] === '*') {
      star = p++;
      resume = t;
    } else if (star >= 0) {
      p = star + 1;
      t = ++resume;
    } else return false;
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}

function pathMatches(rulePaths: string[] | undefined, path: string | undefined): boolean {
  if (!rulePaths?.length) return true;
  const p = (path ?? '').replace(/^\//, '');
  return rulePaths.some((r) => {
    const rp = r.replace(/^\//, '');
    if (rp.includes('*')) return wildcardMatch(rp, p);
    return p === rp || p.startsWith(`${rp.replace(/\/$/, '')}/`);
  });
}

function ignoreFor(
  rules: IgnoreRule[],
  kind: IgnoreRule['kind'],
  ids: string[],
  paths: (string | undefined)[],
  purl?: string,
): IgnoreRule | undefined {
  return rules.find(
    (r) =>
      (r.kind === 'any' || r.kind === kind) &&
      ids.includes(r.id) &&
      paths.some((path) => pathMatches(r.paths, path)) &&
      (!r.purls?.length || (purl !== undefined && r.purls.some((p) => purlMatches(p, purl)))),
  );
}

function vexFor(statements: VexStatement[], v: Vulnerability): VexStatement | undefined {
  const ids = new Set(v.aliases.concat(v.id));
  return statements.find(
    (s) =>
      (ids.has(s.vulnerability) || s.aliases.some((a) => ids.has(a))) &&
      (!s.products.length || s.products.some((p) => purlMatches(p, v.purl))),
  );
}

export function applyDecisions(report: Report, d: Decisions): { report: Report; expired: IgnoreRule[] } {
  const live = d.ignore.filter((r) => !isExpired(r, d.now));
  const expired = d.ignore.filter((r) => isExpired(r, d.now));
  const results = report.results.map((r): Result => {
    const suppressed: Suppression[] = [...(r.suppressed ?? [])];
    const vulnerabilities = r.vulnerabilities?.filter((v) => {
      const rule = ignoreFor(live, 'vulnerability', v.aliases.concat(v.id), v.pkgPaths ?? [v.pkgPath], v.purl);
      if (rule) {
        suppressed.push(
          vulnerabilitySuppression(v, {
            by: 'ignore',
            status: 'ignored',
            source: rule.origin,
            statement: rule.statement,
          }),
        );
        return false;
      }
      const st = vexFor(d.vex, v);
      if (st && (st.status === 'not_affected' || st.status === 'fixed')) {
        suppressed.push(
          vulnerabilitySuppression(v, { by: 'vex', status: st.status, source: st.source, statement: st.justification }),
        );
        return false;
      }
      if (st) v.vexStatus = st.status;
      return true;
    });
    const secrets = r.secrets?.filter((s) => {
      const rule = ignoreFor(live, 'secret', [s.ruleId], [r.target]);
      if (rule)
        suppressed.push({
          kind: 'secret',
          id: s.ruleId,
          severity: s.severity,
          by: 'ignore',
          status: 'ignored',
          source: rule.origin,
          statement: rule.statement,
        });
      return !rule;
    });
    const misconfigurations = r.misconfigurations?.filter((m) => {
      const rule = ignoreFor(live, 'misconfiguration', [m.id, m.avdId ?? ''], [r.target]);
      if (rule)
        suppressed.push({
          kind: 'misconfiguration',
          id: m.id,
          severity: m.severity,
          by: 'ignore',
          status: 'ignored',
          source: rule.origin,
          statement: rule.statement,
        });
      return !rule;
    });
    const out: Result = { ...r, vulnerabilities, secrets, misconfigurations };
    if (suppressed.length) out.suppressed = suppressed;
    return out;
  });
  return { report: { ...report, results }, expired };
}
