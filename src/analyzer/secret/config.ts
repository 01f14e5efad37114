/**
 * Secrets in the image configuration: `Env`, `Cmd`, `Entrypoint`, `Labels`,
 * and the history's `created_by` lines, where build arguments leak.
 */
import type { ImageConfig } from '../../model/image-config.js';
import { builtinRules, type SecretRule } from './rules.js';
import { compileRules, scanText, type CompiledRules, type SecretHit } from './scan-text.js';

const compiled = compileRules(builtinRules);

export interface ConfigSecretHit extends SecretHit {
  /** `config:Env`, `config:Labels`, `config:history[3]`… */
  where: string;
  /** History index, when the hit is in a history line. */
  historyIndex?: number;
}

function scanLines(where: string, lines: string[], historyIndex?: number, onSecret?: (clear: string) => void, rules: CompiledRules = compiled): ConfigSecretHit[] {
  if (!lines.length) return [];
  return scanText(lines.join('\n'), rules, onSecret).map((h) => ({ ...h, where, ...(historyIndex !== undefined ? { historyIndex } : {}) }));
}

/** `KEY=value` env entries whose key names a secret, even when the value looks plain. */
function envAssignments(env: string[]): string[] {
  return env.map((e) => {
    const eq = e.indexOf('=');
    return eq > 0 ? `${e.slice(0, eq)}="${e.slice(eq + 1)}"` : e;
  });
}

/** `rules`: the scan's rule set when a --secret-config changed it; the built-in rules otherwise. */
export function scanConfigSecrets(config: ImageConfig, onSecret?: (clear: string) => void, rules?: SecretRule[]): ConfigSecretHit[] {
  const set = rules ? compileRules(rules) : compiled;
  const c = config.config ?? {};
  const hits: ConfigSecretHit[] = [];
  hits.push(...scanLines('config:Env', envAssignments(c.Env ?? []), undefined, onSecret, set));
  hits.push(...scanLines('config:Cmd', [(c.Cmd ?? []).join(' ')].filter(Boolean), undefined, onSecret, set));
  hits.push(...scanLines('config:Entrypoint', [(c.Entrypoint ?? []).join(' ')].filter(Boolean), undefined, onSecret, set));
  hits.push(...scanLines('config:Labels', Object.entries(c.Labels ?? {}).map(([k, v]) => `${k}="${v}"`), undefined, onSecret, set));
  (config.history ?? []).forEach((h, i) => {
    if (h.created_by) hits.push(...scanLines(`config:history[${i}]`, [h.created_by], i, onSecret, set));
  });
  return hits;
}

/** The clear values of the secrets in the config, for redaction; never put into a report. */
export function configSecretValues(config: ImageConfig): string[] {
  const clear = new Set<string>();
  scanConfigSecrets(config, (s) => clear.add(s));
  return [...clear].sort((a, b) => b.length - a.length);
}

/**
 * Masks every occurrence of the given values in rendered output, raw or
 * JSON-escaped: history lines and the image config reach reports in many
 * places (layer `created_by`, `ImageConfig`), and none may show a secret.
 */
export function redactText(text: string, values: string[]): string {
  let out = text;
  for (const v of values) {
    for (const form of new Set([v, JSON.stringify(v).slice(1, -1)])) out = out.split(form).join('*'.repeat(v.length));
  }
  return out;
}
