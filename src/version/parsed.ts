/**
 * The shape most comparators share: parse both sides (undefined = invalid,
 * which throws rather than falling back to string order), then compare the
 * parsed forms.
 */
import { InvalidVersionError, type VersionComparator } from './types.js';

export function parsedComparator<T>(id: string, parse: (v: string) => T | undefined | null, compare: (a: T, b: T) => number): VersionComparator {
  const strict = (v: string): T => {
    const p = parse(v);
    if (p === undefined || p === null) throw new InvalidVersionError(id, v);
    return p;
  };
  return {
    id,
    isValid: (v) => { const p = parse(v); return p !== undefined && p !== null; },
    compare: (a, b) => compare(strict(a), strict(b)),
  };
}
