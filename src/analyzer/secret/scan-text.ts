/**
 * Finds secrets in one text. A combined keyword test runs first; only rules
 * whose keyword occurs run their regex. The returned match line is masked.
 */
import type { Severity } from '../../model/report.js';
import { entropy } from './mask.js';
import type { RawSecret } from './raw-secret.js';
import type { SecretRule } from './rules.js';

export interface SecretHit {
  ruleId: string;
  category: string;
  title: string;
  severity: Severity;
  startLine: number;
  endLine: number;
  /** The line holding the secret's start, every secret on it masked; a longer line than 200 characters as a window around the secret, `…` where cut. */
  match: string;
}

/** Hits per rule per text; more are noise and cost time. Their values are still masked wherever shown. */
const MAX_HITS_PER_RULE = 50;
const MAX_LINE_SHOWN = 200;
/** How much of a long line before the secret its window shows. */
const CONTEXT_BEFORE = 60;

export interface CompiledRules {
  rules: SecretRule[];
  keywords: RegExp;
  /** Regex rules with the `g` and `d` flags: `d` gives the secret group's exact offsets. */
  globals: Map<string, RegExp>;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function compileRules(rules: SecretRule[]): CompiledRules {
  const words = [...new Set(rules.flatMap((r) => r.keywords))];
  const withFlags = (re: RegExp): RegExp => new RegExp(re.source, [...new Set(`${re.flags}gd`)].join(''));
  return {
    rules,
    keywords: new RegExp(words.map(escapeRe).join('|'), 'i'),
    globals: new Map(rules.filter((r) => r.regex).map((r) => [r.id, withFlags(r.regex!)])),
  };
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function lineOf(starts: number[], offset: number): number {
  let lo = 0,
    hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo; // 0-based
}

/** Every candidate of one rule, in order: its regex's `secret` group, or its finder. */
export function forEachRawSecret(
  rule: SecretRule,
  text: string,
  compiled: CompiledRules,
  each: (m: RawSecret) => void,
): void {
  if (rule.find) {
    for (const m of rule.find(text)) each(m);
    return;
  }
  const re = compiled.globals.get(rule.id)!;
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[0].length === 0) {
      re.lastIndex++;
      continue;
    }
    const at = m.indices?.groups?.['secret'];
    if (!at || at[1] <= at[0]) continue;
    each({ start: at[0], end: at[1], secret: m.groups!['secret']! });
  }
}

/** A secret a rule accepted (not allow-listed, entropy enough), by offsets in the text. */
export interface SecretSpan {
  rule: SecretRule;
  start: number;
  end: number;
  secret: string;
}

/** Every secret the rules accept in `text`, each rule's in order; rules whose keywords are absent are not run. */
export function findSecrets(text: string, compiled: CompiledRules, only?: (rule: SecretRule) => boolean): SecretSpan[] {
  if (!compiled.keywords.test(text)) return [];
  const lower = text.toLowerCase();
  const spans: SecretSpan[] = [];
  for (const rule of compiled.rules) {
    if (only && !only(rule)) continue;
    if (!rule.keywords.some((k) => lower.includes(k))) continue;
    forEachRawSecret(rule, text, compiled, (m) => {
      if (rule.allow?.test(m.secret)) return;
      if (rule.minEntropy && entropy(m.secret) < rule.minEntropy) return;
      spans.push({ rule, start: m.start, end: m.end, secret: m.secret });
    });
  }
  return spans;
}

/** `onSecret` sees each clear value (to redact it elsewhere); it never enters a hit. */
export function scanText(text: string, compiled: CompiledRules, onSecret?: (clear: string) => void): SecretHit[] {
  return hitsOf(text, findSecrets(text, compiled), onSecret);
}

/**
 * Findings for accepted secrets. Every line shown has every secret found in
 * the text masked, not only the finding's own (an AWS key beside a GitHub
 * token shows neither), and masking happens before duplicates are dropped,
 * so a dropped finding's value is masked wherever another shows its line.
 */
export function hitsOf(text: string, spans: SecretSpan[], onSecret?: (clear: string) => void): SecretHit[] {
  if (!spans.length) return [];
  for (const s of spans) onSecret?.(s.secret);
  const masks = mergedIntervals(spans);
  const starts = lineStarts(text);
  const perRule = new Map<string, number>();
  const hits: { span: SecretSpan; hit: SecretHit }[] = [];
  for (const span of dedupeOverlaps(spans)) {
    const n = perRule.get(span.rule.id) ?? 0;
    if (n >= MAX_HITS_PER_RULE) continue;
    perRule.set(span.rule.id, n + 1);
    const first = lineOf(starts, span.start);
    const last = lineOf(starts, span.end - 1);
    const lineStart = starts[first]!;
    const lineEnd = first + 1 < starts.length ? starts[first + 1]! - 1 : text.length;
    // A long line is shown as a window around the secret: bounded work per finding, whatever the line.
    const from =
      lineEnd - lineStart <= MAX_LINE_SHOWN
        ? lineStart
        : Math.max(lineStart, Math.min(span.start - CONTEXT_BEFORE, lineEnd - MAX_LINE_SHOWN));
    const to = Math.min(lineEnd, from + MAX_LINE_SHOWN);
    const shown = maskRange(text, from, to, masks);
    const rule = span.rule;
    hits.push({
      span,
      hit: {
        ruleId: rule.id,
        category: rule.category,
        title: rule.title,
        severity: rule.severity,
        startLine: first + 1,
        endLine: last + 1,
        match: `${from > lineStart ? '…' : ''}${shown}${to < lineEnd ? '…' : ''}`,
      },
    });
  }
  return hits.map((h) => h.hit);
}

/** Sorted, disjoint [start, end) intervals covering every span. */
function mergedIntervals(spans: SecretSpan[]): [number, number][] {
  const sorted = spans.map((s): [number, number] => [s.start, s.end]).sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [s, e] of sorted) {
    const last = out.at(-1);
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

/** The first interval ending after `from` (binary search). */
function firstAfter(masks: [number, number][], from: number): number {
  let lo = 0,
    hi = masks.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (masks[mid]![1] <= from) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** text[from, to) with every masked interval inside it starred. */
function maskRange(text: string, from: number, to: number, masks: [number, number][]): string {
  const lo = firstAfter(masks, from);
  let out = '';
  let at = from;
  for (let i = lo; i < masks.length && masks[i]![0] < to; i++) {
    const s = Math.max(masks[i]![0], from),
      e = Math.min(masks[i]![1], to);
    out += text.slice(at, s) + '*'.repeat(e - s);
    at = e;
  }
  return out + text.slice(at, to);
}

/**
 * One secret, one finding: a generic password overlapping a specific rule's
 * secret adds nothing, nor does a second rule finding the same span. A
 * generic password elsewhere on the line is its own finding.
 */
function dedupeOverlaps(spans: SecretSpan[]): SecretSpan[] {
  const specific = mergedIntervals(spans.filter((s) => s.rule.id !== 'generic-password'));
  const overlapsSpecific = (s: SecretSpan): boolean => {
    const i = firstAfter(specific, s.start);
    return i < specific.length && specific[i]![0] < s.end;
  };
  const seen = new Set<string>();
  return spans.filter((s) => {
    if (s.rule.id === 'generic-password' && overlapsSpecific(s)) return false;
    const key = `${s.start}:${s.end}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
