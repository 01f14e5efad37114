/**
 * `--skip-dirs` / `--skip-files`, as Trivy matches them: globs (`*`, `?`,
 * `[a-z]`, `[!x]`, `**` for any number of directories, `{a,b}`) against the
 * path relative to the target (an image's paths relative to `/`). A skipped
 * directory hides everything below it.
 *
 * Matched by hand, not through a regex: the paths come from the image or the
 * tree being scanned, and a glob of a few stars compiled to a backtracking
 * regex (picomatch's `[^/]*?a[^/]*?a…`) took 109 s on one 250-character name.
 * Here a path segment is matched with the two-pointer wildcard walk (pattern ×
 * segment steps at most) and `**` by a set of pattern positions carried from
 * a directory to its children, so the cost is bounded by the sizes, never
 * exponential.
 */
import { UserError } from '../util/errors.js';

/** Alternatives one pattern may expand to through `{a,b}`: a bound on the work per path. */
const MAX_EXPANSIONS = 64;

type Token =
  { kind: 'char'; c: string } | { kind: 'any' } | { kind: 'star' } | { kind: 'class'; test: (c: string) => boolean };
type Segment = '**' | Token[];

export interface PathSkipper {
  /** True when the directory (relative path, no leading slash) is skipped, with everything below it. */
  skipsDir(dir: string): boolean;
  /** True when the file is skipped: by a file pattern, or because a directory above it is. */
  skipsFile(path: string): boolean;
  /** Identifies the patterns, for cache keys of results that depend on them ('' when nothing is skipped). */
  readonly fingerprint: string;
}

/** Trivy's path clean-up: slashes, no `./`, no leading `/`. */
export function cleanPattern(p: string): string {
  const parts: string[] = [];
  for (const s of p.split('/')) {
    if (s === '' || s === '.') continue;
    parts.push(s);
  }
  return parts.join('/');
}

function expandBraces(p: string, out: string[]): void {
  const open = p.indexOf('{');
  const close = open < 0 ? -1 : p.indexOf('}', open);
  if (open < 0 || close < 0) {
    out.push(p);
    return;
  }
  for (const alt of p.slice(open + 1, close).split(',')) {
    if (out.length >= MAX_EXPANSIONS)
      throw new UserError(`skip pattern "${p}": more than ${MAX_EXPANSIONS} alternatives`, 'write fewer {a,b} choices');
    expandBraces(p.slice(0, open) + alt + p.slice(close + 1), out);
  }
}

function parseClass(seg: string, at: number, pattern: string): { token: Token; next: number } {
  let i = at + 1;
  const negate = seg[i] === '!' || seg[i] === '^';
  if (negate) i++;
  const ranges: [string, string][] = [];
  let first = true;
  while (i < seg.length && (seg[i] !== ']' || first)) {
    first = false;
    let lo = seg[i]!;
    if (lo === '\\' && i + 1 < seg.length) lo = seg[++i]!;
    let hi = lo;
    if (seg[i + 1] === '-' && i + 2 < seg.length && seg[i + 2] !== ']') {
      hi = seg[i + 2]!;
      i += 2;
    }
    ranges.push([lo, hi]);
    i++;
  }
  if (i >= seg.length) throw new UserError(`skip pattern "${pattern}": unclosed [`, 'close the character class with ]');
  const inside = (c: string): boolean => ranges.some(([lo, hi]) => c >= lo && c <= hi);
  return { token: { kind: 'class', test: (c) => inside(c) !== negate }, next: i + 1 };
}

function parseSegment(seg: string, pattern: string): Segment {
  if (seg === '**') return '**';
  const tokens: Token[] = [];
  for (let i = 0; i < seg.length;) {
    const c = seg[i]!;
    if (c === '*') {
      if (tokens.at(-1)?.kind !== 'star') tokens.push({ kind: 'star' });
      i++;
    } else if (c === '?') {
      tokens.push({ kind: 'any' });
      i++;
    } else if (c === '[') {
      const { token, next } = parseClass(seg, i, pattern);
      tokens.push(token);
      i = next;
    } else if (c === '\\' && i + 1 < seg.length) {
      tokens.push({ kind: 'char', c: seg[i + 1]! });
      i += 2;
    } else {
      tokens.push({ kind: 'char', c });
      i++;
    }
  }
  return tokens;
}

function tokenMatches(t: Token, c: string): boolean {
  return t.kind === 'any' || (t.kind === 'char' ? t.c === c : t.kind === 'class' && t.test(c));
}

/** One segment: the two-pointer wildcard walk, at most tokens × characters steps. */
function segmentMatches(tokens: Token[], text: string): boolean {
  let p = 0;
  let t = 0;
  let star = -1;
  let resume = 0;
  while (t < text.length) {
    const tok = tokens[p];
    if (tok && tok.kind !== 'star' && tokenMatches(tok, text[t]!)) {
      p++;
      t++;
    } else if (tok?.kind === 'star') {
      star = p++;
      resume = t;
    } else if (star >= 0) {
      p = star + 1;
      t = ++resume;
    } else return false;
  }
  while (tokens[p]?.kind === 'star') p++;
  return p === tokens.length;
}

/**
 * A pattern is matched one path segment at a time: the state is the set of
 * pattern positions reachable after the segments so far (`**` may stay or be
 * passed over), so a directory's state is its parent's advanced by one name,
 * and a whole tree costs one step per directory and pattern.
 */
type Positions = number[];

function closure(pattern: Segment[], positions: Positions): Positions {
  const out = new Set<number>();
  for (let i of positions) {
    out.add(i);
    while (pattern[i] === '**') out.add(++i);
  }
  return [...out];
}

function advance(pattern: Segment[], positions: Positions, seg: string): Positions {
  const next: number[] = [];
  for (const i of positions) {
    const p = pattern[i];
    if (p === undefined) continue;
    if (p === '**') next.push(i);
    else if (segmentMatches(p, seg)) next.push(i + 1);
  }
  return next.length ? closure(pattern, next) : next;
}

const accepts = (pattern: Segment[], positions: Positions): boolean => positions.includes(pattern.length);

function compile(patterns: readonly string[]): Segment[][] {
  const out: Segment[][] = [];
  for (const raw of patterns) {
    const clean = cleanPattern(raw);
    if (!clean) continue;
    const expanded: string[] = [];
    expandBraces(clean, expanded);
    for (const e of expanded) out.push(e.split('/').map((s) => parseSegment(s, raw)));
  }
  return out;
}

const NOTHING_SKIPPED: PathSkipper = { skipsDir: () => false, skipsFile: () => false, fingerprint: '' };

/**
 * The skipper for these patterns. `dirNames` are directory base names
 * skipped wherever they are (`.git`, as Trivy skips it in directories).
 */
export function pathSkipper(
  skipDirs: readonly string[] = [],
  skipFiles: readonly string[] = [],
  dirNames: readonly string[] = [],
): PathSkipper {
  const dirs = compile(skipDirs);
  const files = compile(skipFiles);
  const names = new Set(dirNames);
  if (!dirs.length && !files.length && !names.size) return NOTHING_SKIPPED;
  interface DirState {
    skipped: boolean;
    dirs: Positions[];
    files: Positions[];
  }
  const root: DirState = {
    skipped: false,
    dirs: dirs.map((d) => closure(d, [0])),
    files: files.map((f) => closure(f, [0])),
  };
  // One state per directory: every entry below it starts from the same one.
  const states = new Map<string, DirState>();
  const stateOf = (dir: string): DirState => {
    if (dir === '') return root;
    const known = states.get(dir);
    if (known) return known;
    const slash = dir.lastIndexOf('/');
    const parent = stateOf(slash < 0 ? '' : dir.slice(0, slash));
    const name = dir.slice(slash + 1);
    const dirPos = dirs.map((d, i) => advance(d, parent.dirs[i]!, name));
    const st: DirState = {
      skipped: parent.skipped || names.has(name) || dirs.some((d, i) => accepts(d, dirPos[i]!)),
      dirs: dirPos,
      files: files.map((f, i) => advance(f, parent.files[i]!, name)),
    };
    if (states.size > 100_000) states.clear(); // a bound on memory for trees of many directories
    states.set(dir, st);
    return st;
  };
  const clean = (p: string): string => p.replace(/^\/+/, '').replace(/\/+$/, '');
  return {
    skipsDir: (dir) => {
      const d = clean(dir);
      return d !== '' && stateOf(d).skipped;
    },
    skipsFile: (path) => {
      const p = clean(path);
      const slash = p.lastIndexOf('/');
      const parent = stateOf(slash < 0 ? '' : p.slice(0, slash));
      if (parent.skipped) return true;
      const name = p.slice(slash + 1);
      return files.some((f, i) => accepts(f, advance(f, parent.files[i]!, name)));
    },
    fingerprint: JSON.stringify([skipDirs, skipFiles, dirNames]),
  };
}
