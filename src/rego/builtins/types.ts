/** The shape every built-in function shares, and the operand checks they use. */
import { BuiltinError } from '../errors.js';
import { RObject, RSet, show, typeName, type Value } from '../value.js';

export interface BuiltinContext {
  /** Nanoseconds since the epoch, fixed for one query as OPA fixes time.now_ns. */
  nowNs: number;
  print(message: string): void;
  /** Throws when the query's deadline has passed; long built-ins call it as they go. */
  checkDeadline(): void;
  /** Per-query memory of random results: the same call gives the same answer within one query, as in OPA. */
  memo: Map<string, Value>;
}

export interface Builtin {
  arity: number;
  /** Operand types (`string`, `number`, `array|set`, `any`…), checked before the call. */
  types: string[];
  fn(args: Value[], ctx: BuiltinContext, name: string): Value | undefined;
  /** Results vary between calls (time, random, print): never folded at compile time. */
  volatile?: boolean;
  /** Variadic (print): any number of operands, none an output. */
  variadic?: boolean;
}

export type BuiltinTable = Record<string, Builtin>;

export function matchesType(v: Value, spec: string): boolean {
  if (spec === 'any') return true;
  const t = typeName(v);
  return spec === t || `|${spec}|`.includes(`|${t}|`);
}

/** Throws BuiltinError naming the operand, as OPA's `operand 1 must be string but got number`. */
export function checkOperands(name: string, b: Builtin, args: Value[]): void {
  if (b.variadic) return;
  for (let i = 0; i < b.types.length; i++) {
    const spec = b.types[i]!;
    const v = args[i]!;
    if (!matchesType(v, spec)) {
      throw new BuiltinError(
        `${name}: operand ${i + 1} must be ${spec.replace(/\|/g, ' or ')} but got ${typeName(v)} (${clip(show(v))})`,
      );
    }
  }
}

function clip(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

export function str(v: Value): string {
  return v as string;
}
export function num(v: Value): number {
  return v as number;
}
export function arr(v: Value): Value[] {
  return v as Value[];
}
export function obj(v: Value): RObject {
  return v as RObject;
}
export function set(v: Value): RSet {
  return v as RSet;
}

/** Elements of an array or set (sets in sorted order, as OPA iterates them). */
export function elements(v: Value): Value[] {
  if (Array.isArray(v)) return v;
  if (v instanceof RSet) return v.sortedValues();
  if (v instanceof RObject) return v.sortedEntries().map((e) => e[1]);
  throw new BuiltinError(`expected a collection, got ${typeName(v)}`);
}

export function int(name: string, v: Value, what = 'operand'): number {
  if (typeof v !== 'number' || !Number.isInteger(v))
    throw new BuiltinError(`${name}: ${what} must be integer but got ${show(v)}`);
  return v;
}

export function fail(message: string): never {
  throw new BuiltinError(message);
}
