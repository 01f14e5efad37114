/**
 * `Gem::Version` ordering: segments split on dots and at digit/letter
 * boundaries; a letter segment makes a pre-release, sorting before numbers;
 * trailing zeros do not matter (`1.0` = `1`).
 */
import { InvalidVersionError, type VersionComparator } from './types.js';

const VALID = /^[0-9]+(?:\.[0-9a-zA-Z]+)*(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

function segments(v: string): (number | string)[] {
  // Gem::Version turns `-` into `.pre.`
  const s = v.trim().replace(/-/g, '.pre.');
  const segs = s.match(/[0-9]+|[a-z]+/gi)?.map((x) => (/^\d+$/.test(x) ? Number(x) : x)) ?? [];
  // canonical: drop trailing zeros before the first letter segment and at the end
  const firstLetter = segs.findIndex((x) => typeof x === 'string');
  const head = firstLetter < 0 ? segs : segs.slice(0, firstLetter);
  const tail = firstLetter < 0 ? [] : segs.slice(firstLetter);
  while (head.length > 1 && head[head.length - 1] === 0) head.pop();
  while (tail.length && tail[tail.length - 1] === 0) tail.pop();
  return [...head, ...tail];
}

export const rubygemsComparator: VersionComparator = {
  id: 'rubygems',
  isValid: (v) => v.length < 256 && VALID.test(v.trim()),
  compare(a, b) {
    if (!this.isValid(a)) throw new InvalidVersionError('rubygems', a);
    if (!this.isValid(b)) throw new InvalidVersionError('rubygems', b);
    const x = segments(a),
      y = segments(b);
    for (let i = 0; i < Math.max(x.length, y.length); i++) {
      const p = x[i] ?? 0,
        q = y[i] ?? 0;
      if (p === q) continue;
      if (typeof p === 'string' && typeof q === 'number') return -1;
      if (typeof p === 'number' && typeof q === 'string') return 1;
      return p < q ? -1 : 1;
    }
    return 0;
  },
};
