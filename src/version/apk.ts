/**
 * apk-tools version ordering (as `apk version -t`): dotted numbers, an
 * optional letter, suffixes (`_alpha` < `_beta` < `_pre` < `_rc` < none <
 * `_cvs` < `_svn` < `_git` < `_hg` < `_p`) with optional numbers, and `-rN`.
 */
import { InvalidVersionError, type VersionComparator } from './types.js';

const PRE_SUFFIXES = ['alpha', 'beta', 'pre', 'rc'];
const POST_SUFFIXES = ['cvs', 'svn', 'git', 'hg', 'p'];
const VALID = /^(\d+(?:\.\d+)*)([a-z]?)((?:_(?:alpha|beta|pre|rc|cvs|svn|git|hg|p)\d*)*)(?:~[0-9a-f]+)?(?:-r(\d+))?$/;

interface ApkVersion { numbers: string[]; letter: string; suffixes: { rank: number; n: bigint }[]; release: bigint }

function parse(v: string): ApkVersion | undefined {
  if (v.length > 256) return undefined;
  const m = VALID.exec(v.trim());
  if (!m) return undefined;
  const suffixes = (m[3] ?? '').split('_').filter(Boolean).map((s) => {
    const sm = /^([a-z]+)(\d*)$/.exec(s)!;
    const name = sm[1]!;
    const rank = PRE_SUFFIXES.includes(name) ? PRE_SUFFIXES.indexOf(name) - PRE_SUFFIXES.length : POST_SUFFIXES.indexOf(name) + 1;
    return { rank, n: BigInt(sm[2] || '0') };
  });
  return { numbers: m[1]!.split('.'), letter: m[2] ?? '', suffixes, release: BigInt(m[4] ?? '0') };
}

function cmpBig(a: bigint, b: bigint): number { return a < b ? -1 : a > b ? 1 : 0; }

/** apk compares the first number numerically and later ones like decimals when they have leading zeros. */
function compareNumbers(a: string[], b: string[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i], y = b[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (i > 0 && (x.startsWith('0') || y.startsWith('0'))) {
      // fractional comparison: "01" vs "1" compares as .01 vs .1
      const len = Math.max(x.length, y.length);
      const c = x.padEnd(len, '0').localeCompare(y.padEnd(len, '0'));
      if (c) return c;
      continue;
    }
    const c = cmpBig(BigInt(x), BigInt(y));
    if (c) return c;
  }
  return 0;
}

export const apkComparator: VersionComparator = {
  id: 'apk',
  isValid: (v) => parse(v) !== undefined,
  compare(a, b) {
    const x = parse(a);
    if (!x) throw new InvalidVersionError('apk', a);
    const y = parse(b);
    if (!y) throw new InvalidVersionError('apk', b);
    const n = compareNumbers(x.numbers, y.numbers);
    if (n) return n;
    if (x.letter !== y.letter) return x.letter < y.letter ? -1 : 1;
    for (let i = 0; i < Math.max(x.suffixes.length, y.suffixes.length); i++) {
      const s = x.suffixes[i], t = y.suffixes[i];
      const rs = s?.rank ?? 0, rt = t?.rank ?? 0;
      if (rs !== rt) return rs - rt;
      const c = cmpBig(s?.n ?? 0n, t?.n ?? 0n);
      if (c) return c;
    }
    return cmpBig(x.release, y.release);
  },
};
