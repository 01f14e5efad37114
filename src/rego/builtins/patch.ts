/**
 * json.patch (RFC 6902) over Rego values, immutably. Set members are
 * addressed by value in array-form paths, as OPA does. A patch that cannot
 * apply (missing member, bad index, malformed operation) makes the result
 * undefined, never a partly patched document.
 */
import { equal, RObject, RSet, type Value } from '../value.js';
import type { BuiltinTable } from './types.js';

class PatchFailed extends Error {}
const failed = (why: string): never => {
  throw new PatchFailed(why);
};

function parsePath(p: Value | undefined): Value[] {
  if (typeof p === 'string') {
    if (p === '') return [];
    if (!p.startsWith('/')) failed('path must start with /');
    return p
      .slice(1)
      .split('/')
      .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  }
  if (Array.isArray(p)) return p;
  return failed('path must be a string or an array');
}

/** An array index from a path segment: digits without leading zeros, or `-` (the end) where allowed. */
function arrayIndex(seg: Value, length: number, allowEnd: boolean): number {
  if (seg === '-' && allowEnd) return length;
  let n: number;
  if (typeof seg === 'number') {
    if (!Number.isSafeInteger(seg) || Object.is(seg, -0)) return failed('bad index');
    n = seg;
  } else if (typeof seg === 'string' && /^(0|[1-9]\d{0,15})$/.test(seg)) n = Number(seg);
  else return failed('bad index');
  if (n < 0 || n > (allowEnd ? length : length - 1)) failed('index out of range');
  return n;
}

function child(v: Value, seg: Value): Value {
  if (v instanceof RObject) return v.get(seg) ?? failed('missing key');
  if (Array.isArray(v)) return v[arrayIndex(seg, v.length, false)]!;
  if (v instanceof RSet) return v.has(seg) ? seg : failed('missing member');
  return failed('not a container');
}

function get(doc: Value | undefined, path: Value[]): Value {
  if (doc === undefined) return failed('no document');
  return path.reduce<Value>((v, seg) => child(v, seg), doc);
}

/** Rebuilds `doc` with `f` applied to the container at `path[0..-1]` and the last segment. */
function update(doc: Value, path: Value[], f: (container: Value, last: Value) => Value): Value {
  if (path.length === 1) return f(doc, path[0]!);
  const [seg, ...rest] = path;
  const inner = child(doc, seg!);
  const next = update(inner, rest, f);
  if (doc instanceof RObject) {
    const o = RObject.from(doc.entries());
    o.set(seg!, next);
    return o;
  }
  if (Array.isArray(doc)) {
    const a = doc.slice();
    a[arrayIndex(seg!, doc.length, false)] = next;
    return a;
  }
  if (doc instanceof RSet) {
    if (!equal(inner, next)) return failed('cannot change a set member in place');
    return doc;
  }
  return failed('not a container');
}

function add(doc: Value | undefined, path: Value[], v: Value): Value {
  if (path.length === 0) return v;
  return update(doc ?? failed('no document'), path, (c, last) => {
    if (c instanceof RObject) {
      const o = RObject.from(c.entries());
      o.set(last, v);
      return o;
    }
    if (Array.isArray(c)) {
      const a = c.slice();
      a.splice(arrayIndex(last, c.length, true), 0, v);
      return a;
    }
    if (c instanceof RSet) {
      if (!equal(last, v)) failed('a set member is added by its own value');
      return RSet.from([...c.values(), v]);
    }
    return failed('not a container');
  });
}

function remove(doc: Value | undefined, path: Value[]): Value | undefined {
  if (path.length === 0) return undefined;
  return update(doc ?? failed('no document'), path, (c, last) => {
    if (c instanceof RObject) {
      if (!c.has(last)) failed('missing key');
      return RObject.from(c.entries().filter(([k]) => !equal(k, last)));
    }
    if (Array.isArray(c)) {
      const i = arrayIndex(last, c.length, false);
      return [...c.slice(0, i), ...c.slice(i + 1)];
    }
    if (c instanceof RSet) {
      if (!c.has(last)) failed('missing member');
      return RSet.from(c.values().filter((x) => !equal(x, last)));
    }
    return failed('not a container');
  });
}

function isPrefix(a: Value[], b: Value[]): boolean {
  return a.length < b.length && a.every((x, i) => equal(x, b[i]!));
}

function applyOp(doc: Value | undefined, op: Value): Value | undefined {
  if (!(op instanceof RObject)) return failed('operation must be an object');
  const kind = op.getStr('op');
  const path = parsePath(op.getStr('path') ?? failed('missing path'));
  const value = (): Value => op.getStr('value') ?? failed('missing value');
  const from = (): Value[] => parsePath(op.getStr('from') ?? failed('missing from'));
  switch (kind) {
    case 'add':
      return add(doc, path, value());
    case 'remove':
      return remove(doc, path);
    case 'replace': {
      get(doc, path);
      const v = value();
      if (path.length === 0) return v;
      return add(remove(doc, path), path, v);
    }
    case 'move': {
      const src = from();
      if (isPrefix(src, path)) failed('cannot move a node into its own child');
      const v = get(doc, src);
      return add(remove(doc, src), path, v);
    }
    case 'copy':
      return add(doc, path, get(doc, from()));
    case 'test':
      return equal(get(doc, path), value()) ? doc : failed('test failed');
    default:
      return failed('unknown operation');
  }
}

export const PATCH: BuiltinTable = {
  'json.patch': {
    arity: 2,
    types: ['any', 'array'],
    fn: ([doc, ops]) => {
      try {
        let cur: Value | undefined = doc;
        for (const op of ops as Value[]) cur = applyOp(cur, op);
        return cur;
      } catch (err) {
        if (err instanceof PatchFailed) return undefined;
        throw err;
      }
    },
  },
};
