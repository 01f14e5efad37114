/**
 * The external Rego evaluation suite in ../shared/rego-cases (microsoft/regorus's
 * interpreter cases, see its SOURCE.md), run whole: the pass rate is printed per
 * category and held at a floor so a regression fails. Cases run with OPA's
 * strict built-in errors, as the suite expects errors where OPA's default would
 * make the expression undefined. A case expecting an error passes on any
 * error: the suite's messages are regorus's own wording, not OPA's.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { parseDocument } from 'yaml';
import { compileModules, evaluate, RegoError } from '../../src/rego/index.js';
import { fromJson, RObject, RSet, toJson, type Value } from '../../src/rego/value.js';

const SUITE = join(process.cwd(), '..', 'shared', 'rego-cases');
/** Cases passing when this floor was set; raise it as the engine improves, never lower it. */
const FLOOR = 539;

interface Case {
  note: string;
  data?: unknown;
  input?: unknown;
  modules?: string[];
  query: string;
  want_result?: unknown;
  no_result?: boolean;
  error?: string;
  want_error?: string;
  skip?: boolean;
  /** `strict: false` asks for OPA's default: a built-in's error makes its expression undefined. */
  strict?: boolean;
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return yamlFiles(p);
    return name.endsWith('.yaml') ? [p] : [];
  });
}

/** The suite writes sets as `{set!: [...]}`. */
function expected(j: unknown): Value {
  if (Array.isArray(j)) return j.map(expected);
  if (j !== null && typeof j === 'object') {
    const o = j as Record<string, unknown>;
    const keys = Object.keys(o);
    if (keys.length === 1 && keys[0] === 'set!') return RSet.from((o['set!'] as unknown[]).map(expected));
    if (keys.length === 1 && keys[0] === 'object!') {
      // Objects with non-string keys: `{object!: [{key, value}, …]}`.
      return RObject.from(
        (o['object!'] as { key: unknown; value: unknown }[]).map((e) => [expected(e.key), expected(e.value)]),
      );
    }
    const out: Record<string, Value> = {};
    for (const [k, v] of Object.entries(o)) out[k] = expected(v);
    return fromJson(out);
  }
  return fromJson(j);
}

/** Objects with keys in one order, so non-string keys (serialised as JSON text) compare whatever their Rego order. */
function sortKeys(j: unknown): unknown {
  if (Array.isArray(j)) return j.map(sortKeys);
  if (j !== null && typeof j === 'object') {
    return Object.fromEntries(
      Object.entries(j as Record<string, unknown>)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => [k, sortKeys(v)]),
    );
  }
  return j;
}

function category(file: string): string {
  const rel = relative(SUITE, file).split('/');
  return rel.length > 2 ? `${rel[0]}/${rel[1]}` : rel.length === 2 ? rel[0]! : 'basic';
}

type Outcome = { ok: boolean; why: string };

/** `input: {many!: [...]}` runs the query once per input; `want_result: {many!: [...]}` lists each answer. */
function runCase(file: string, c: Case): Outcome {
  const inputs = (c.input as { 'many!'?: unknown[] } | undefined)?.['many!'];
  if (!inputs) return runOne(file, c);
  const wants = (c.want_result as { 'many!'?: unknown[] } | undefined)?.['many!'] ?? [];
  for (let i = 0; i < inputs.length; i++) {
    const outcome = runOne(file, { ...c, input: inputs[i], want_result: wants[i] });
    if (!outcome.ok) return { ok: false, why: `input ${i}: ${outcome.why}` };
  }
  return { ok: true, why: '' };
}

function runOne(file: string, c: Case): Outcome {
  const wantError = c.error ?? c.want_error;
  let result;
  try {
    const compiled = compileModules((c.modules ?? []).map((text, i) => ({ path: `${c.note}/m${i}.rego`, text })));
    result = evaluate(compiled, c.query, {
      input: c.input,
      data: c.data ?? {},
      strictBuiltinErrors: c.strict !== false,
      limits: { deadlineMs: 2000 },
    });
  } catch (err) {
    if (!(err instanceof RegoError))
      return { ok: false, why: `crash: ${(err as Error).stack?.split('\n').slice(0, 3).join(' | ')}` };
    result = { kind: 'error' as const, code: err.code, message: err.message };
  }
  if (wantError !== undefined) {
    return result.kind === 'error'
      ? { ok: true, why: '' }
      : { ok: false, why: `wanted error "${wantError}", got ${JSON.stringify(result)}` };
  }
  if (result.kind === 'error') return { ok: false, why: `error: ${result.message}` };
  if (c.no_result || c.want_result === undefined) {
    return result.kind === 'undefined'
      ? { ok: true, why: '' }
      : { ok: false, why: `wanted undefined, got ${JSON.stringify(result.value)}` };
  }
  if (result.kind === 'undefined') return { ok: false, why: 'got undefined' };
  const want = JSON.stringify(sortKeys(toJson(expected(c.want_result))));
  const got = JSON.stringify(sortKeys(result.value));
  void file;
  return want === got ? { ok: true, why: '' } : { ok: false, why: `want ${want}\n      got  ${got}` };
}

test(
  'the rego-cases suite passes at or above its floor',
  { skip: existsSync(SUITE) ? false : `${SUITE} not present` },
  () => {
    const byCategory = new Map<string, { pass: number; total: number }>();
    const failures: string[] = [];
    let pass = 0;
    let total = 0;
    let skipped = 0;
    for (const file of yamlFiles(SUITE).sort()) {
      // One file indents a flow sequence less than the yaml library allows (js-yaml accepts it): keep its value.
      const doc = parseDocument(readFileSync(file, 'utf8')).toJS() as { cases?: Case[] };
      for (const c of doc.cases ?? []) {
        if (c.skip) {
          skipped++;
          continue;
        }
        const cat = category(file);
        const entry = byCategory.get(cat) ?? { pass: 0, total: 0 };
        const outcome = runCase(file, c);
        entry.total++;
        total++;
        if (outcome.ok) {
          entry.pass++;
          pass++;
        } else failures.push(`${relative(SUITE, file)} :: ${c.note}: ${outcome.why}`);
        byCategory.set(cat, entry);
      }
    }
    const lines = [...byCategory.entries()]
      .sort()
      .map(([cat, e]) => `  ${cat.padEnd(26)} ${String(e.pass).padStart(3)}/${String(e.total).padEnd(3)}`);
    console.log(
      `rego-cases: ${pass}/${total} passed (${((100 * pass) / total).toFixed(1)}%), ${skipped} skipped by the suite\n${lines.join('\n')}`,
    );
    if (process.env.REGO_CASES_VERBOSE) console.log(failures.join('\n'));
    assert.ok(pass >= FLOOR, `pass count ${pass} fell below the floor ${FLOOR}`);
  },
);
