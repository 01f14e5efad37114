/**
 * Secrets in the image configuration: `Env`, `Cmd`, `Entrypoint`, `Labels`,
 * and the history's `created_by` lines, where build arguments leak.
 */
import type { ImageConfig } from '../../source/image.js';
import { builtinRules } from './rules.js';
import { compileRules, scanText, type SecretHit } from './scan-text.js';

const compiled = compileRules(builtinRules);

export interface ConfigSecretHit extends SecretHit {
  /** `config:Env`, `config:Labels`, `config:history[3]`… */
  where: string;
  /** History index, when the hit is in a history line. */
  historyIndex?: number;
}

function scanLines(where: string, lines: string[], historyIndex?: number): ConfigSecretHit[] {
  if (!lines.length) return [];
  return scanText(lines.join('\n'), compiled).map((h) => ({ ...h, where, ...(historyIndex !== undefined ? { historyIndex } : {}) }));
}

/** `KEY=value` env entries whose key names a secret, even when the value looks plain. */
function envAssignments(env: string[]): string[] {
  return env.map((e) => {
    const eq = e.indexOf('=');
    return eq > 0 ? `${e.slice(0, eq)}="${e.slice(eq + 1)}"` : e;
  });
}

export function scanConfigSecrets(config: ImageConfig): ConfigSecretHit[] {
  const c = config.config ?? {};
  const hits: ConfigSecretHit[] = [];
  hits.push(...scanLines('config:Env', envAssignments(c.Env ?? [])));
  hits.push(...scanLines('config:Cmd', [(c.Cmd ?? []).join(' ')].filter(Boolean)));
  hits.push(...scanLines('config:Entrypoint', [(c.Entrypoint ?? []).join(' ')].filter(Boolean)));
  hits.push(...scanLines('config:Labels', Object.entries(c.Labels ?? {}).map(([k, v]) => `${k}="${v}"`)));
  (config.history ?? []).forEach((h, i) => {
    if (h.created_by) hits.push(...scanLines(`config:history[${i}]`, [h.created_by], i));
  });
  return hits;
}
