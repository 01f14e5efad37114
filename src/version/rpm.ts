/**
 * rpm ordering (rpmvercmp) over `[epoch:]version[-release]`: alphanumeric
 * segments, numbers beat letters, `~` sorts before everything and `^` after
 * the end but before any other addition.
 */
import { parsedComparator } from './parsed.js';
import type { VersionComparator } from './types.js';

export function rpmvercmp(a: string, b: string): number {
  if (a === b) return 0;
  let i = 0,
    j = 0;
  const isAlnum = (c: string | undefined): boolean => c !== undefined && /[A-Za-z0-9]/.test(c);
  for (;;) {
    while (i < a.length && !isAlnum(a[i]) && a[i] !== '~' && a[i] !== '^') i++;
    while (j < b.length && !isAlnum(b[j]) && b[j] !== '~' && b[j] !== '^') j++;
    if (a[i] === '~' || b[j] === '~') {
      if (a[i] !== '~') return 1;
      if (b[j] !== '~') return -1;
      i++;
      j++;
      continue;
    }
    if (a[i] === '^' || b[j] === '^') {
      if (i >= a.length) return -1;
      if (j >= b.length) return 1;
      if (a[i] !== '^') return 1;
      if (b[j] !== '^') return -1;
      i++;
      j++;
      continue;
    }
    if (i >= a.length || j >= b.length) break;
    const numeric = /[0-9]/.test(a[i]!);
    const re = numeric ? /[0-9]/ : /[A-Za-z]/;
    let ie = i,
      je = j;
    while (ie < a.length && re.test(a[ie]!)) ie++;
    while (je < b.length && re.test(b[je]!)) je++;
    let x = a.slice(i, ie),
      y = b.slice(j, je);
    if (!y.length) return numeric ? 1 : -1;
    if (numeric) {
      x = x.replace(/^0+/, '');
      y = y.replace(/^0+/, '');
      if (x.length !== y.length) return x.length > y.length ? 1 : -1;
    }
    if (x !== y) return x < y ? -1 : 1;
    i = ie;
    j = je;
  }
  if (i >= a.length && j >= b.length) return 0;
  return i >= a.length ? -1 : 1;
}

function split(v: string): { epoch: number; version: string; release: string } | undefined {
  const m = /^(?:(\d+):)?([^-\s]+)(?:-([^-\s]+))?$/.exec(v.trim());
  return m && v.length < 256 ? { epoch: Number(m[1] ?? 0), version: m[2]!, release: m[3] ?? '' } : undefined;
}

// rpm ≥ 4.17 (rpmverCmp): a missing release compares as empty, i.e. lower than any release.
export const rpmComparator: VersionComparator = parsedComparator('rpm', split, (x, y) =>
  x.epoch !== y.epoch
    ? x.epoch < y.epoch
      ? -1
      : 1
    : rpmvercmp(x.version, y.version) || rpmvercmp(x.release, y.release),
);
