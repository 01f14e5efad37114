/**
 * PEP 440 ordering: epoch, release, pre (a < b < rc), post, dev, local.
 * Normalises spellings (`1.0.0alpha1` = `1.0.0a1`, `1.0-post1` = `1.0.post1`).
 */
import { parsedComparator } from './parsed.js';
import type { VersionComparator } from './types.js';

const RE =
  /^v?(?:(\d+)!)?(\d+(?:\.\d+)*)(?:[-_.]?(a|b|c|rc|alpha|beta|pre|preview)[-_.]?(\d*))?(?:-(\d+)|[-_.]?(post|rev|r)[-_.]?(\d*))?(?:[-_.]?(dev)[-_.]?(\d*))?(?:\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?$/i;

interface Pep440 {
  epoch: number;
  release: number[];
  pre?: [number, number];
  post?: number;
  dev?: number;
  local?: (string | number)[];
}

function parse(v: string): Pep440 | undefined {
  if (v.length > 256) return undefined;
  const m = RE.exec(v.trim().toLowerCase());
  if (!m) return undefined;
  const preName = m[3];
  const preRank = preName ? (preName.startsWith('a') ? 0 : preName.startsWith('b') ? 1 : 2) : undefined;
  const out: Pep440 = { epoch: m[1] ? Number(m[1]) : 0, release: m[2]!.split('.').map(Number) };
  if (preRank !== undefined) out.pre = [preRank, Number(m[4] || 0)];
  if (m[5] !== undefined) out.post = Number(m[5]);
  else if (m[6]) out.post = Number(m[7] || 0);
  if (m[8]) out.dev = Number(m[9] || 0);
  if (m[10]) out.local = m[10].split(/[-_.]/).map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  return out;
}

function cmpNum(a: number, b: number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function cmpRelease(a: number[], b: number[]): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = cmpNum(a[i] ?? 0, b[i] ?? 0);
    if (c) return c;
  }
  return 0;
}

/** Keys as in `packaging`: a dev release without pre/post sorts before the pre-releases. */
function preKey(v: Pep440): [number, number, number] {
  if (!v.pre && v.post === undefined && v.dev !== undefined) return [-1, 0, 0];
  if (!v.pre) return [1, 0, 0];
  return [0, v.pre[0], v.pre[1]];
}

function cmpLocal(a: (string | number)[] | undefined, b: (string | number)[] | undefined): number {
  if (!a && !b) return 0;
  if (!a) return -1;
  if (!b) return 1;
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i],
      y = b[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (typeof x === 'number' && typeof y === 'number') {
      const c = cmpNum(x, y);
      if (c) return c;
      continue;
    }
    if (typeof x === 'number') return 1; // numeric segments sort after alphanumeric ones
    if (typeof y === 'number') return -1;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

export function comparePep440(a: Pep440, b: Pep440): number {
  let c = cmpNum(a.epoch, b.epoch) || cmpRelease(a.release, b.release);
  if (c) return c;
  const pa = preKey(a),
    pb = preKey(b);
  c = cmpNum(pa[0], pb[0]) || cmpNum(pa[1], pb[1]) || cmpNum(pa[2], pb[2]);
  if (c) return c;
  c = cmpNum(a.post ?? -1, b.post ?? -1);
  if (c) return c;
  c = cmpNum(a.dev ?? Infinity, b.dev ?? Infinity);
  if (c) return c;
  return cmpLocal(a.local, b.local);
}

export const pep440Comparator: VersionComparator = parsedComparator('pep440', parse, comparePep440);
