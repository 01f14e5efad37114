/**
 * Maven `ComparableVersion` ordering: items split on `.`/`-` and at
 * digit/letter changes; qualifiers alpha < beta < milestone < rc = cr <
 * snapshot < "" = ga = final = release < sp < other strings (lexically).
 */
import { InvalidVersionError, type VersionComparator } from './types.js';

type Item = { kind: 'int'; v: bigint } | { kind: 'str'; v: string } | { kind: 'list'; v: Item[] };

const QUALIFIERS = ['alpha', 'beta', 'milestone', 'rc', 'snapshot', '', 'sp'];
const ALIASES: Record<string, string> = { ga: '', final: '', release: '', cr: 'rc' };

function qualifierKey(s: string): string {
  const q = ALIASES[s] ?? s;
  const i = QUALIFIERS.indexOf(q);
  return i >= 0 ? String(i) : `${QUALIFIERS.length}-${q}`;
}

function parse(version: string): Item[] {
  const v = version.toLowerCase();
  const root: Item[] = [];
  let list = root;
  const stack: Item[][] = [root];
  let start = 0;
  let isDigit = false;
  const push = (tok: string, digit: boolean, followedByDigit = false): void => {
    if (digit) list.push({ kind: 'int', v: BigInt(tok || '0') });
    else {
      let t = tok;
      if (followedByDigit && t.length === 1) t = t === 'a' ? 'alpha' : t === 'b' ? 'beta' : t === 'm' ? 'milestone' : t;
      list.push({ kind: 'str', v: ALIASES[t] ?? t });
    }
  };
  const newList = (): void => {
    const l: Item[] = [];
    list.push({ kind: 'list', v: l });
    list = l;
    stack.push(l);
  };
  for (let i = 0; i < v.length; i++) {
    const c = v[i]!;
    if (c === '.') {
      push(v.slice(start, i), isDigit);
      start = i + 1;
    } else if (c === '-') {
      push(v.slice(start, i), isDigit);
      start = i + 1;
      newList();
    } else if (/[0-9]/.test(c)) {
      if (!isDigit && i > start) {
        push(v.slice(start, i), false, true);
        start = i;
        newList();
      }
      isDigit = true;
    } else {
      if (isDigit && i > start) {
        push(v.slice(start, i), true);
        start = i;
        newList();
      }
      isDigit = false;
    }
  }
  if (v.length > start) push(v.slice(start), isDigit);
  normalise(root);
  return root;
}

function isNull(i: Item): boolean {
  return (
    (i.kind === 'int' && i.v === 0n) || (i.kind === 'str' && i.v === '') || (i.kind === 'list' && i.v.length === 0)
  );
}

/** Maven's ListItem.normalize: from the end, drop null items, step over sub-lists, stop at anything else. */
function normalise(list: Item[]): void {
  for (const i of list) if (i.kind === 'list') normalise(i.v);
  for (let i = list.length - 1; i >= 0; i--) {
    const item = list[i]!;
    if (isNull(item)) list.splice(i, 1);
    else if (item.kind !== 'list') break;
  }
}

function cmpItem(a: Item | undefined, b: Item | undefined): number {
  if (a === undefined && b === undefined) return 0;
  if (a === undefined) return -cmpItem(b, undefined);
  if (b === undefined) {
    if (a.kind === 'int') return a.v === 0n ? 0 : 1;
    if (a.kind === 'str')
      return qualifierKey(a.v) < qualifierKey('') ? -1 : qualifierKey(a.v) === qualifierKey('') ? 0 : 1;
    return a.v.length === 0 ? 0 : cmpItem(a.v[0], undefined);
  }
  if (a.kind === 'int') {
    if (b.kind === 'int') return a.v < b.v ? -1 : a.v > b.v ? 1 : 0;
    return 1;
  }
  if (a.kind === 'str') {
    if (b.kind === 'int' || b.kind === 'list') return -1;
    const x = qualifierKey(a.v),
      y = qualifierKey(b.v);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (b.kind === 'int') return -1;
  if (b.kind === 'str') return 1;
  for (let i = 0; i < Math.max(a.v.length, b.v.length); i++) {
    const c = cmpItem(a.v[i], b.v[i]);
    if (c) return c;
  }
  return 0;
}

export const mavenComparator: VersionComparator = {
  id: 'maven',
  isValid: (v) => v.trim().length > 0 && v.length < 256 && !/\s/.test(v.trim()),
  compare(a, b) {
    if (!this.isValid(a)) throw new InvalidVersionError('maven', a);
    if (!this.isValid(b)) throw new InvalidVersionError('maven', b);
    return cmpItem({ kind: 'list', v: parse(a.trim()) }, { kind: 'list', v: parse(b.trim()) });
  },
};
