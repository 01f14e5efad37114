/**
 * regex.* (Go RE2 syntax) and glob.match on JS regular expressions. RE2 runs in
 * linear time, JS backtracks. Patterns RE2 would reject (backreferences,
 * lookaround) are refused. Each pattern runs on V8's linear-time engine (the `l`
 * flag, RE2's automaton design) when it can; the rest (Unicode properties,
 * large counted repeats) run on the backtracking engine only when they have no
 * nested quantifiers (`(a+)+`, `(a|b)*` inside a repeat), the shape of
 * exponential backtracking. Inputs are bounded in size. A policy author gets an
 * error naming the pattern, never a hang.
 */
import { setFlagsFromString } from 'node:v8';
import { BuiltinError } from '../errors.js';
import type { Value } from '../value.js';
import { elements, fail, int, str, type BuiltinTable } from './types.js';

const MAX_PATTERN = 4096;
const MAX_INPUT = 256 * 1024;
const CACHE_SIZE = 256;
const cache = new Map<string, RegExp>();

const POSIX: Record<string, string> = {
  alnum: 'A-Za-z0-9',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: ' \\t',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: 'A-Za-z0-9_',
  xdigit: '0-9A-Fa-f',
};

/** Translates RE2 syntax to a JS pattern and flags, refusing what JS would run in super-linear time. */
export function translate(pattern: string): { source: string; flags: string } {
  if (pattern.length > MAX_PATTERN) throw new BuiltinError(`regex pattern longer than ${MAX_PATTERN} characters`);
  let flags = 'u';
  let src = pattern;
  const lead = /^\(\?([imsU]+)\)/.exec(src);
  if (lead) {
    for (const f of lead[1]!) {
      if (f === 'U') throw new BuiltinError('regex flag U (ungreedy) is not supported');
      if (!flags.includes(f)) flags += f;
    }
    src = src.slice(lead[0].length);
  }
  let out = '';
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '\\') {
      const n = src[i + 1];
      if (n === undefined) throw new BuiltinError('regex: trailing backslash');
      if (/[1-9]/.test(n)) throw new BuiltinError('regex: backreferences are not supported (RE2)');
      if ((n === 'p' || n === 'P') && /[A-Za-z]/.test(src[i + 2] ?? '')) {
        // RE2's one-letter class `\pL` is `\p{L}` in JS.
        out += `\\${n}{${src[i + 2]}}`;
        i += 2;
        continue;
      }
      if (n === 'A') out += '^';
      else if (n === 'z') out += '$(?![\\s\\S])';
      else if (n === 'Q') {
        const end = src.indexOf('\\E', i + 2);
        const lit = src.slice(i + 2, end < 0 ? src.length : end);
        out += lit.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
        i = end < 0 ? src.length : end + 1;
        continue;
      } else out += `\\${n}`;
      i++;
      continue;
    }
    if (c === '(' && src[i + 1] === '?') {
      if (src[i + 2] === 'P' && src[i + 3] === '<') {
        out += '(?<';
        i += 3;
        continue;
      }
      if (
        src[i + 2] === '=' ||
        src[i + 2] === '!' ||
        (src[i + 2] === '<' && (src[i + 3] === '=' || src[i + 3] === '!'))
      ) {
        throw new BuiltinError('regex: lookaround is not supported (RE2)');
      }
      if (/^\(\?[imsU-]+\)/.test(src.slice(i)) || /^\(\?[imsU-]+:/.test(src.slice(i))) {
        throw new BuiltinError('regex: inline flags are supported only at the start of the pattern');
      }
    }
    if (c === '[') {
      // Character class: copy through, expanding POSIX classes.
      let j = i + 1;
      let cls = '[';
      if (src[j] === '^') {
        cls += '^';
        j++;
      }
      if (src[j] === ']') {
        cls += '\\]';
        j++;
      }
      while (j < src.length && src[j] !== ']') {
        const posix = /^\[:(\^?)([a-z]+):\]/.exec(src.slice(j));
        if (posix) {
          const set = POSIX[posix[2]!];
          if (!set || posix[1]) throw new BuiltinError(`regex: unsupported class [:${posix[2]}:]`);
          cls += set;
          j += posix[0].length;
          continue;
        }
        if (src[j] === '\\') {
          cls += src.slice(j, j + 2);
          j += 2;
          continue;
        }
        cls += src[j] === '[' ? '\\[' : src[j];
        j++;
      }
      if (j >= src.length) throw new BuiltinError('regex: missing closing ]');
      out += `${cls}]`;
      i = j;
      continue;
    }
    out += c;
  }
  return { source: out, flags };
}

/**
 * Makes the `l` (linear) flag available, on the first pattern a policy
 * compiles. It changes no other regex: only patterns compiled with `l` use
 * that engine. Not at module load: V8 checks its code cache against the
 * process's flags, and the CLI bundle's cache is written by a run that never
 * evaluates a policy, so a flag set at every start would make V8 reject that
 * cache on every run (bin/load-bundle.cjs).
 */
let linearEngine: boolean | undefined;
function hasLinearEngine(): boolean {
  if (linearEngine === undefined) {
    try {
      setFlagsFromString('--enable-experimental-regexp-engine');
      // eslint-disable-next-line no-invalid-regexp -- `l` exists once the flag above is set
      new RegExp('a', 'l');
      linearEngine = true;
    } catch {
      linearEngine = false;
    }
  }
  return linearEngine;
}

/** The pattern on V8's linear-time engine, or undefined where that engine cannot take it. */
function linear(source: string, flags: string, global: boolean): RegExp | undefined {
  if (!hasLinearEngine() || /\\[pPu]\{/.test(source)) return undefined;
  let src: string | undefined = source;
  if (flags.includes('i')) src = foldAsciiCase(source);
  if (src === undefined) return undefined;
  const f = `l${flags.replace(/[iu]/g, '')}${global ? 'g' : ''}`;
  try {
    return new RegExp(src, f);
  } catch {
    return undefined;
  }
}

function swapCase(c: string): string {
  return c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase();
}

/** Case-insensitivity spelled out (`a` → `[aA]`) for ASCII patterns, since the linear engine has no `i` flag. */
function foldAsciiCase(src: string): string | undefined {
  for (let i = 0; i < src.length; i++) if (src.charCodeAt(i) > 0x7f) return undefined;
  let out = '';
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '\\') {
      const n = src[i + 1] ?? '';
      if (n === 'k') {
        const end = src.indexOf('>', i);
        out += src.slice(i, end + 1);
        i = end;
        continue;
      }
      const len = n === 'x' ? 4 : n === 'u' ? 6 : n === 'c' ? 3 : 2;
      out += src.slice(i, i + len);
      i += len - 1;
      continue;
    }
    if (!inClass && src.startsWith('(?<', i) && src[i + 3] !== '=' && src[i + 3] !== '!') {
      const end = src.indexOf('>', i);
      out += src.slice(i, end + 1);
      i = end;
      continue;
    }
    if (c === '[' && !inClass) {
      inClass = true;
      out += c;
      if (src[i + 1] === '^') {
        out += '^';
        i++;
      }
      continue;
    }
    if (c === ']' && inClass) {
      inClass = false;
      out += c;
      continue;
    }
    if (/[A-Za-z]/.test(c)) {
      if (inClass) {
        const hi = src[i + 2] ?? '';
        if (src[i + 1] === '-' && /[A-Za-z]/.test(hi)) {
          out += `${c}-${hi}${swapCase(c)}-${swapCase(hi)}`;
          i += 2;
        } else out += c + swapCase(c);
      } else out += `[${c}${swapCase(c)}]`;
      continue;
    }
    out += c;
  }
  return out;
}

/** A quantified group that itself contains a quantifier or an alternation: the shape of catastrophic backtracking. */
function nestedQuantifier(src: string): boolean {
  const stack: { inner: boolean }[] = [];
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '[') {
      while (i < src.length && src[i] !== ']') i += src[i] === '\\' ? 2 : 1;
      continue;
    }
    if (c === '(') stack.push({ inner: false });
    else if (c === ')') {
      const g = stack.pop();
      const next = src[i + 1];
      const quantified =
        next === '*' ||
        next === '+' ||
        (next === '{' && /^\{\d*,\d*\}/.test(src.slice(i + 1)) && /,/.test(src.slice(i + 1, src.indexOf('}', i) + 1)));
      if (g?.inner && quantified) return true;
      if (g?.inner && stack.length > 0) stack[stack.length - 1]!.inner = true;
    } else if (
      (c === '*' || c === '+' || c === '|' || (c === '{' && /^\{\d+,\d*\}/.test(src.slice(i)))) &&
      stack.length > 0
    ) {
      stack[stack.length - 1]!.inner = true;
    }
  }
  return false;
}

export function compileRegex(pattern: string, global = false): RegExp {
  const key = `${global ? 'g' : ''}${pattern}`;
  let re = cache.get(key);
  if (!re) {
    const { source, flags } = translate(pattern);
    try {
      new RegExp(source, flags);
    } catch (err) {
      throw new BuiltinError(`invalid regex ${JSON.stringify(pattern)}: ${(err as Error).message}`);
    }
    re = linear(source, flags, global);
    if (!re) {
      if (nestedQuantifier(source)) {
        throw new BuiltinError(
          `regex ${JSON.stringify(pattern)}: nested quantifiers can backtrack without bound; rewrite without a repeated group of repeats`,
        );
      }
      re = new RegExp(source, flags + (global ? 'g' : ''));
    }
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
    cache.set(key, re);
  }
  re.lastIndex = 0;
  return re;
}

function input(s: Value): string {
  const text = str(s);
  if (text.length > MAX_INPUT) fail(`regex input longer than ${MAX_INPUT} characters`);
  return text;
}

function findAll(re: RegExp, text: string, n: number): RegExpExecArray[] {
  const out: RegExpExecArray[] = [];
  re.lastIndex = 0;
  for (;;) {
    if (n >= 0 && out.length >= n) break;
    const m = re.exec(text);
    if (!m) break;
    out.push(m);
    if (m[0] === '') re.lastIndex++;
  }
  return out;
}

/** Go's template replacement: `$1`, `${1}`, `$name`. */
function goReplacement(repl: string): string {
  return repl
    .replace(/\$\$/g, '$$$$')
    .replace(/\$\{(\w+)\}|\$(\w+)/g, (_m, a: string | undefined, b: string | undefined) => {
      const name = a ?? b!;
      return /^\d+$/.test(name) ? `$${name}` : `$<${name}>`;
    });
}

export const REGEX: BuiltinTable = {
  'regex.match': { arity: 2, types: ['string', 'string'], fn: ([p, s]) => compileRegex(str(p!)).test(input(s!)) },
  re_match: { arity: 2, types: ['string', 'string'], fn: ([p, s]) => compileRegex(str(p!)).test(input(s!)) },
  'regex.is_valid': {
    arity: 1,
    types: ['any'],
    fn: ([p]) => {
      if (typeof p !== 'string') return false;
      try {
        compileRegex(p);
        return true;
      } catch {
        return false;
      }
    },
  },
  'regex.find_n': {
    arity: 3,
    types: ['string', 'string', 'number'],
    fn: ([p, s, n], _c, name) => findAll(compileRegex(str(p!), true), input(s!), int(name, n!)).map((m) => m[0]),
  },
  'regex.find_all_string_submatch_n': {
    arity: 3,
    types: ['string', 'string', 'number'],
    fn: ([p, s, n], _c, name) =>
      findAll(compileRegex(str(p!), true), input(s!), int(name, n!)).map((m) => [...m].map((g) => g ?? '')),
  },
  'regex.split': {
    arity: 2,
    types: ['string', 'string'],
    fn: ([p, s]) =>
      input(s!)
        .split(compileRegex(str(p!), true))
        .filter((x) => x !== undefined),
  },
  'regex.replace': {
    arity: 3,
    types: ['string', 'string', 'string'],
    fn: ([s, p, r]) => input(s!).replace(compileRegex(str(p!), true), goReplacement(str(r!))),
  },
  'regex.template_match': {
    arity: 4,
    types: ['string', 'string', 'string', 'string'],
    fn: ([tpl, s, open, close]) => {
      const t = str(tpl!);
      const o = str(open!);
      const c = str(close!);
      let src = '^';
      let i = 0;
      while (i < t.length) {
        const a = t.indexOf(o, i);
        if (a < 0) break;
        const b = t.indexOf(c, a + o.length);
        if (b < 0) fail('regex.template_match: unbalanced delimiters');
        src +=
          t.slice(i, a).replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&') + `(?:${translate(t.slice(a + o.length, b)).source})`;
        i = b + c.length;
      }
      src += `${t.slice(i).replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')}$`;
      return new RegExp(src, 'u').test(input(s!));
    },
  },
  'glob.match': {
    arity: 3,
    types: ['string', 'array|null', 'string'],
    fn: ([p, d, s]) =>
      globRegex(str(p!), d === null ? [] : elements(d!).map(String), Array.isArray(d) && d.length === 0).test(
        input(s!),
      ),
  },
  'glob.quote_meta': { arity: 1, types: ['string'], fn: ([s]) => str(s!).replace(/[*?\\[\]{}]/g, '\\$&') },
};

const globCache = new Map<string, RegExp>();

/** gobwas/glob semantics: `*` stops at delimiters, `**` does not, `?`, `[…]`, `[!…]`, `{a,b}`. */
export function globRegex(pattern: string, delims: string[], defaultDelims: boolean): RegExp {
  if (pattern.length > MAX_PATTERN) fail('glob pattern too long');
  const ds = defaultDelims ? ['.'] : delims;
  const key = `${JSON.stringify(ds)}\u0000${pattern}`;
  const hit = globCache.get(key);
  if (hit) return hit;
  const notDelim = ds.length === 0 ? '[\\s\\S]' : `[^${ds.map((x) => x.replace(/[\\\]^-]/g, '\\$&')).join('')}]`;
  let out = '';
  let depth = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      const n = pattern[++i];
      if (n !== undefined) out += n.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
    } else if (c === '*') {
      if (pattern[i + 1] === '*') {
        out += '[\\s\\S]*';
        i++;
      } else out += `${notDelim}*`;
    } else if (c === '?') out += notDelim;
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) fail('glob: unclosed [');
      let body = pattern.slice(i + 1, end);
      const neg = body.startsWith('!');
      if (neg) body = body.slice(1);
      out += `[${neg ? '^' : ''}${body.replace(/[\\\]^]/g, '\\$&')}]`;
      i = end;
    } else if (c === '{') {
      depth++;
      out += '(?:';
    } else if (c === '}' && depth > 0) {
      depth--;
      out += ')';
    } else if (c === ',' && depth > 0) out += '|';
    else out += c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
  }
  if (depth !== 0) fail('glob: unbalanced {');
  // Globs with many stars backtrack polynomially; the linear engine (no `u`) runs them in linear time.
  const re = linear(`^${out}$`, 's', false) ?? new RegExp(`^${out}$`, 'su');
  if (globCache.size > CACHE_SIZE) globCache.clear();
  globCache.set(key, re);
  return re;
}
