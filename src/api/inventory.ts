/**
 * The match inventory: what vulnerability matching reads from an image (its
 * packages and OS), kept by a server so that a new database re-matches it
 * without the image (rematch.ts); and the package-name keys it is indexed by.
 */
import type { OSInfo } from '../model/os.js';
import type { Package } from '../model/package.js';

/** What matching reads from an image; plain JSON, so a store can keep it. */
export interface MatchInventory {
  os?: OSInfo;
  packages: Package[];
  /** The warnings the last detection added to the report: a re-match replaces them with its own. */
  detectionWarnings: string[];
  matchOsOwned: boolean;
}

/**
 * The key a package name is indexed under to find the inventories an
 * advisory change can touch: lower case, runs of `-`, `_`, `.` as one `-`.
 * Coarser than any ecosystem's own normalisation (PEP 503, lower case, as
 * is), so a change is never missed; a few extra re-matches are harmless.
 */
export function packageNameKey(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/** Every name key an inventory can be matched by: package names and source package names (OS advisories name the source). */
export function inventoryNameKeys(inv: Pick<MatchInventory, 'packages'>): string[] {
  const keys = new Set<string>();
  for (const p of inv.packages) {
    keys.add(packageNameKey(p.name));
    if (p.srcName) keys.add(packageNameKey(p.srcName));
  }
  return [...keys].sort();
}
