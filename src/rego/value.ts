/**
 * Rego values: JSON scalars and arrays as JS values, plus objects whose keys
 * may be any value and sets, both keyed by a canonical string so that equal
 * values (however built) find each other in O(1). Numbers are IEEE doubles:
 * policies compare versions, counts and sizes, none of which needs big integers.
 */
export type Value = null | boolean | number | string | Value[] | RObject | RSet;

/** Canonical key of a value: equal values have equal keys, different values different keys. */
export function keyOf(v: Value): string {
  if (v === null) return 'n';
  switch (typeof v) {
    case 'boolean':
      return v ? 't' : 'f';
    case 'number':
      return `#${Object.is(v, -0) ? 0 : v}`;
    case 'string':
      return JSON.stringify(v);
    default:
      break;
  }
  if (Array.isArray(v)) return `[${v.map(keyOf).join(',')}]`;
  if (v instanceof RObject) return v.canonical();
  return v.canonical();
}

export class RObject {
  readonly map = new Map<string, [Value, Value]>();
  private cachedKey: string | undefined;

  static from(entries: Iterable<[Value, Value]>): RObject {
    const o = new RObject();
    for (const [k, v] of entries) o.set(k, v);
    return o;
  }

  get size(): number {
    return this.map.size;
  }
  get(k: Value): Value | undefined {
    return this.map.get(keyOf(k))?.[1];
  }
  getStr(k: string): Value | undefined {
    return this.map.get(JSON.stringify(k))?.[1];
  }
  has(k: Value): boolean {
    return this.map.has(keyOf(k));
  }
  set(k: Value, v: Value): void {
    this.cachedKey = undefined;
    this.map.set(keyOf(k), [k, v]);
  }
  delete(k: Value): void {
    this.cachedKey = undefined;
    this.map.delete(keyOf(k));
  }
  keys(): Value[] {
    return [...this.map.values()].map((e) => e[0]);
  }
  entries(): [Value, Value][] {
    return [...this.map.values()];
  }
  /** Entries in Rego's key order (what OPA prints and iterates). */
  sortedEntries(): [Value, Value][] {
    return this.entries().sort((a, b) => compare(a[0], b[0]));
  }
  canonical(): string {
    if (this.cachedKey === undefined) {
      const parts = [...this.map.entries()].map(([k, e]) => `${k}:${keyOf(e[1])}`).sort();
      this.cachedKey = `{${parts.join(',')}}`;
    }
    return this.cachedKey;
  }
}

export class RSet {
  readonly map = new Map<string, Value>();
  private cachedKey: string | undefined;

  static from(values: Iterable<Value>): RSet {
    const s = new RSet();
    for (const v of values) s.add(v);
    return s;
  }
  get size(): number {
    return this.map.size;
  }
  has(v: Value): boolean {
    return this.map.has(keyOf(v));
  }
  add(v: Value): void {
    this.cachedKey = undefined;
    this.map.set(keyOf(v), v);
  }
  values(): Value[] {
    return [...this.map.values()];
  }
  sortedValues(): Value[] {
    return this.values().sort(compare);
  }
  canonical(): string {
    if (this.cachedKey === undefined) this.cachedKey = `<${[...this.map.keys()].sort().join(',')}>`;
    return this.cachedKey;
  }
}

export function equal(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return keyOf(a) === keyOf(b);
}

function rank(v: Value): number {
  if (v === null) return 0;
  switch (typeof v) {
    case 'boolean':
      return 1;
    case 'number':
      return 2;
    case 'string':
      return 3;
    default:
      return Array.isArray(v) ? 4 : v instanceof RObject ? 5 : 6;
  }
}

/** Rego's total order: null < booleans < numbers < strings < arrays < objects < sets. */
export function compare(a: Value, b: Value): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  switch (ra) {
    case 0:
      return 0;
    case 1:
      return Number(a) - Number(b);
    case 2:
      return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
    case 3:
      return compareStrings(a as string, b as string);
    case 4: {
      const x = a as Value[];
      const y = b as Value[];
      for (let i = 0; i < Math.min(x.length, y.length); i++) {
        const c = compare(x[i]!, y[i]!);
        if (c !== 0) return c;
      }
      return x.length - y.length;
    }
    case 5: {
      const x = (a as RObject).sortedEntries();
      const y = (b as RObject).sortedEntries();
      for (let i = 0; i < Math.min(x.length, y.length); i++) {
        const c = compare(x[i]![0], y[i]![0]) || compare(x[i]![1], y[i]![1]);
        if (c !== 0) return c;
      }
      return x.length - y.length;
    }
    default: {
      const x = (a as RSet).sortedValues();
      const y = (b as RSet).sortedValues();
      for (let i = 0; i < Math.min(x.length, y.length); i++) {
        const c = compare(x[i]!, y[i]!);
        if (c !== 0) return c;
      }
      return x.length - y.length;
    }
  }
}

/** Strings compare by code point, as Go compares UTF-8 bytes. */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // UTF-16 order differs from code-point order only for a surrogate (an astral
    // code point, above every BMP character) against a BMP character.
    const sx = x >= 0xd800 && x <= 0xdfff;
    const sy = y >= 0xd800 && y <= 0xdfff;
    if (sx !== sy) return sx ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

/** JSON (from a data file, input or a parsed document) to a Rego value. */
export function fromJson(j: unknown): Value {
  if (j === null || j === undefined) return null;
  if (typeof j === 'boolean' || typeof j === 'number' || typeof j === 'string') return j;
  if (typeof j === 'bigint') return Number(j);
  if (Array.isArray(j)) return j.map(fromJson);
  if (j instanceof RObject || j instanceof RSet) return j;
  if (j instanceof Date) return j.toISOString();
  if (j instanceof Map) {
    const o = new RObject();
    for (const [k, v] of j as Map<unknown, unknown>) o.set(fromJson(k), fromJson(v));
    return o;
  }
  if (j instanceof Set) return RSet.from([...(j as Set<unknown>)].map(fromJson));
  const o = new RObject();
  for (const [k, v] of Object.entries(j as Record<string, unknown>)) o.set(k, fromJson(v));
  return o;
}

/** A Rego value as JSON, as OPA serialises it: sets become sorted arrays, non-string keys their JSON text. */
export function toJson(v: Value): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(toJson);
  if (v instanceof RSet) return v.sortedValues().map(toJson);
  const out: Record<string, unknown> = {};
  for (const [k, val] of v.sortedEntries()) out[typeof k === 'string' ? k : JSON.stringify(toJson(k))] = toJson(val);
  return out;
}

export function typeName(v: Value): string {
  return ['null', 'boolean', 'number', 'string', 'array', 'object', 'set'][rank(v)]!;
}

/** Rego's text of a value (sprintf %v, error messages): JSON, with sets as `{…}` and `set()`. */
export function show(v: Value): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(show).join(', ')}]`;
  if (v instanceof RSet) return v.size === 0 ? 'set()' : `{${v.sortedValues().map(show).join(', ')}}`;
  return `{${v
    .sortedEntries()
    .map(([k, x]) => `${show(k)}: ${show(x)}`)
    .join(', ')}}`;
}

/** Numbers as Go's JSON prints them: integers without exponent up to 1e21, floats shortest. */
export function formatNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return n.toFixed(0);
  return String(n);
}
