/**
 * Secrets in the image configuration: `Env`, `Cmd`, `Entrypoint`, `Labels`,
 * and the history's `created_by` lines, where build arguments leak.
 */
import type { ImageConfig } from '../../model/image-config.js';
import type { SecretMatcher } from './matcher.js';
import { timedOutWarning } from './matcher.js';
import { builtinRules } from './rules.js';
import { compileRules, findSecrets, hitsOf, type SecretHit, type SecretSpan } from './scan-text.js';

const compiled = compileRules(builtinRules);

export interface ConfigSecretHit extends SecretHit {
  /** `config:Env`, `config:Labels`, `config:history[3]`… */
  where: string;
  /** History index, when the hit is in a history line. */
  historyIndex?: number;
}

/** `KEY=value` env entries whose key names a secret, even when the value looks plain. */
function envAssignments(env: string[]): string[] {
  return env.map((e) => {
    const eq = e.indexOf('=');
    return eq > 0 ? `${e.slice(0, eq)}="${e.slice(eq + 1)}"` : e;
  });
}

/** The texts of the config that secrets hide in, each scanned as one text. */
function configTexts(config: ImageConfig): { where: string; text: string; historyIndex?: number }[] {
  const c = config.config ?? {};
  const texts = [
    { where: 'config:Env', text: envAssignments(c.Env ?? []).join('\n') },
    { where: 'config:Cmd', text: (c.Cmd ?? []).join(' ') },
    { where: 'config:Entrypoint', text: (c.Entrypoint ?? []).join(' ') },
    {
      where: 'config:Labels',
      text: Object.entries(c.Labels ?? {})
        .map(([k, v]) => `${k}="${v}"`)
        .join('\n'),
    },
    ...(config.history ?? []).map((h, i) => ({
      where: `config:history[${i}]`,
      text: h.created_by ?? '',
      historyIndex: i,
    })),
  ];
  return texts.filter((t) => t.text);
}

function hitsAt(t: { where: string; text: string; historyIndex?: number }, spans: SecretSpan[]): ConfigSecretHit[] {
  return hitsOf(t.text, spans).map((h) => ({
    ...h,
    where: t.where,
    ...(t.historyIndex !== undefined ? { historyIndex: t.historyIndex } : {}),
  }));
}

/** Secrets in the config by the built-in rules (the image-config check: no user regex on this path). */
export function scanConfigSecrets(config: ImageConfig): ConfigSecretHit[] {
  return configTexts(config).flatMap((t) => hitsAt(t, findSecrets(t.text, compiled)));
}

export interface ConfigSecrets {
  hits: ConfigSecretHit[];
  /** Clear values, longest first, for redaction; never put into a report. */
  values: string[];
  warnings: string[];
}

/** Secrets in the config by the scan's rule set (user rules in their worker). */
export async function findConfigSecrets(config: ImageConfig, matcher: SecretMatcher): Promise<ConfigSecrets> {
  const out: ConfigSecrets = { hits: [], values: [], warnings: [] };
  const clear = new Set<string>();
  for (const t of configTexts(config)) {
    const found = await matcher.find(t.text);
    if ('timedOut' in found) {
      out.warnings.push(`image config ${t.where.slice('config:'.length)}: ${timedOutWarning(found.timedOut)}`);
      continue;
    }
    for (const s of found) clear.add(s.secret);
    out.hits.push(...hitsAt(t, found));
  }
  out.values = [...clear].sort((a, b) => b.length - a.length);
  return out;
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
