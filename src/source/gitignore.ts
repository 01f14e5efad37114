/**
 * `.gitignore` files, the root one and nested ones, as git applies them: a
 * deeper file's rules win over a shallower one's, `!pattern` re-includes,
 * and nothing below an ignored directory comes back (the walk never enters
 * it). Matching is the `ignore` package's, loaded on first use.
 *
 * The files come with the tree being scanned, so they are bounded: size,
 * rules per file and in all; a rule with more than two `**` is dropped with a
 * warning (each one multiplies the regex's backtracking over deep paths: four
 * took 100 s on one path). Dropping a rule scans more, never less.
 */
import type { Ignore } from 'ignore';
import { lazyRequire } from '../util/lazy-require.js';

const loadIgnore = lazyRequire<(opts?: { ignorecase?: boolean }) => Ignore>('ignore');

export const MAX_GITIGNORE_BYTES = 256 * 1024;
const MAX_RULES_PER_FILE = 5_000;
const MAX_RULES_TOTAL = 50_000;
const MAX_RULE_LENGTH = 1024;
const MAX_GLOBSTARS = 2;

interface Scope {
  /** The directory holding the .gitignore, relative to the root ('' for the root). */
  base: string;
  rules: Ignore;
}

/** The rules in force in one directory: its own .gitignore's over its parents'. */
export class GitignoreStack {
  private constructor(
    private readonly scopes: readonly Scope[],
    private readonly budget: { rules: number },
  ) {}

  static empty(): GitignoreStack {
    return new GitignoreStack([], { rules: 0 });
  }

  /** The stack for directory `base` when it holds a .gitignore of `text`; `warn` names what was left out. */
  withFile(base: string, text: string, name: string, warn: (m: string) => void): GitignoreStack {
    const kept: string[] = [];
    let dropped = 0;
    for (const raw of text.split('\n')) {
      const line = raw.replace(/\r$/, '');
      if (!line.trim() || line.startsWith('#')) continue;
      if (kept.length >= MAX_RULES_PER_FILE || this.budget.rules >= MAX_RULES_TOTAL) {
        dropped++;
        continue;
      }
      if (line.length > MAX_RULE_LENGTH || line.split('**').length - 1 > MAX_GLOBSTARS) {
        warn(
          `${name}: rule ${JSON.stringify(line.slice(0, 80))} not applied (too long or too many **); what it names is scanned`,
        );
        continue;
      }
      kept.push(line);
      this.budget.rules++;
    }
    if (dropped) warn(`${name}: ${dropped} rules past the limit not applied; what they name is scanned`);
    if (!kept.length) return this;
    let rules: Ignore;
    try {
      rules = loadIgnore()({ ignorecase: false }).add(kept);
    } catch (e) {
      warn(`${name}: not applied (${(e as Error).message})`);
      return this;
    }
    return new GitignoreStack([...this.scopes, { base, rules }], this.budget);
  }

  /** True when `path` (relative to the root) is ignored; directories are tested with their trailing slash. */
  ignores(path: string, isDir: boolean): boolean {
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const { base, rules } = this.scopes[i]!;
      const rel = base ? path.slice(base.length + 1) : path;
      let verdict;
      try {
        verdict = rules.test(isDir ? `${rel}/` : rel);
      } catch {
        continue; // a name the library refuses is no name a rule can address
      }
      if (verdict.ignored) return true;
      if (verdict.unignored) return false;
    }
    return false;
  }
}
