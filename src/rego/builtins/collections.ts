/** Arithmetic, aggregates, arrays, objects, sets and type checks. */
import { compare, equal, keyOf, RObject, RSet, typeName, type Value } from '../value.js';
import { arr, elements, fail, int, num, obj, set, type BuiltinTable } from './types.js';

const MAX_RANGE = 1_000_000;

/** A path segment as text: array indexes may be given as numbers or strings. */
function keyStr(v: Value): string {
  return typeof v === 'string' ? v : keyOf(v).replace(/^#/, '');
}

function arith(name: string, f: (a: number, b: number) => number): BuiltinTable[string] {
  return { arity: 2, types: ['number', 'number'], fn: ([a, b]) => check(name, f(num(a!), num(b!))) };
}

function check(name: string, n: number): number {
  if (!Number.isFinite(n)) fail(`${name}: result is not a finite number`);
  return n;
}

function setOrNumber(
  name: string,
  onSets: (a: RSet, b: RSet) => RSet,
  onNumbers?: (a: number, b: number) => number,
): BuiltinTable[string] {
  return {
    arity: 2,
    types: [onNumbers ? 'number|set' : 'set', onNumbers ? 'number|set' : 'set'],
    fn: ([a, b]) => {
      if (a instanceof RSet && b instanceof RSet) return onSets(a, b);
      if (onNumbers && typeof a === 'number' && typeof b === 'number') return check(name, onNumbers(a, b));
      return fail(`${name}: operands must be both numbers or both sets, got ${typeName(a!)} and ${typeName(b!)}`);
    },
  };
}

function aggregate(_name: string, f: (items: Value[]) => Value | undefined): BuiltinTable[string] {
  return { arity: 1, types: ['array|set'], fn: ([c]) => f(elements(c!)) };
}

function numbers(name: string, items: Value[]): number[] {
  for (const i of items) if (typeof i !== 'number') fail(`${name}: operand 1 must be array or set of numbers`);
  return items as number[];
}

function bits(name: string, f: (a: bigint, b: bigint) => bigint): BuiltinTable[string] {
  return {
    arity: 2,
    types: ['number', 'number'],
    fn: ([a, b]) => Number(BigInt.asIntN(64, f(BigInt(int(name, a!)), BigInt(int(name, b!))))),
  };
}

function union(sets: RSet[]): RSet {
  const out = new RSet();
  for (const s of sets) for (const v of s.values()) out.add(v);
  return out;
}

function intersect(sets: RSet[]): RSet {
  if (sets.length === 0) return new RSet();
  const [first, ...rest] = sets;
  return RSet.from(first!.values().filter((v) => rest.every((s) => s.has(v))));
}

function mergeObjects(a: RObject, b: RObject): RObject {
  const out = RObject.from(a.entries());
  for (const [k, v] of b.entries()) {
    const prev = out.get(k);
    out.set(k, prev instanceof RObject && v instanceof RObject ? mergeObjects(prev, v) : v);
  }
  return out;
}

/** Paths as `a/b/c` strings or arrays of keys (json.filter, json.remove). */
function pathsOf(name: string, v: Value): Value[][] {
  return elements(v).map((p) => {
    if (typeof p === 'string')
      return p
        .replace(/^\//, '')
        .split('/')
        .filter((s) => s !== '')
        .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    if (Array.isArray(p)) return p;
    return fail(`${name}: paths must be strings or arrays`);
  });
}

function filterTree(v: Value, paths: Value[][]): Value {
  if (paths.some((p) => p.length === 0)) return v;
  if (v instanceof RObject) {
    const out = new RObject();
    for (const [k, child] of v.entries()) {
      const sub = paths
        .filter((p) => equal(p[0]!, k) || (typeof k !== 'string' && keyStr(p[0]!) === keyOf(k)))
        .map((p) => p.slice(1));
      if (sub.length > 0) out.set(k, filterTree(child, sub));
    }
    return out;
  }
  if (Array.isArray(v)) {
    const out: Value[] = [];
    v.forEach((child, i) => {
      const sub = paths.filter((p) => keyStr(p[0]!) === String(i)).map((p) => p.slice(1));
      if (sub.length > 0) out.push(filterTree(child, sub));
    });
    return out;
  }
  if (v instanceof RSet) return RSet.from(v.values().filter((x) => paths.some((p) => equal(p[0]!, x))));
  return v;
}

function removeTree(v: Value, paths: Value[][]): Value | undefined {
  if (paths.some((p) => p.length === 0)) return undefined;
  if (v instanceof RObject) {
    const out = new RObject();
    for (const [k, child] of v.entries()) {
      const sub = paths.filter((p) => equal(p[0]!, k)).map((p) => p.slice(1));
      if (sub.length === 0) out.set(k, child);
      else {
        const kept = removeTree(child, sub);
        if (kept !== undefined) out.set(k, kept);
      }
    }
    return out;
  }
  if (Array.isArray(v)) {
    const out: Value[] = [];
    v.forEach((child, i) => {
      const sub = paths.filter((p) => keyStr(p[0]!) === String(i)).map((p) => p.slice(1));
      if (sub.length === 0) out.push(child);
      else {
        const kept = removeTree(child, sub);
        if (kept !== undefined) out.push(kept);
      }
    });
    return out;
  }
  return v;
}

export const COLLECTIONS: BuiltinTable = {
  plus: arith('plus', (a, b) => a + b),
  mul: arith('mul', (a, b) => a * b),
  div: {
    arity: 2,
    types: ['number', 'number'],
    fn: ([a, b]) => (num(b!) === 0 ? fail('div: divide by zero') : check('div', num(a!) / num(b!))),
  },
  rem: {
    arity: 2,
    types: ['number', 'number'],
    fn: ([a, b]) => {
      if (!Number.isInteger(a) || !Number.isInteger(b)) fail('rem: modulo on floating-point number');
      if (b === 0) fail('rem: modulo by zero');
      const r = num(a!) % num(b!);
      return r === 0 ? 0 : r;
    },
  },
  minus: setOrNumber(
    'minus',
    (a, b) => RSet.from(a.values().filter((v) => !b.has(v))),
    (a, b) => a - b,
  ),
  or: setOrNumber('or', (a, b) => union([a, b])),
  and: setOrNumber('and', (a, b) => intersect([a, b])),
  abs: { arity: 1, types: ['number'], fn: ([n]) => Math.abs(num(n!)) },
  round: { arity: 1, types: ['number'], fn: ([n]) => (num(n!) < 0 ? -Math.round(-num(n!)) : Math.round(num(n!))) },
  ceil: { arity: 1, types: ['number'], fn: ([n]) => Math.ceil(num(n!)) },
  floor: { arity: 1, types: ['number'], fn: ([n]) => Math.floor(num(n!)) },
  'numbers.range': {
    arity: 2,
    types: ['number', 'number'],
    fn: ([a, b], ctx, name) => range(int(name, a!), int(name, b!), 1, () => ctx.checkDeadline()),
  },
  'numbers.range_step': {
    arity: 3,
    types: ['number', 'number', 'number'],
    fn: ([a, b, s], ctx, name) => {
      const step = int(name, s!);
      if (step <= 0) fail('numbers.range_step: step must be a positive number above zero');
      return range(int(name, a!), int(name, b!), step, () => ctx.checkDeadline());
    },
  },
  count: {
    arity: 1,
    types: ['array|object|set|string'],
    fn: ([c]) => (typeof c === 'string' ? [...c].length : Array.isArray(c) ? c.length : (c as RObject | RSet).size),
  },
  sum: aggregate('sum', (items) => numbers('sum', items).reduce((a, b) => a + b, 0)),
  product: aggregate('product', (items) => numbers('product', items).reduce((a, b) => a * b, 1)),
  max: aggregate('max', (items) =>
    items.length === 0 ? undefined : items.reduce((a, b) => (compare(a, b) >= 0 ? a : b)),
  ),
  min: aggregate('min', (items) =>
    items.length === 0 ? undefined : items.reduce((a, b) => (compare(a, b) <= 0 ? a : b)),
  ),
  sort: aggregate('sort', (items) => [...items].sort(compare)),
  'array.concat': { arity: 2, types: ['array', 'array'], fn: ([a, b]) => [...arr(a!), ...arr(b!)] },
  'array.slice': {
    arity: 3,
    types: ['array', 'number', 'number'],
    fn: ([a, s, e]) => {
      const xs = arr(a!);
      const start = Math.max(0, Math.trunc(num(s!)));
      const end = Math.min(xs.length, Math.trunc(num(e!)));
      return start >= end ? [] : xs.slice(start, end);
    },
  },
  'array.reverse': { arity: 1, types: ['array'], fn: ([a]) => [...arr(a!)].reverse() },
  'object.get': {
    arity: 3,
    types: ['object', 'any', 'any'],
    fn: ([o, k, d]) => {
      if (!Array.isArray(k)) return obj(o!).get(k!) ?? d!;
      let cur: Value = o!;
      for (const seg of k) {
        const next: Value | undefined =
          cur instanceof RObject
            ? cur.get(seg)
            : Array.isArray(cur) && typeof seg === 'number'
              ? cur[seg]
              : cur instanceof RSet && cur.has(seg)
                ? seg
                : undefined;
        if (next === undefined) return d!;
        cur = next;
      }
      return cur;
    },
  },
  'object.keys': { arity: 1, types: ['object'], fn: ([o]) => RSet.from(obj(o!).keys()) },
  'object.remove': {
    arity: 2,
    types: ['object', 'array|set|object'],
    fn: ([o, ks]) => {
      const drop = ks instanceof RObject ? RSet.from(ks.keys()) : RSet.from(elements(ks!));
      return RObject.from(
        obj(o!)
          .entries()
          .filter(([k]) => !drop.has(k)),
      );
    },
  },
  'object.filter': {
    arity: 2,
    types: ['object', 'array|set|object'],
    fn: ([o, ks]) => {
      const keep = ks instanceof RObject ? RSet.from(ks.keys()) : RSet.from(elements(ks!));
      return RObject.from(
        obj(o!)
          .entries()
          .filter(([k]) => keep.has(k)),
      );
    },
  },
  'object.union': { arity: 2, types: ['object', 'object'], fn: ([a, b]) => mergeObjects(obj(a!), obj(b!)) },
  'object.union_n': {
    arity: 1,
    types: ['array'],
    fn: ([objs]) => {
      let out = new RObject();
      for (const o of arr(objs!)) {
        if (!(o instanceof RObject)) fail('object.union_n: operand 1 must be array of objects');
        out = mergeObjects(out, o);
      }
      return out;
    },
  },
  'object.subset': { arity: 2, types: ['object|array|set', 'object|array|set'], fn: ([a, b]) => subset(a!, b!) },
  'json.filter': {
    arity: 2,
    types: ['object', 'array|set'],
    fn: ([o, p]) => filterTree(o!, pathsOf('json.filter', p!)),
  },
  'json.remove': {
    arity: 2,
    types: ['object', 'array|set'],
    fn: ([o, p]) => removeTree(o!, pathsOf('json.remove', p!)) ?? new RObject(),
  },
  union: {
    arity: 1,
    types: ['set'],
    fn: ([s]) => {
      const sets = set(s!).values();
      if (!sets.every((x) => x instanceof RSet)) fail('union: operand 1 must be set of sets');
      return union(sets);
    },
  },
  intersection: {
    arity: 1,
    types: ['set'],
    fn: ([s]) => {
      const sets = set(s!).values();
      if (!sets.every((x) => x instanceof RSet)) fail('intersection: operand 1 must be set of sets');
      return intersect(sets);
    },
  },
  is_string: { arity: 1, types: ['any'], fn: ([v]) => typeof v === 'string' },
  is_number: { arity: 1, types: ['any'], fn: ([v]) => typeof v === 'number' },
  is_boolean: { arity: 1, types: ['any'], fn: ([v]) => typeof v === 'boolean' },
  is_null: { arity: 1, types: ['any'], fn: ([v]) => v === null },
  is_array: { arity: 1, types: ['any'], fn: ([v]) => Array.isArray(v) },
  is_set: { arity: 1, types: ['any'], fn: ([v]) => v instanceof RSet },
  is_object: { arity: 1, types: ['any'], fn: ([v]) => v instanceof RObject },
  type_name: { arity: 1, types: ['any'], fn: ([v]) => typeName(v!) },
  'bits.and': bits('bits.and', (a, b) => a & b),
  'bits.or': bits('bits.or', (a, b) => a | b),
  'bits.xor': bits('bits.xor', (a, b) => a ^ b),
  'bits.lsh': bits('bits.lsh', (a, b) => (b < 0n || b > 64n ? fail('bits.lsh: shift out of range') : a << b)),
  'bits.rsh': bits('bits.rsh', (a, b) => (b < 0n ? fail('bits.rsh: negative shift') : a >> b)),
  'bits.negate': { arity: 1, types: ['number'], fn: ([a], _c, name) => Number(~BigInt(int(name, a!))) },
};

function range(a: number, b: number, step: number, checkDeadline: () => void): number[] {
  if (Math.abs(b - a) / step > MAX_RANGE) fail(`numbers.range: more than ${MAX_RANGE} elements`);
  const out: number[] = [];
  if (a <= b) for (let i = a; i <= b; i += step) out.push(i);
  else for (let i = a; i >= b; i -= step) out.push(i);
  checkDeadline();
  return out;
}

function subset(sup: Value, sub: Value): boolean {
  if (sup instanceof RObject && sub instanceof RObject) {
    return sub.entries().every(([k, v]) => {
      const have = sup.get(k);
      if (have === undefined) return false;
      if (have instanceof RObject && v instanceof RObject) return subset(have, v);
      return equal(have, v);
    });
  }
  if (sup instanceof RSet && sub instanceof RSet) return sub.values().every((v) => sup.has(v));
  if (Array.isArray(sup) && Array.isArray(sub)) {
    if (sub.length === 0) return true;
    for (let i = 0; i + sub.length <= sup.length; i++) if (sub.every((v, j) => equal(v, sup[i + j]!))) return true;
    return false;
  }
  if (sup instanceof RSet && Array.isArray(sub)) return sub.every((v) => sup.has(v));
  return fail('object.subset: both arguments must be objects, sets or arrays');
}
