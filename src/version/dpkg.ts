/**
 * Debian version ordering (Debian Policy §5.6.12): `[epoch:]upstream[-revision]`;
 * letters sort before non-letters, `~` before everything, even the end.
 * Also used for Ubuntu.
 */
import { parsedComparator } from './parsed.js';
import type { VersionComparator } from './types.js';

interface DpkgVersion {
  epoch: number;
  upstream: string;
  revision: string;
}

const VALID = /^(?:(\d+):)?([0-9][A-Za-z0-9.+~:-]*?)(?:-([A-Za-z0-9.+~]+))?$/;

export function parseDpkg(v: string): DpkgVersion | undefined {
  const s = v.trim();
  if (!s || s.length > 256) return undefined;
  const m = VALID.exec(s);
  if (!m) return undefined;
  const upstream = m[2]!;
  // A colon in upstream is only allowed with an explicit epoch; a hyphen only with a revision (handled by the lazy match).
  if (upstream.includes(':') && m[1] === undefined) return undefined;
  return { epoch: m[1] ? Number(m[1]) : 0, upstream, revision: m[3] ?? '' };
}

function order(c: string | undefined): number {
  if (c === undefined) return 0;
  if (c === '~') return -1;
  if (/[A-Za-z]/.test(c)) return c.charCodeAt(0);
  return c.charCodeAt(0) + 256;
}

/** dpkg's verrevcmp. */
export function compareFragment(a: string, b: string): number {
  let i = 0,
    j = 0;
  while (i < a.length || j < b.length) {
    let firstDiff = 0;
    while ((i < a.length && !/[0-9]/.test(a[i]!)) || (j < b.length && !/[0-9]/.test(b[j]!))) {
      const ac = i < a.length && !/[0-9]/.test(a[i]!) ? order(a[i]) : 0;
      const bc = j < b.length && !/[0-9]/.test(b[j]!) ? order(b[j]) : 0;
      if (ac !== bc) return ac - bc;
      i++;
      j++;
    }
    while (a[i] === '0') i++;
    while (b[j] === '0') j++;
    while (i < a.length && /[0-9]/.test(a[i]!) && j < b.length && /[0-9]/.test(b[j]!)) {
      if (!firstDiff) firstDiff = a.charCodeAt(i) - b.charCodeAt(j);
      i++;
      j++;
    }
    if (i < a.length && /[0-9]/.test(a[i]!)) return 1;
    if (j < b.length && /[0-9]/.test(b[j]!)) return -1;
    if (firstDiff) return firstDiff;
  }
  return 0;
}

export const dpkgComparator: VersionComparator = parsedComparator('dpkg', parseDpkg, (x, y) =>
  x.epoch !== y.epoch
    ? Math.sign(x.epoch - y.epoch)
    : Math.sign(compareFragment(x.upstream, y.upstream)) || Math.sign(compareFragment(x.revision, y.revision)),
);
