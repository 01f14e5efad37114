/**
 * Ignore files, read as Trivy users write them: `.trivyignore` / `.customsignore`
 * (one id per line, `exp:YYYY-MM-DD`, `#` comments) and the YAML form
 * (`.trivyignore.yaml`: `vulnerabilities`, `secrets`, `misconfigurations`
 * lists of `{id, paths, purls, statement, expired_at}`). Expired rules stop
 * applying and are reported as expired.
 */
import { readFileSync } from 'node:fs';
import { parseUntrustedYaml } from '../util/untrusted-yaml.js';
import { UserError } from '../util/errors.js';
import { scalarText } from '../util/scalar-text.js';

export interface IgnoreRule {
  kind: 'any' | 'vulnerability' | 'secret' | 'misconfiguration';
  id: string;
  paths?: string[];
  purls?: string[];
  statement?: string;
  /** ISO date after which the rule no longer applies. */
  expiresAt?: string;
  /** `FILE:LINE` for messages. */
  origin: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const MAX_RULES = 100_000;

function parseText(text: string, file: string): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  text
    .split(/\r?\n/)
    .slice(0, MAX_RULES)
    .forEach((raw, i) => {
      const line = raw.replace(/#.*$/, '').trim();
      if (!line) return;
      const [id, ...rest] = line.split(/\s+/);
      const rule: IgnoreRule = { kind: 'any', id: id!, origin: `${file}:${i + 1}` };
      for (const opt of rest) {
        const m = /^exp:(.*)$/.exec(opt);
        if (!m)
          throw new UserError(
            `${file}:${i + 1}: unexpected "${opt.slice(0, 40)}"`,
            'a line is an id, optionally followed by exp:YYYY-MM-DD',
          );
        if (!DATE.test(m[1]!) || Number.isNaN(Date.parse(m[1]!)))
          throw new UserError(`${file}:${i + 1}: "${m[1]}" is not a date`, 'write exp:YYYY-MM-DD');
        rule.expiresAt = m[1];
      }
      rules.push(rule);
    });
  return rules;
}

interface YamlRule {
  id?: unknown;
  paths?: unknown;
  purls?: unknown;
  statement?: unknown;
  expired_at?: unknown;
}

function parseYamlRules(text: string, file: string): IgnoreRule[] {
  let doc: Record<string, unknown>;
  try {
    doc = (parseUntrustedYaml(text) ?? {}) as Record<string, unknown>;
  } catch (e) {
    throw new UserError(`${file}: not valid YAML (${(e as Error).message.split('\n')[0]})`);
  }
  const rules: IgnoreRule[] = [];
  const kinds: Record<string, IgnoreRule['kind']> = {
    vulnerabilities: 'vulnerability',
    secrets: 'secret',
    misconfigurations: 'misconfiguration',
    licenses: 'any',
  };
  for (const [key, list] of Object.entries(doc)) {
    const kind = kinds[key];
    if (!kind) throw new UserError(`${file}: unknown section "${key}"`, `use ${Object.keys(kinds).join(', ')}`);
    if (!Array.isArray(list)) throw new UserError(`${file}: /${key} must be a list`);
    list.slice(0, MAX_RULES).forEach((r: YamlRule, i: number) => {
      const where = `${file}: /${key}/${i}`;
      if (typeof r?.id !== 'string' || !r.id) throw new UserError(`${where}/id: missing or not a string`);
      const strings = (v: unknown, name: string): string[] | undefined => {
        if (v === undefined) return undefined;
        if (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))
          throw new UserError(`${where}/${name}: must be a list of strings`);
        return v as string[];
      };
      const exp = r.expired_at instanceof Date ? r.expired_at.toISOString().slice(0, 10) : r.expired_at;
      if (exp !== undefined && (typeof exp !== 'string' || !DATE.test(exp)))
        throw new UserError(`${where}/expired_at: "${scalarText(exp)}" is not a YYYY-MM-DD date`);
      rules.push({
        kind,
        id: r.id,
        paths: strings(r.paths, 'paths'),
        purls: strings(r.purls, 'purls'),
        statement: typeof r.statement === 'string' ? r.statement : undefined,
        expiresAt: exp,
        origin: where,
      });
    });
  }
  return rules;
}

export function loadIgnoreFile(file: string): IgnoreRule[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UserError(`${file}: cannot read the ignore file (${(e as Error).message})`);
  }
  return /\.ya?ml$/.test(file) ? parseYamlRules(text, file) : parseText(text, file);
}

export function isExpired(rule: IgnoreRule, now: Date): boolean {
  return rule.expiresAt !== undefined && now.getTime() > Date.parse(`${rule.expiresAt}T23:59:59Z`);
}
