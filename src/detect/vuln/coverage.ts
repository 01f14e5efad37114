/**
 * Which packages no advisory can speak for: those whose ecosystem has no
 * entry in the database (the shared OSV data has no Maven; a distribution
 * release newer than the data). A report that only said `Total: 0` for
 * them would read as "checked and clean".
 */
import type { OSInfo } from '../../model/os.js';
import type { Package } from '../../model/package.js';
import type { Unchecked } from '../../model/report.js';
import type { VulnDb } from '../../vulndb/store.js';
import { isOsPackage, languageEcosystem, osEcosystems } from './ecosystems.js';

/** Per ecosystem, how many of these packages the database has no advisories for. */
export function uncheckedPackages(
  db: VulnDb,
  packages: Package[],
  os: OSInfo | undefined,
  matchOsOwned: boolean,
): Unchecked[] {
  const present = new Map<string, boolean>();
  const has = (e: string): boolean => {
    let v = present.get(e);
    if (v === undefined) {
      v = db.hasEcosystem(e);
      present.set(e, v);
    }
    return v;
  };
  const osEcos = osEcosystems(os, (prefix) => db.ecosystemsLike(prefix));
  const osLabel = os ? `${os.family} ${os.name}` : 'unknown OS';
  const counts = new Map<string, Unchecked>();
  const count = (ecosystem: string, reason: string): void => {
    const u = counts.get(ecosystem) ?? { ecosystem, packages: 0, reason };
    u.packages++;
    counts.set(ecosystem, u);
  };
  for (const p of packages) {
    // Language metadata an OS package installed is covered by the distribution's advisories, unless asked.
    if (p.ownedBy && !matchOsOwned) continue;
    if (isOsPackage(p)) {
      if (!osEcos.length) count(osLabel, `no advisory ecosystem known for ${osLabel}`);
      else if (!osEcos.some(has)) count(osEcos.join(', '), `no advisories for ${osEcos.join(', ')} in this database`);
      continue;
    }
    const eco = languageEcosystem(p);
    if (!eco) count(p.ecosystem, `no advisory ecosystem for ${p.ecosystem} packages`);
    else if (!has(eco)) count(eco, `no advisories for ${eco} in this database`);
  }
  return [...counts.values()];
}

/** `125 Maven packages: no advisories for Maven in this database`. */
export function describeUnchecked(u: Unchecked): string {
  return `${u.packages} ${u.ecosystem} package${u.packages === 1 ? '' : 's'}: ${u.reason}`;
}
