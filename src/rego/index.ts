/**
 * A Rego engine in TypeScript: compileModules() parses and checks policies once,
 * evaluate() answers a query (`data.pkg.rule` or any Rego query) for one input,
 * returning OPA's result shape: a value, undefined, or an error with OPA's code
 * and the policy's file:line:column.
 */
import { compileQuery, type Compiled } from './compile.js';
import { RegoError, type Location, type RegoErrorCode } from './errors.js';
import { Evaluator, type EvalLimits, type EvalOptions } from './eval.js';
import { toJson } from './value.js';

export { compileModules } from './compile.js';
export type { Compiled, CompileOptions } from './compile.js';
export { RegoError } from './errors.js';
export type { EvalLimits, EvalOptions } from './eval.js';
export type { Builtin, BuiltinContext, BuiltinTable } from './builtins/types.js';
export { fromJson, RObject, RSet, toJson, type Value } from './value.js';

export interface QueryResult {
  /** Each expression's value (true for conditions), as JSON. */
  expressions: unknown[];
  /** Variables the query bound (names starting with `_` left out), as JSON. */
  bindings: Record<string, unknown>;
}

export type EvalResult =
  | { kind: 'value'; value: unknown; results: QueryResult[] }
  | { kind: 'undefined' }
  | { kind: 'error'; code: RegoErrorCode; message: string; location?: Location };

/** Parses and resolves a query against compiled modules (errors are thrown as RegoError). */
export function prepareQuery(compiled: Compiled, query: string): ReturnType<typeof compileQuery> {
  return compileQuery(compiled, query);
}

/**
 * Evaluates `query` (Rego text such as `data.pkg.deny` or `x := data.a[_]; x > 1`).
 * `value` is the first result's single expression value, or its bindings when the query binds variables.
 */
export function evaluate(compiled: Compiled, query: string, options: EvalOptions = {}): EvalResult {
  try {
    const body = compileQuery(compiled, query);
    const evaluator = new Evaluator(compiled, options);
    const results: QueryResult[] = [];
    evaluator.query(body, (bindings, values) => {
      const shown: Record<string, unknown> = {};
      for (const [name, v] of bindings) if (!name.startsWith('_') && !name.includes('$')) shown[name] = toJson(v);
      results.push({ expressions: values.map((v) => toJson(v)), bindings: shown });
    });
    if (results.length === 0) return { kind: 'undefined' };
    const first = results[0]!;
    const value =
      Object.keys(first.bindings).length > 0 ? first.bindings : first.expressions[first.expressions.length - 1];
    return { kind: 'value', value, results };
  } catch (err) {
    if (err instanceof RegoError)
      return { kind: 'error', code: err.code, message: err.message, location: err.location };
    // Input or data nested deeper than the stack allows (converted before evaluation starts).
    if (err instanceof RangeError)
      return { kind: 'error', code: 'eval_limit_error', message: `eval_limit_error: ${err.message}` };
    throw err;
  }
}

export type { EvalLimits as Limits };
