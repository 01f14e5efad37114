/**
 * NuGet ordering: SemVer 2.0 with up to four numeric parts (a missing part
 * is 0), pre-release labels compared case-insensitively, metadata ignored.
 */
import { parsedComparator } from './parsed.js';
import type { VersionComparator } from './types.js';

const RE =
  /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z.-]+)?$/;

function parse(v: string): { nums: bigint[]; pre: string[] } | undefined {
  if (v.length > 256) return undefined;
  const m = RE.exec(v.trim());
  if (!m) return undefined;
  return { nums: [1, 2, 3, 4].map((i) => BigInt(m[i] ?? '0')), pre: m[5] ? m[5].toLowerCase().split('.') : [] };
}

export const nugetComparator: VersionComparator = parsedComparator('nuget', parse, (x, y) => {
  {
    for (let i = 0; i < 4; i++) if (x.nums[i] !== y.nums[i]) return x.nums[i]! < y.nums[i]! ? -1 : 1;
    if (!x.pre.length || !y.pre.length) return x.pre.length === y.pre.length ? 0 : x.pre.length ? -1 : 1;
    for (let i = 0; i < Math.max(x.pre.length, y.pre.length); i++) {
      const p = x.pre[i],
        q = y.pre[i];
      if (p === undefined) return -1;
      if (q === undefined) return 1;
      const pn = /^\d+$/.test(p),
        qn = /^\d+$/.test(q);
      if (pn && qn) {
        const c = BigInt(p) - BigInt(q);
        if (c) return c < 0n ? -1 : 1;
        continue;
      }
      if (pn !== qn) return pn ? -1 : 1;
      if (p !== q) return p < q ? -1 : 1;
    }
    return 0;
  }
});
