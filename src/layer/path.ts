/**
 * Image paths are untrusted strings. They are normalised lexically, inside
 * the image, and never touch the host filesystem.
 */

/** Longest path we accept from an image (Linux PATH_MAX is 4096). */
export const MAX_PATH_LENGTH = 4096;

export type NormalisedPath = { ok: true; path: string } | { ok: false; reason: string };

/**
 * `./usr/bin/../lib/x` → `usr/lib/x`. Rejects paths that climb above the root
 * (`../etc/passwd`), contain NUL, or are absurdly long. Absolute paths are
 * taken as image-rooted (`/etc/x` → `etc/x`), as tar does when extracting.
 */
export function normaliseImagePath(raw: string): NormalisedPath {
  if (raw.length > MAX_PATH_LENGTH) return { ok: false, reason: `path longer than ${MAX_PATH_LENGTH} characters` };
  if (raw.includes('\0')) return { ok: false, reason: 'path contains a NUL byte' };
  const out: string[] = [];
  for (const seg of raw.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (out.length === 0) return { ok: false, reason: 'path climbs above the image root' };
      out.pop();
      continue;
    }
    out.push(seg);
  }
  return { ok: true, path: out.join('/') };
}

/** True when `path` is `dir` or lies below it. `dir` '' is the root. */
export function isUnder(path: string, dir: string): boolean {
  if (dir === '') return true;
  return (
    path === dir || (path.length > dir.length && path.startsWith(dir) && path.charCodeAt(dir.length) === 47) /* / */
  );
}

export function dirnameOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

export function basenameOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
