/**
 * `customs config` findings show source lines (snippets) and messages; no
 * secret in the checked file may reach them in clear. The values masked are
 * those the built-in secret rules find in the file, and those assigned to a
 * name that says secret (`DB_PASSWORD`, `api-key`…): Dockerfile ENV/ARG,
 * Kubernetes env `{name, value}`, Compose `environment`, any YAML key.
 */
import { DockerfileParser, type Arg, type Env } from 'dockerfile-ast';
import type { Misconfiguration } from '../../model/report.js';
import { builtinRules } from '../../analyzer/secret/rules.js';
import { compileRules, findSecrets } from '../../analyzer/secret/scan-text.js';
import { maskValues } from '../../analyzer/secret/redact-report.js';

/** A variable or key whose name says it holds a secret. */
export const SECRET_NAME = /(?:passw(?:or)?d|secret|token|api[_-]?key|private[_-]?key|credential)/i;
/** Shorter values would mask unrelated text (`1`, `on`) and are not credentials anyone uses. */
const MIN_VALUE = 4;

const compiled = compileRules(builtinRules);

function worthMasking(v: unknown): v is string {
  return typeof v === 'string' && v.trim().length >= MIN_VALUE;
}

/** Values the built-in secret rules find anywhere in the file. */
function ruleValues(text: string): string[] {
  return findSecrets(text, compiled).map((s) => s.secret);
}

/** Values of Dockerfile ENV and ARG whose name says secret. */
export function dockerfileSecretValues(text: string): string[] {
  const out: string[] = [];
  for (const ins of DockerfileParser.parse(text).getInstructions()) {
    const kw = ins.getKeyword();
    const props = kw === 'ENV' ? (ins as Env).getProperties() : kw === 'ARG' ? [(ins as Arg).getProperty()] : [];
    for (const p of props) {
      const v = p?.getValue();
      if (p && SECRET_NAME.test(p.getName()) && worthMasking(v)) out.push(v);
    }
  }
  return out;
}

/** Values in parsed YAML under a secret-named key, in `{name, value}` pairs, and in `NAME=value` list items. */
export function yamlSecretValues(root: unknown): string[] {
  const out: string[] = [];
  const stack: unknown[] = [root];
  for (let seen = 0; stack.length && seen < 1_000_000; seen++) {
    const v = stack.pop();
    if (typeof v === 'string') {
      const eq = v.indexOf('=');
      if (eq > 0 && SECRET_NAME.test(v.slice(0, eq)) && worthMasking(v.slice(eq + 1))) out.push(v.slice(eq + 1));
      continue;
    }
    if (Array.isArray(v)) {
      for (const item of v as unknown[]) stack.push(item); // not push(...v): a long list would overflow the call stack
      continue;
    }
    if (!v || typeof v !== 'object') continue;
    const o = v as Record<string, unknown>;
    if (typeof o['name'] === 'string' && SECRET_NAME.test(o['name']) && worthMasking(o['value'])) out.push(o['value']);
    for (const [k, x] of Object.entries(o)) {
      if (SECRET_NAME.test(k) && (typeof x === 'string' || typeof x === 'number') && worthMasking(String(x)))
        out.push(String(x));
      else stack.push(x);
    }
  }
  return out;
}

/** Every finding's snippet and message with `values` (and what the secret rules find in the file) masked. */
export function maskFindings(findings: Misconfiguration[], text: string, values: string[]): Misconfiguration[] {
  if (!findings.length) return findings;
  const all = [...new Set([...values, ...ruleValues(text)])].filter(worthMasking).sort((a, b) => b.length - a.length);
  if (!all.length) return findings;
  return findings.map((m) => ({
    ...m,
    message: maskValues(m.message, all),
    ...(m.cause
      ? {
          cause: {
            ...m.cause,
            ...(m.cause.snippet !== undefined ? { snippet: maskValues(m.cause.snippet, all) } : {}),
          },
        }
      : {}),
  }));
}
