/**
 * `--secret-config FILE` (YAML, in the shape Trivy's trivy-secret.yaml uses):
 * `rules` to add (`id`, `category`, `title`, `severity`, `regex` with a
 * `secret` group or the whole match, `keywords`), `disable-rules` (ids),
 * `allow-rules` (`path` and/or `regex` patterns whose hits are not secrets).
 * User regexes (rules, allow-rule paths and values) run in a worker with a
 * time budget per file (user-rules.ts); an invalid one is an error naming
 * the rule.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseUntrustedYaml } from '../../util/untrusted-yaml.js';
import type { Severity } from '../../model/report.js';
import { SEVERITIES } from '../../model/report.js';
import { UserError } from '../../util/errors.js';
import type { SecretRule } from './rules.js';
import { scalarText } from '../../util/scalar-text.js';

export interface SecretConfig {
  hash: string;
  extraRules: SecretRule[];
  disabled: Set<string>;
  allowPaths: RegExp[];
  allowMatches: RegExp[];
}

function regex(src: unknown, where: string): RegExp {
  if (typeof src !== 'string' || !src || src.length > 2000)
    throw new UserError(`${where}: a regex string (up to 2000 characters) is required`);
  try {
    return new RegExp(src);
  } catch (e) {
    throw new UserError(`${where}: invalid regex (${(e as Error).message})`);
  }
}

export function loadSecretConfig(file: string): SecretConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UserError(`${file}: cannot read the secret config (${(e as Error).message})`);
  }
  let doc: Record<string, unknown>;
  try {
    doc = (parseUntrustedYaml(text) ?? {}) as Record<string, unknown>;
  } catch (e) {
    throw new UserError(`${file}: not valid YAML (${(e as Error).message.split('\n')[0]})`);
  }
  for (const k of Object.keys(doc))
    if (!['rules', 'disable-rules', 'allow-rules'].includes(k))
      throw new UserError(`${file}: unknown key "${k}"`, 'use rules, disable-rules, allow-rules');
  const extraRules = ((doc['rules'] as Record<string, unknown>[] | undefined) ?? []).map((r, i): SecretRule => {
    const where = `${file}: /rules/${i}`;
    if (typeof r['id'] !== 'string') throw new UserError(`${where}/id: required`);
    const sev = scalarText(r['severity'], 'HIGH').toUpperCase();
    if (!(SEVERITIES as readonly string[]).includes(sev))
      throw new UserError(`${where}/severity: "${sev}" is not one of ${SEVERITIES.join(', ')}`);
    const re = regex(r['regex'], `${where}/regex`);
    const source = re.source.includes('(?<secret>') ? re.source : `(?<secret>${re.source})`;
    const keywords = Array.isArray(r['keywords'])
      ? (r['keywords'] as unknown[]).map((k) => String(k).toLowerCase())
      : [];
    return {
      id: r['id'],
      category: scalarText(r['category'], 'Custom'),
      title: scalarText(r['title'], r['id']),
      severity: sev as Severity,
      keywords: keywords.length ? keywords : [''],
      regex: new RegExp(source, re.flags),
    };
  });
  const allow = (doc['allow-rules'] as Record<string, unknown>[] | undefined) ?? [];
  return {
    hash: createHash('sha256').update(text).digest('hex').slice(0, 12),
    extraRules,
    disabled: new Set(((doc['disable-rules'] as unknown[] | undefined) ?? []).map(String)),
    allowPaths: allow
      .filter((a) => a['path'] !== undefined)
      .map((a, i) => regex(a['path'], `${file}: /allow-rules/${i}/path`)),
    allowMatches: allow
      .filter((a) => a['regex'] !== undefined)
      .map((a, i) => regex(a['regex'], `${file}: /allow-rules/${i}/regex`)),
  };
}

export function applySecretConfig(builtin: SecretRule[], c: SecretConfig): SecretRule[] {
  return [...builtin.filter((r) => !c.disabled.has(r.id)), ...c.extraRules];
}
