/**
 * JSON written a piece at a time. A report's long arrays (findings,
 * packages) are given as `Streamed`: each element is built, stringified and
 * dropped before the next, instead of the whole document, its text and the
 * bytes written all being in memory at once (10 MiB and more for a large
 * image's report). The text is byte for byte what `JSON.stringify(tree, null,
 * 2)` gives for the same tree with every Streamed array expanded.
 */

/**
 * An array whose elements are built from `items` only as they are written.
 * Its elements are stringified whole, unless `nested` says they hold
 * Streamed arrays of their own (a result's findings): then they are walked.
 */
export class Streamed<T> {
  constructor(
    readonly items: readonly T[],
    readonly build: (item: T) => unknown,
    readonly nested = false,
  ) {}
}

const INDENT = '  ';

export function* jsonChunks(value: unknown, depth = 0): Generator<string> {
  if (value instanceof Streamed) {
    const element = value.nested ? jsonChunks : plainChunks;
    yield* arrayChunks(value.items.length, (i) => value.build(value.items[i]), depth, element);
    return;
  }
  if (value !== null && typeof value === 'object' && holdsStreamed(value)) {
    if (Array.isArray(value)) {
      yield* arrayChunks(value.length, (i) => value[i] as unknown, depth, jsonChunks);
      return;
    }
    const entries = Object.entries(value).filter(([, v]) => isWritten(v));
    if (!entries.length) {
      yield '{}';
      return;
    }
    const pad = INDENT.repeat(depth + 1);
    for (let i = 0; i < entries.length; i++) {
      const [key, v] = entries[i] as [string, unknown];
      yield `${i ? ',\n' : '{\n'}${pad}${JSON.stringify(key)}: `;
      yield* jsonChunks(v, depth + 1);
    }
    yield `\n${INDENT.repeat(depth)}}`;
    return;
  }
  yield* plainChunks(value, depth);
}

/** A value that holds no Streamed array: JSON.stringify's own text. */
function* plainChunks(value: unknown, depth: number): Generator<string> {
  yield indented(JSON.stringify(value, null, 2) ?? 'null', depth);
}

type Writer = (value: unknown, depth: number) => Generator<string>;

function* arrayChunks(length: number, at: (i: number) => unknown, depth: number, element: Writer): Generator<string> {
  if (!length) {
    yield '[]';
    return;
  }
  const pad = INDENT.repeat(depth + 1);
  for (let i = 0; i < length; i++) {
    yield `${i ? ',\n' : '[\n'}${pad}`;
    const v = at(i);
    if (isWritten(v)) yield* element(v, depth + 1);
    else yield 'null'; // as JSON.stringify writes them in arrays
  }
  yield `\n${INDENT.repeat(depth)}]`;
}

/** What JSON.stringify keeps as an object member. */
function isWritten(v: unknown): boolean {
  return v !== undefined && typeof v !== 'function' && typeof v !== 'symbol';
}

/** Text stringified on its own, moved `depth` levels in: a JSON text has raw newlines only between tokens. */
function indented(json: string, depth: number): string {
  return depth && json.includes('\n') ? json.replace(/\n/g, `\n${INDENT.repeat(depth)}`) : json;
}

function holdsStreamed(value: object): boolean {
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return false;
  for (const v of Array.isArray(value) ? value : Object.values(value)) {
    if (v instanceof Streamed) return true;
    if (v !== null && typeof v === 'object' && holdsStreamed(v as object)) return true;
  }
  return false;
}
