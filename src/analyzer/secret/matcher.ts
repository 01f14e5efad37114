/**
 * The scan's secret rules as one matcher: the built-in rules (less those a
 * `--secret-config` disables) on the main thread, the config's own rules
 * and allow-rules in a worker with a time budget (user-rules.ts).
 */
import type { SecretConfig } from './config-file.js';
import { builtinRules, type SecretRule } from './rules.js';
import { compileRules, findSecrets, type CompiledRules, type SecretSpan } from './scan-text.js';
import { UserRuleRunner, USER_RULE_BUDGET_MS } from './user-rules.js';

/** Secrets found, or the user rule that ran out of time (the text is then unscanned). */
export type MatchResult = SecretSpan[] | { timedOut: string };

export class SecretMatcher {
  readonly builtin: CompiledRules;
  private readonly userRules: Map<string, SecretRule>;
  private readonly runner: UserRuleRunner | undefined;

  constructor(config?: SecretConfig, budgetMs = USER_RULE_BUDGET_MS) {
    this.builtin = compileRules(config ? builtinRules.filter((r) => !config.disabled.has(r.id)) : builtinRules);
    this.userRules = new Map((config?.extraRules ?? []).map((r) => [r.id, r]));
    const pattern = (a: RegExp): { source: string; flags: string } => ({ source: a.source, flags: a.flags });
    const allow = (config?.allowMatches ?? []).map(pattern);
    const allowPaths = (config?.allowPaths ?? []).map(pattern);
    this.runner =
      this.userRules.size || allow.length || allowPaths.length
        ? new UserRuleRunner(
            [...this.userRules.values()].map((r) => ({
              id: r.id,
              source: r.regex!.source,
              flags: r.regex!.flags,
              keywords: r.keywords,
            })),
            allow,
            allowPaths,
            budgetMs,
          )
        : undefined;
  }

  /** Whether any user regex runs: then only `find` may be used. */
  get hasUserRules(): boolean {
    return this.runner !== undefined;
  }

  /** Built-in rules only, synchronously (they are linear). */
  findBuiltin(text: string): SecretSpan[] {
    return findSecrets(text, this.builtin);
  }

  /** `path`: the file's image path, checked against the allow-rule paths (in the worker: they are user regexes too). */
  async find(text: string, path?: string): Promise<MatchResult> {
    const spans = findSecrets(text, this.builtin);
    if (!this.runner || !this.runner.wants(text.toLowerCase(), spans.length, path)) return spans;
    const r = await this.runner.scan(
      text,
      spans.map((s) => s.secret),
      path,
    );
    if ('timedOut' in r) return r;
    if (r.pathAllowed) return [];
    return [
      ...spans.filter((_, i) => !r.allowed[i]),
      ...r.spans.map((s) => ({ rule: this.userRules.get(s.ruleId)!, start: s.start, end: s.end, secret: s.secret })),
    ];
  }

  close(): void {
    this.runner?.close();
  }
}

export function timedOutWarning(rule: string): string {
  return `secret rule "${rule}" from --secret-config did not finish within ${USER_RULE_BUDGET_MS / 1000} s; skipped (not scanned for secrets)`;
}
