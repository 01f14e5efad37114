/** String built-ins, sprintf with Go's verbs among them. */
import { BuiltinError } from '../errors.js';
import { formatNumber, RObject, RSet, show, type Value } from '../value.js';
import { arr, elements, fail, int, num, str, type BuiltinTable } from './types.js';

/** Bound on strings built-ins produce (repeat, padding, sprintf widths): a policy cannot exhaust memory. */
const MAX_STRING = 16 * 1024 * 1024;

function cut(s: string, chars: string, left: boolean, right: boolean): string {
  const set = new Set([...chars]);
  const cps = [...s];
  let a = 0;
  let b = cps.length;
  if (left) while (a < b && set.has(cps[a]!)) a++;
  if (right) while (b > a && set.has(cps[b - 1]!)) b--;
  return cps.slice(a, b).join('');
}

/** Go's %v of a Rego value: strings bare, everything else in Rego's syntax. */
export function goValue(v: Value): string {
  return typeof v === 'string' ? v : show(v);
}

function pad(s: string, width: number | undefined, left: boolean, zero: boolean): string {
  if (width === undefined || s.length >= width) return s;
  if (width > MAX_STRING) fail('sprintf: width too large');
  if (left) return s + ' '.repeat(width - s.length);
  if (zero) {
    const sign = /^[+-]/.test(s) ? s[0]! : '';
    return sign + '0'.repeat(width - s.length) + s.slice(sign.length);
  }
  return ' '.repeat(width - s.length) + s;
}

function goFloat(n: number, verb: string, prec: number | undefined): string {
  switch (verb) {
    case 'f':
    case 'F':
      return n.toFixed(prec ?? 6);
    case 'e':
    case 'E': {
      const s = n.toExponential(prec ?? 6).replace(/e([+-])(\d)$/, 'e$10$2');
      return verb === 'E' ? s.toUpperCase() : s;
    }
    default: {
      // %g: shortest representation, exponent for large/small magnitudes, as Go's strconv 'g' with -1.
      if (prec !== undefined) return String(Number(n.toPrecision(prec)));
      const abs = Math.abs(n);
      if (abs !== 0 && (abs < 1e-4 || abs >= 1e21)) return n.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
      return String(n);
    }
  }
}

export function sprintf(format: string, args: Value[]): string {
  let out = '';
  let argi = 0;
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!;
    if (c !== '%') {
      out += c;
      continue;
    }
    const m = /^([-+# 0]*)(\d+)?(?:\.(\d+))?([a-zA-Z%])/.exec(format.slice(i + 1, i + 40));
    if (!m) {
      out += '%!(NOVERB)';
      continue;
    }
    i += m[0].length;
    const [, flags = '', w, p, verb = ''] = m;
    if (verb === '%') {
      out += '%';
      continue;
    }
    const width = w === undefined ? undefined : Number(w);
    const prec = p === undefined ? undefined : Number(p);
    const left = flags.includes('-');
    const zero = flags.includes('0') && !left;
    const plus = flags.includes('+');
    if (argi >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    const a = args[argi++]!;
    let s: string;
    switch (verb) {
      case 'v':
        s = typeof a === 'number' ? formatNumber(a) : goValue(a);
        break;
      case 's':
        s = typeof a === 'string' ? a : goValue(a);
        if (prec !== undefined) s = [...s].slice(0, prec).join('');
        break;
      case 'q':
        s = typeof a === 'string' ? JSON.stringify(a) : `%!q(${goValue(a)})`;
        break;
      case 'd':
        if (typeof a === 'number' && Number.isInteger(a)) s = (plus && a >= 0 ? '+' : '') + a.toFixed(0);
        else s = `%!d(${typeof a === 'number' ? 'float64' : 'string'}=${goValue(a)})`;
        break;
      case 'f':
      case 'F':
      case 'e':
      case 'E':
      case 'g':
      case 'G':
        s =
          typeof a === 'number'
            ? (plus && a >= 0 ? '+' : '') + goFloat(a, verb, prec)
            : `%!${verb}(string=${goValue(a)})`;
        break;
      case 'x':
      case 'X':
      case 'o':
      case 'b': {
        const base = verb === 'o' ? 8 : verb === 'b' ? 2 : 16;
        if (typeof a === 'number' && Number.isInteger(a)) s = a.toString(base);
        else if (typeof a === 'string' && base === 16) s = Buffer.from(a, 'utf8').toString('hex');
        else s = `%!${verb}(${goValue(a)})`;
        if (verb === 'X') s = s.toUpperCase();
        break;
      }
      case 't':
        s = typeof a === 'boolean' ? String(a) : `%!t(${goValue(a)})`;
        break;
      case 'T':
        s =
          typeof a === 'string'
            ? 'string'
            : typeof a === 'number'
              ? Number.isInteger(a)
                ? 'int'
                : 'float64'
              : typeof a === 'boolean'
                ? 'bool'
                : 'ast.Value';
        break;
      default:
        s = `%!${verb}(${goValue(a)})`;
    }
    out += pad(s, width, left, zero && verb !== 's' && verb !== 'v' && verb !== 'q');
    if (out.length > MAX_STRING) fail('sprintf: result too large');
  }
  if (argi < args.length) out += `%!(EXTRA ${args.slice(argi).map(goValue).join(', ')})`;
  return out;
}

/** Code-point index of the first occurrence, as OPA counts runes. */
function runeIndex(s: string, sub: string): number {
  const at = s.indexOf(sub);
  return at < 0 ? -1 : [...s.slice(0, at)].length;
}

export const STRINGS: BuiltinTable = {
  concat: {
    arity: 2,
    types: ['string', 'array|set'],
    fn: ([sep, coll]) => {
      const parts = elements(coll!);
      if (!parts.every((p) => typeof p === 'string')) fail('concat: operand 2 must be array or set of strings');
      return parts.join(str(sep!));
    },
  },
  contains: { arity: 2, types: ['string', 'string'], fn: ([s, sub]) => str(s!).includes(str(sub!)) },
  startswith: { arity: 2, types: ['string', 'string'], fn: ([s, p]) => str(s!).startsWith(str(p!)) },
  endswith: { arity: 2, types: ['string', 'string'], fn: ([s, p]) => str(s!).endsWith(str(p!)) },
  lower: { arity: 1, types: ['string'], fn: ([s]) => str(s!).toLowerCase() },
  upper: { arity: 1, types: ['string'], fn: ([s]) => str(s!).toUpperCase() },
  split: {
    arity: 2,
    types: ['string', 'string'],
    fn: ([s, d]) => (str(d!) === '' ? [...str(s!)] : str(s!).split(str(d!))),
  },
  replace: {
    arity: 3,
    types: ['string', 'string', 'string'],
    fn: ([s, o, n]) => (str(o!) === '' ? goReplaceEmpty(str(s!), str(n!), -1) : str(s!).split(str(o!)).join(str(n!))),
  },
  'strings.replace_n': {
    arity: 2,
    types: ['object', 'string'],
    fn: ([patterns, s]) => {
      const pairs = (patterns as RObject).sortedEntries();
      for (const [k, v] of pairs)
        if (typeof k !== 'string' || typeof v !== 'string')
          fail('strings.replace_n: operand 1 must be object of strings');
      // Go's strings.NewReplacer: one pass, at each position the first listed pattern that matches.
      let out = '';
      const text = str(s!);
      let i = 0;
      while (i < text.length) {
        const hit = pairs.find(([k]) => (k as string) !== '' && text.startsWith(k as string, i));
        if (hit) {
          out += hit[1] as string;
          i += (hit[0] as string).length;
        } else out += text[i++];
      }
      return out;
    },
  },
  trim: { arity: 2, types: ['string', 'string'], fn: ([s, c]) => cut(str(s!), str(c!), true, true) },
  trim_left: { arity: 2, types: ['string', 'string'], fn: ([s, c]) => cut(str(s!), str(c!), true, false) },
  trim_right: { arity: 2, types: ['string', 'string'], fn: ([s, c]) => cut(str(s!), str(c!), false, true) },
  trim_prefix: {
    arity: 2,
    types: ['string', 'string'],
    fn: ([s, p]) => (str(s!).startsWith(str(p!)) ? str(s!).slice(str(p!).length) : str(s!)),
  },
  trim_suffix: {
    arity: 2,
    types: ['string', 'string'],
    fn: ([s, p]) => (str(p!) !== '' && str(s!).endsWith(str(p!)) ? str(s!).slice(0, -str(p!).length) : str(s!)),
  },
  trim_space: { arity: 1, types: ['string'], fn: ([s]) => str(s!).trim() },
  sprintf: { arity: 2, types: ['string', 'array'], fn: ([f, a]) => sprintf(str(f!), arr(a!)) },
  format_int: {
    arity: 2,
    types: ['number', 'number'],
    fn: ([n, b]) => {
      const base = num(b!);
      if (![2, 8, 10, 16].includes(base)) fail('format_int: operand 2 must be one of {2, 8, 10, 16}');
      return Math.trunc(num(n!)).toString(base);
    },
  },
  indexof: { arity: 2, types: ['string', 'string'], fn: ([s, sub]) => runeIndex(str(s!), str(sub!)) },
  indexof_n: {
    arity: 2,
    types: ['string', 'string'],
    fn: ([s, sub]) => {
      const cps = [...str(s!)];
      const needle = [...str(sub!)];
      const out: number[] = [];
      if (needle.length === 0) return out;
      for (let i = 0; i + needle.length <= cps.length; i++) if (needle.every((c, j) => cps[i + j] === c)) out.push(i);
      return out;
    },
  },
  substring: {
    arity: 3,
    types: ['string', 'number', 'number'],
    fn: ([s, o, l], _ctx, name) => {
      const cps = [...str(s!)];
      const off = int(name, o!, 'offset');
      const len = int(name, l!, 'length');
      if (off < 0) fail('substring: negative offset');
      if (off >= cps.length) return '';
      return cps.slice(off, len < 0 ? undefined : off + len).join('');
    },
  },
  'strings.any_prefix_match': {
    arity: 2,
    types: ['string|array|set', 'string|array|set'],
    fn: ([s, p]) => {
      const ss = stringsOf(s!);
      const ps = stringsOf(p!);
      return ss.some((x) => ps.some((y) => x.startsWith(y)));
    },
  },
  'strings.any_suffix_match': {
    arity: 2,
    types: ['string|array|set', 'string|array|set'],
    fn: ([s, p]) => {
      const ss = stringsOf(s!);
      const ps = stringsOf(p!);
      return ss.some((x) => ps.some((y) => x.endsWith(y)));
    },
  },
  'strings.reverse': { arity: 1, types: ['string'], fn: ([s]) => [...str(s!)].reverse().join('') },
  'strings.count': {
    arity: 2,
    types: ['string', 'string'],
    fn: ([s, sub]) => (str(sub!) === '' ? [...str(s!)].length + 1 : str(s!).split(str(sub!)).length - 1),
  },
  'strings.repeat': {
    arity: 2,
    types: ['string', 'number'],
    fn: ([s, n], _ctx, name) => {
      const times = int(name, n!);
      if (times < 0) fail('strings.repeat: negative count');
      if (str(s!).length * times > MAX_STRING) fail('strings.repeat: result too large');
      return str(s!).repeat(times);
    },
  },
  to_number: {
    arity: 1,
    types: ['null|boolean|number|string'],
    fn: ([v]) => {
      if (v === null) return 0;
      if (typeof v === 'boolean') return v ? 1 : 0;
      if (typeof v === 'number') return v;
      const s = str(v!);
      if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(s) && !/^0[xX][0-9a-fA-F]+$/.test(s))
        fail(`to_number: invalid syntax: ${JSON.stringify(s)}`);
      return Number(s);
    },
  },
};

function stringsOf(v: Value): string[] {
  const items = typeof v === 'string' ? [v] : v instanceof RSet || Array.isArray(v) ? elements(v) : [];
  if (!items.every((x) => typeof x === 'string')) throw new BuiltinError('expected strings');
  return items;
}

/** Go's strings.Replace with an empty old string inserts `n` between every rune. */
function goReplaceEmpty(s: string, n: string, _count: number): string {
  return n + [...s].map((c) => c + n).join('');
}
