/**
 * Go module versions: semver with a `v` (`v1.2.3`, `+incompatible` ignored
 * for ordering, pseudo-versions ordering as pre-releases), OSV writes them
 * without the `v`. The toolchain (`stdlib`) is versioned `go1.19.8`,
 * `go1.21rc2`, `go1.20`: mapped onto semver (`1.21.0-rc.2`).
 */
import semver from 'semver';
import { parsedComparator } from './parsed.js';
import type { VersionComparator } from './types.js';

function toSemver(v: string): string | null {
  let s = v.trim();
  const go = /^(?:go)?(\d+)\.(\d+)(?:\.(\d+))?(?:(rc|beta|alpha)(\d+))?$/.exec(s);
  if (go && (s.startsWith('go') || !s.includes('-'))) {
    const pre = go[4] ? `-${go[4]}.${go[5]}` : '';
    return semver.valid(`${go[1]}.${go[2]}.${go[3] ?? '0'}${pre}`); // null for leading zeros (`00.1`)
  }
  if (s === '0') return '0.0.0';
  if (s.startsWith('v')) s = s.slice(1);
  s = s.replace(/\+incompatible$/, '');
  return semver.valid(s);
}

export const goComparator: VersionComparator = parsedComparator('go', toSemver, (x, y) => semver.compare(x, y));
