import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jsonChunks, Streamed } from '../../src/report/format/json-stream.js';

/** The same tree with every Streamed array built in full: what JSON.stringify is given today. */
function expand(v: unknown): unknown {
  if (v instanceof Streamed) return v.items.map((i) => expand(v.build(i)));
  if (Array.isArray(v)) return v.map(expand);
  if (v !== null && typeof v === 'object' && !(v instanceof Date))
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, expand(x)]));
  return v;
}

const cases: Record<string, unknown> = {
  'top-level streamed': new Streamed([1, 2, 3], (n) => ({ n, sq: n * n })),
  'empty streamed': { a: new Streamed([], (x) => x), b: 1 },
  'nested streamed in streamed items': {
    SchemaVersion: 2,
    Results: new Streamed(
      ['os', 'lang'],
      (t) => ({
        Target: t,
        Vulnerabilities: new Streamed([1, 2], (i) => ({
          ID: `CVE-${i}`,
          Lines: ['a\nb', 'ü "q"'],
          Empty: {},
          None: [],
          Null: null,
          Skip: undefined,
        })),
        Nested: { deep: { list: [1, [2, [3]]], s: new Streamed(['x'], (x) => [x, undefined]) } },
      }),
      true,
    ),
    Date: new Date(0),
    Fn: () => 1,
    Undef: undefined,
  },
  'streamed builds undefined': [new Streamed([0], () => undefined), undefined, null],
  'no streamed at all': { a: [1, { b: 'c\n' }], d: {} },
  'members all skipped': {
    s: new Streamed([1], () => ({ u: undefined })),
    x: { y: undefined, z: new Streamed([], () => 0) },
  },
};

for (const [name, tree] of Object.entries(cases)) {
  test(`json-stream: ${name} is written as JSON.stringify(…, null, 2) writes it`, () => {
    assert.equal([...jsonChunks(tree)].join(''), JSON.stringify(expand(tree), null, 2));
  });
}

test('json-stream: a streamed element is built only when it is written', () => {
  const built: number[] = [];
  const chunks = jsonChunks({
    list: new Streamed([1, 2, 3], (n) => {
      built.push(n);
      return n;
    }),
  });
  let text = '';
  for (const c of chunks) {
    text += c;
    if (text.includes('1')) break;
  }
  assert.deepEqual(built, [1]);
});
