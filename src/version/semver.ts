/**
 * Semantic Versioning 2.0 ordering via npm's own `semver` package, for npm
 * and crates.io. OSV SEMVER ranges start at `0`, which is the lowest version.
 */
import semver from 'semver';
import { parsedComparator } from './parsed.js';
import type { VersionComparator } from './types.js';

function norm(v: string): string | null {
  if (v === '0') return '0.0.0';
  return (
    semver.valid(v.trim(), { loose: false }) ?? semver.valid(semver.clean(v, { loose: true }) ?? '', { loose: true })
  );
}

export const semverComparator: VersionComparator = parsedComparator('semver', norm, (x, y) =>
  semver.compare(x, y, { loose: true }),
);
