/**
 * apk-tools version ordering, as `apk version -t` answers: a tokenizer over
 * digits, letters, `_suffix[N]` and `-rN`, where a number after a dot with
 * leading zeros counts each zero beyond the first as -1 before the digits
 * (so `1.0` > `1.001`), and a version that has more tokens is greater unless
 * the next one is a pre-release suffix (`_alpha`, `_beta`, `_pre`, `_rc`).
 */
import { InvalidVersionError, type VersionComparator } from './types.js';

/** Token types as apk-tools names them; LeadingZeros is the digit run whose extra zeros count -1 each. */
const enum T {
  DigitOrZero = 0,
  Digit = 1,
  Letter = 2,
  Suffix = 3,
  SuffixNo = 4,
  RevisionNo = 5,
  End = 6,
  Invalid = -1,
  LeadingZeros = -2,
}
const PRE = ['alpha', 'beta', 'pre', 'rc'];
const POST = ['cvs', 'svn', 'git', 'hg', 'p'];

class Cursor {
  pos = 0;
  type: T = T.Digit;
  constructor(readonly s: string) {}
  get rest(): number {
    return this.s.length - this.pos;
  }
}

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isLower = (c: string | undefined): boolean => c !== undefined && c >= 'a' && c <= 'z';

function nextToken(c: Cursor): void {
  let n = T.Invalid;
  const ch = c.s[c.pos];
  if (c.rest === 0) n = T.End;
  else if ((c.type === T.Digit || c.type === T.DigitOrZero) && isLower(ch)) n = T.Letter;
  else if (c.type === T.Letter && isDigit(ch)) n = T.Digit;
  else if (c.type === T.Suffix && isDigit(ch)) n = T.SuffixNo;
  else {
    if (ch === '.') n = T.DigitOrZero;
    else if (ch === '_') n = T.Suffix;
    else if (ch === '-') {
      if (c.s[c.pos + 1] === 'r') {
        n = T.RevisionNo;
        c.pos++;
      }
    }
    c.pos++;
  }
  if (n < c.type && n !== T.Invalid) {
    const ok =
      (n === T.DigitOrZero && c.type === T.Digit) ||
      (n === T.Suffix && c.type === T.SuffixNo) ||
      (n === T.Digit && c.type === T.Letter);
    if (!ok) n = T.Invalid;
  }
  c.type = n;
}

function getToken(c: Cursor): number {
  if (c.rest <= 0) {
    c.type = T.End;
    return 0;
  }
  let v = 0;
  let i = c.pos;
  let nt = T.Invalid;
  const leadingZeros = c.type === T.DigitOrZero && c.s[i] === '0';
  switch (leadingZeros ? T.LeadingZeros : c.type) {
    case T.LeadingZeros:
      // apk-tools 2.14: each zero beyond the first counts -1; the last zero stays to be read as a digit.
      while (i + 1 < c.s.length && c.s[i + 1] === '0') i++;
      nt = T.Digit;
      v = -(i - c.pos);
      break;
    case T.DigitOrZero:
    case T.Digit:
    case T.SuffixNo:
    case T.RevisionNo:
      while (i < c.s.length && isDigit(c.s[i])) {
        v = v * 10 + Number(c.s[i]);
        i++;
        if (v > Number.MAX_SAFE_INTEGER / 10) {
          c.type = T.Invalid;
          return -1;
        }
      }
      break;
    case T.Letter:
      v = c.s.charCodeAt(i);
      i++;
      break;
    case T.Suffix: {
      const rest = c.s.slice(i);
      const pre = PRE.findIndex((p) => rest.startsWith(p));
      if (pre >= 0) {
        v = pre - PRE.length;
        i += PRE[pre]!.length;
        break;
      }
      const post = POST.findIndex((p) => rest.startsWith(p));
      if (post >= 0) {
        v = post;
        i += POST[post]!.length;
        break;
      }
      c.type = T.Invalid;
      return -1;
    }
    default:
      c.type = T.Invalid;
      return -1;
  }
  c.pos = i;
  if (c.rest === 0) c.type = T.End;
  else if (nt !== T.Invalid) c.type = nt;
  else nextToken(c);
  return v;
}

function valid(v: string): boolean {
  if (!v || v.length > 256 || !isDigit(v[0])) return false;
  const c = new Cursor(v);
  while (c.type !== T.End && c.type !== T.Invalid) getToken(c);
  return c.type === T.End;
}

function compare(a: string, b: string): number {
  const x = new Cursor(a),
    y = new Cursor(b);
  let av = 0,
    bv = 0;
  while (x.type === y.type && x.type !== T.End && x.type !== T.Invalid && av === bv) {
    av = getToken(x);
    bv = getToken(y);
  }
  if (av < bv) return -1;
  if (av > bv) return 1;
  if (x.type === y.type) return 0;
  if (x.type === T.Suffix && getToken(x) < 0) return -1;
  if (y.type === T.Suffix && getToken(y) < 0) return 1;
  if (x.type > y.type) return -1;
  if (y.type > x.type) return 1;
  return 0;
}

export const apkComparator: VersionComparator = {
  id: 'apk',
  isValid: valid,
  compare(a, b) {
    if (!valid(a)) throw new InvalidVersionError('apk', a);
    if (!valid(b)) throw new InvalidVersionError('apk', b);
    return compare(a, b);
  },
};
