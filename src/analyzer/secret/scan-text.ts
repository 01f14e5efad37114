/**
 * Finds secrets in one text. A combined keyword test runs first; only rules
 * whose keyword occurs run their regex. The returned match line is masked.
 */
import type { Severity } from '../../model/report.js';
import { entropy, maskSecret } from './mask.js';
import type { SecretRule } from './rules.js';

export interface SecretHit {
  ruleId: string;
  category: string;
  title: string;
  severity: Severity;
  startLine: number;
  endLine: number;
  /** The line holding the secret's start, the secret masked, trimmed to 200 characters. */
  match: string;
}

/** Hits per rule per text; more are noise and cost time. */
const MAX_HITS_PER_RULE = 50;
const MAX_LINE_SHOWN = 200;

export interface CompiledRules {
  rules: SecretRule[];
  keywords: RegExp;
  globals: Map<string, RegExp>;
}

function escapeRe(s: string): string { return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'); }

export function compileRules(rules: SecretRule[]): CompiledRules {
  const words = [...new Set(rules.flatMap((r) => r.keywords))];
  return {
    rules,
    keywords: new RegExp(words.map(escapeRe).join('|'), 'i'),
    globals: new Map(rules.map((r) => [r.id, new RegExp(r.regex.source, r.regex.flags.includes('g') ? r.regex.flags : r.regex.flags + 'g')])),
  };
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function lineOf(starts: number[], offset: number): number {
  let lo = 0, hi = starts.length - 1;
  while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (starts[mid]! <= offset) lo = mid; else hi = mid - 1; }
  return lo; // 0-based
}

/** `onSecret` sees each clear value (to redact it elsewhere); it never enters a hit. */
export function scanText(text: string, compiled: CompiledRules, onSecret?: (clear: string) => void): SecretHit[] {
  if (!compiled.keywords.test(text)) return [];
  const lower = text.toLowerCase();
  let starts: number[] | undefined;
  const hits: SecretHit[] = [];
  for (const rule of compiled.rules) {
    if (!rule.keywords.some((k) => lower.includes(k))) continue;
    const re = compiled.globals.get(rule.id)!;
    re.lastIndex = 0;
    let count = 0;
    for (let m = re.exec(text); m && count < MAX_HITS_PER_RULE; m = re.exec(text)) {
      if (m[0].length === 0) { re.lastIndex++; continue; }
      const secret = m.groups?.['secret'];
      if (!secret) continue;
      if (rule.allow?.test(secret)) continue;
      if (rule.minEntropy && entropy(secret) < rule.minEntropy) continue;
      onSecret?.(secret);
      const secretStart = m.index + m[0].indexOf(secret);
      const secretEnd = secretStart + secret.length;
      starts ??= lineStarts(text);
      const first = lineOf(starts, secretStart);
      const last = lineOf(starts, secretEnd - 1);
      const lineStart = starts[first]!;
      const lineEnd = first + 1 < starts.length ? starts[first + 1]! - 1 : text.length;
      const line = text.slice(lineStart, lineEnd);
      const masked = maskSecret(line, secretStart - lineStart, Math.min(secretEnd, lineEnd) - lineStart);
      hits.push({
        ruleId: rule.id, category: rule.category, title: rule.title, severity: rule.severity,
        startLine: first + 1, endLine: last + 1,
        match: masked.length > MAX_LINE_SHOWN ? masked.slice(0, MAX_LINE_SHOWN) + '…' : masked,
      });
      count++;
    }
  }
  return dedupeOverlaps(hits);
}

/**
 * One secret, one finding: a generic rule matching the same line as a
 * specific one adds nothing, nor does a second rule masking the same span.
 */
function dedupeOverlaps(hits: SecretHit[]): SecretHit[] {
  const specific = new Set(hits.filter((h) => h.ruleId !== 'generic-password').map((h) => h.startLine));
  const seen = new Set<string>();
  return hits.filter((h) => {
    if (h.ruleId === 'generic-password' && specific.has(h.startLine)) return false;
    const key = `${h.startLine}\0${h.match}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
