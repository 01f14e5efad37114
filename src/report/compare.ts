/**
 * The difference between two scans: packages added, removed, changed in
 * version (keyed by name, ecosystem and file), vulnerabilities introduced
 * and fixed (keyed by id and package name), with counts per severity.
 * Counts add up: old = removed + changed + unchanged, new = added + changed + unchanged.
 */
import type { Package } from '../model/package.js';
import type { Report, Severity, Vulnerability } from '../model/report.js';
import { SEVERITIES } from '../model/report.js';

export interface PackageChange {
  name: string;
  ecosystem: string;
  filePath: string;
  from?: string;
  to?: string;
}
export interface Comparison {
  old: { name: string; packages: number; vulnerabilities: number };
  new: { name: string; packages: number; vulnerabilities: number };
  packages: { added: PackageChange[]; removed: PackageChange[]; changed: PackageChange[]; unchanged: number };
  vulnerabilities: { introduced: Vulnerability[]; fixed: Vulnerability[]; persisting: number };
  bySeverity: Record<Severity, { introduced: number; fixed: number }>;
}

/** OS packages are compared by name alone (their status file path is the same everywhere). */
function pkgKey(p: Package): string {
  return ['deb', 'apk', 'rpm'].includes(p.ecosystem)
    ? `${p.ecosystem}\0${p.name}\0${p.arch ?? ''}`
    : `${p.ecosystem}\0${p.name}\0${p.filePath}`;
}

function packagesOf(r: Report): Map<string, Package> {
  const m = new Map<string, Package>();
  for (const res of r.results) for (const p of res.packages ?? []) m.set(pkgKey(p), p);
  return m;
}

function vulnsOf(r: Report): Map<string, Vulnerability> {
  const m = new Map<string, Vulnerability>();
  for (const res of r.results) for (const v of res.vulnerabilities ?? []) m.set(`${v.id}\0${v.pkgName}`, v);
  return m;
}

export function compareReports(oldR: Report, newR: Report): Comparison {
  const op = packagesOf(oldR),
    np = packagesOf(newR);
  const change = (p: Package, from?: string, to?: string): PackageChange => ({
    name: p.name,
    ecosystem: p.ecosystem,
    filePath: p.filePath,
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
  });
  const added: PackageChange[] = [],
    removed: PackageChange[] = [],
    changed: PackageChange[] = [];
  let unchanged = 0;
  for (const [k, p] of np) {
    const o = op.get(k);
    if (!o) added.push(change(p, undefined, p.version));
    else if (o.version !== p.version) changed.push(change(p, o.version, p.version));
    else unchanged++;
  }
  for (const [k, p] of op) if (!np.has(k)) removed.push(change(p, p.version));
  const ov = vulnsOf(oldR),
    nv = vulnsOf(newR);
  const introduced = [...nv].filter(([k]) => !ov.has(k)).map(([, v]) => v);
  const fixed = [...ov].filter(([k]) => !nv.has(k)).map(([, v]) => v);
  const bySeverity = Object.fromEntries(
    SEVERITIES.map((s) => [
      s,
      {
        introduced: introduced.filter((v) => v.severity === s).length,
        fixed: fixed.filter((v) => v.severity === s).length,
      },
    ]),
  ) as Comparison['bySeverity'];
  const byName = (a: PackageChange, b: PackageChange): number => a.name.localeCompare(b.name);
  return {
    old: { name: oldR.artifactName, packages: op.size, vulnerabilities: ov.size },
    new: { name: newR.artifactName, packages: np.size, vulnerabilities: nv.size },
    packages: { added: added.sort(byName), removed: removed.sort(byName), changed: changed.sort(byName), unchanged },
    vulnerabilities: { introduced, fixed, persisting: nv.size - introduced.length },
    bySeverity,
  };
}
