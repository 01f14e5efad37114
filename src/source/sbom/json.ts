/** Reading JSON a stranger wrote: only values of the expected shape are taken, anything else is dropped. */
export type Json = Record<string, unknown>;

/** The JSON objects of what should be an array of them. */
export function objects(v: unknown): Json[] {
  return Array.isArray(v) ? v.filter((x): x is Json => typeof x === 'object' && x !== null && !Array.isArray(x)) : [];
}

/** The object a value should be, or undefined. */
export function object(v: unknown): Json | undefined {
  return objects([v])[0];
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
