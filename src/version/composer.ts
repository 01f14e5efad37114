/**
 * Composer ordering (composer/semver): up to four numeric parts, then a
 * stability (dev < alpha < beta < RC < stable < patch/pl) with a number.
 */
import { parsedComparator } from './parsed.js';
import type { VersionComparator } from './types.js';

const RE =
  /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:\.(\d+))?(?:[._-]?(stable|beta|b|rc|alpha|a|patch|pl|p|dev)(?:[.-]?(\d+))?)?(?:[.-]?dev)?$/i;
const STABILITY: Record<string, number> = {
  dev: 0,
  alpha: 1,
  a: 1,
  beta: 2,
  b: 2,
  rc: 3,
  stable: 4,
  patch: 5,
  pl: 5,
  p: 5,
};

function parse(v: string): number[] | undefined {
  if (v.length > 128) return undefined;
  const m = RE.exec(v.trim());
  if (!m) return undefined;
  const devSuffix = /[.-]?dev$/i.test(v.trim()) && m[5]?.toLowerCase() !== 'dev';
  const stab = m[5] ? STABILITY[m[5].toLowerCase()]! : devSuffix ? 0 : 4;
  return [
    Number(m[1]),
    Number(m[2] ?? 0),
    Number(m[3] ?? 0),
    Number(m[4] ?? 0),
    stab,
    Number(m[6] ?? 0),
    devSuffix && m[5] ? -1 : 0,
  ];
}

export const composerComparator: VersionComparator = parsedComparator('composer', parse, (x, y) => {
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
  return 0;
});
