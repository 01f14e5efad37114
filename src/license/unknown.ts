/**
 * Every package says what is known of its licence: the names its metadata
 * states, or the explicit `UNKNOWN` when it states none (a lockfile without
 * licence fields, a Go binary, a Debian package without a copyright file).
 * An empty list would read as "no licence"; formats that have their own word
 * for it use that word instead (SPDX: NOASSERTION).
 */
import type { Package } from '../model/package.js';

export const UNKNOWN_LICENCE = 'UNKNOWN';

/** True for a licence list that says nothing but "unknown". */
export function isUnknownLicense(licenses: readonly string[] | undefined): boolean {
  return !licenses?.some((l) => l.trim() && l !== UNKNOWN_LICENCE);
}

/** Gives each package without a stated licence the explicit UNKNOWN, in place (the packages keep their identity for matching). */
export function markUnknownLicenses(packages: readonly Package[]): void {
  for (const p of packages) {
    const stated = (p.licenses ?? []).filter((l) => l.trim());
    p.licenses = stated.length ? stated : [UNKNOWN_LICENCE];
  }
}
