/**
 * Every finding of a report flattened into one list with what the CI
 * formats need: a rule id, a location (image path), a severity and text.
 */
import type { Report, Severity, Vulnerability } from '../../model/report.js';

export interface FlatFinding {
  kind: 'vulnerability' | 'secret' | 'misconfiguration' | 'license';
  /** The result target the finding belongs to. */
  target: string;
  ruleId: string;
  title: string;
  description: string;
  severity: Severity;
  /** CVSS base score when known, for ranking. */
  score?: number;
  /** Image path the finding is located at (no leading slash). */
  path: string;
  startLine: number;
  endLine: number;
  message: string;
  helpUri?: string;
  /** Stable identity of this finding across scans. */
  key: string;
  /** Package coordinates for vulnerabilities. */
  pkg?: { name: string; version: string; fixedVersion?: string; purl: string };
  identifiers?: string[];
  /** CISA KEV entry and EPSS score of a vulnerability. */
  kev?: Vulnerability['kev'];
  epss?: Vulnerability['epss'];
}

function pathOf(target: string): string {
  return target.replace(/^\//, '').replace(/ \(.*\)$/, '');
}

export function flattenFindings(report: Report): FlatFinding[] {
  const out: FlatFinding[] = [];
  for (const r of report.results) {
    for (const v of r.vulnerabilities ?? []) {
      const path = v.pkgPath ?? pathOf(r.target);
      out.push({
        kind: 'vulnerability',
        target: r.target,
        ruleId: v.id,
        title: v.title ?? `${v.id} in ${v.pkgName}`,
        description: v.description ?? v.title ?? v.id,
        severity: v.severity,
        score: Math.max(0, ...v.cvss.map((c) => c.score)) || undefined,
        path,
        startLine: 1,
        endLine: 1,
        message: `${v.pkgName} ${v.installedVersion} is affected by ${v.id} (${v.severity})${v.kev ? `, known exploited in the wild (CISA KEV since ${v.kev.dateAdded})` : ''}${v.fixedVersion ? `; fixed in ${v.fixedVersion}` : '; no fix yet'}. Matched ${v.matchedBy.map((m) => `${m.advisoryId} ${m.range}`).join('; ')}.`,
        helpUri: v.primaryUrl,
        key: `${v.id}|${v.purl}|${path}`,
        pkg: { name: v.pkgName, version: v.installedVersion, fixedVersion: v.fixedVersion, purl: v.purl },
        identifiers: v.aliases,
        ...(v.kev ? { kev: v.kev } : {}),
        ...(v.epss ? { epss: v.epss } : {}),
      });
    }
    for (const s of r.secrets ?? []) {
      out.push({
        kind: 'secret',
        target: r.target,
        ruleId: s.ruleId,
        title: s.title,
        description: `${s.title} found in the image`,
        severity: s.severity,
        path: pathOf(r.target),
        startLine: s.startLine,
        endLine: s.endLine,
        message: `${s.title}: ${s.match}${s.deleted ? ' (deleted in a later layer, still readable from its own)' : ''}`,
        key: `${s.ruleId}|${r.target}|${s.startLine}|${s.match}`,
      });
    }
    for (const m of r.misconfigurations ?? []) {
      if (m.status !== 'FAIL') continue;
      out.push({
        kind: 'misconfiguration',
        target: r.target,
        ruleId: m.id,
        title: m.title,
        description: `${m.description} ${m.resolution}`.trim(),
        severity: m.severity,
        path: pathOf(r.target),
        startLine: m.cause?.startLine ?? 1,
        endLine: m.cause?.endLine ?? m.cause?.startLine ?? 1,
        message: m.message,
        helpUri: m.references[0],
        key: `${m.id}|${r.target}`,
      });
    }
    for (const l of r.licenses ?? []) {
      out.push({
        kind: 'license',
        target: r.target,
        ruleId: `license:${l.name}`,
        title: `${l.category} licence ${l.name}`,
        description: `${l.pkgName ?? l.filePath} is licensed ${l.name} (${l.category})`,
        severity: l.severity,
        path: pathOf(l.filePath ?? r.target),
        startLine: 1,
        endLine: 1,
        message: `${l.pkgName ?? l.filePath}: ${l.name} (${l.category})`,
        key: `${l.name}|${l.pkgName ?? ''}|${l.filePath ?? ''}`,
      });
    }
  }
  return out;
}
