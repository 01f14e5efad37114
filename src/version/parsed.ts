/**
 * The shape most comparators share: parse both sides (undefined = invalid,
 * which throws rather than falling back to string order), then compare the
 * parsed forms.
 */
import { InvalidVersionError, type VersionComparator } from './types.js';

/**
 * Parsed versions kept per comparator: matching compares one installed
 * version with every bound of every candidate range, and the same bounds
 * recur across advisories, so most parses repeat (a third of matching's time
 * on polyglot). Parsed forms are never modified by the comparisons.
 */
const MAX_MEMO = 20_000;

export function parsedComparator<T>(
  id: string,
  parse: (v: string) => T | undefined | null,
  compare: (a: T, b: T) => number,
): VersionComparator {
  const memo = new Map<string, T>();
  const strict = (v: string): T => {
    const known = memo.get(v);
    if (known !== undefined) return known;
    const p = parse(v);
    if (p === undefined || p === null) throw new InvalidVersionError(id, v);
    if (memo.size >= MAX_MEMO) memo.clear();
    memo.set(v, p);
    return p;
  };
  return {
    id,
    isValid: (v) => {
      const p = parse(v);
      return p !== undefined && p !== null;
    },
    compare: (a, b) => compare(strict(a), strict(b)),
  };
}
