/** The built-in function table. A name not here is a compile error, never a silent false. */
import { randomInt, randomUUID } from 'node:crypto';
import { show } from '../value.js';
import { COLLECTIONS } from './collections.js';
import { ENCODING } from './encoding.js';
import { NET } from './net.js';
import { PATCH } from './patch.js';
import { REGEX } from './regex.js';
import { STRINGS } from './strings.js';
import { TIME } from './time.js';
import { int, type BuiltinTable } from './types.js';

const MISC: BuiltinTable = {
  'rand.intn': {
    arity: 2,
    types: ['string', 'number'],
    volatile: true,
    fn: ([key, n], ctx, name) => {
      const bound = int(name, n!);
      const memoKey = `rand.intn\u0000${key as string}\u0000${bound}`;
      let v = ctx.memo.get(memoKey);
      if (v === undefined) {
        v = bound === 0 ? 0 : randomInt(Math.abs(bound));
        ctx.memo.set(memoKey, v);
      }
      return v;
    },
  },
  'uuid.rfc4122': {
    arity: 1,
    types: ['string'],
    volatile: true,
    fn: ([key], ctx) => {
      const memoKey = `uuid\u0000${key as string}`;
      let v = ctx.memo.get(memoKey);
      if (v === undefined) {
        v = randomUUID();
        ctx.memo.set(memoKey, v);
      }
      return v;
    },
  },
  print: {
    arity: 0,
    types: [],
    variadic: true,
    volatile: true,
    fn: (args, ctx) => {
      ctx.print(args.map((a) => (typeof a === 'string' ? a : show(a))).join(' '));
      return true;
    },
  },
  trace: {
    arity: 1,
    types: ['string'],
    volatile: true,
    fn: ([s], ctx) => {
      ctx.print(s as string);
      return true;
    },
  },
  // Evaluated by the engine itself (they need the rule being evaluated or yield many values).
  walk: { arity: 1, types: ['any'], fn: () => undefined },
  'rego.metadata.rule': { arity: 0, types: [], fn: () => undefined },
  'rego.metadata.chain': { arity: 0, types: [], fn: () => undefined },
};

export const BUILTINS: BuiltinTable = {
  ...STRINGS,
  ...COLLECTIONS,
  ...REGEX,
  ...ENCODING,
  ...TIME,
  ...NET,
  ...PATCH,
  ...MISC,
};
