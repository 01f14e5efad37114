/**
 * SPDX licence identifiers and expressions: is a string a known id, a valid
 * expression, or free text? Uses the SPDX list packaged as spdx-license-ids
 * and the spdx-expression-parse grammar.
 */
import parse from 'spdx-expression-parse';
import { lazyRequire } from '../util/lazy-require.js';

// spdx-correct builds its tables of misspellings when loaded (~7 ms): only scans that meet a licence need them.
const correct = lazyRequire<typeof import('spdx-correct')>('spdx-correct');
const currentIds = lazyRequire<string[]>('spdx-license-ids');
const deprecatedIds = lazyRequire<string[]>('spdx-license-ids/deprecated.json');
let ids: Set<string> | undefined;

export function isSpdxId(s: string): boolean {
  ids ??= new Set([...currentIds(), ...deprecatedIds()]);
  return ids.has(s);
}

let idsByLowerCase: Map<string, string> | undefined;

/** The SPDX id spelled `s` in any case (`mit` → `MIT`, from licence URLs), or undefined. */
export function spdxIdIgnoringCase(s: string): string | undefined {
  if (!idsByLowerCase) {
    idsByLowerCase = new Map();
    for (const id of [...deprecatedIds(), ...currentIds()]) idsByLowerCase.set(id.toLowerCase(), id);
  }
  return idsByLowerCase.get(s.toLowerCase());
}

/** True for a valid SPDX expression (a single id counts). */
export function isSpdxExpression(s: string): boolean {
  if (s.length > 1000) return false;
  try { parse(s); return true; } catch { return false; }
}

/**
 * The SPDX form of what package metadata wrote (`GPL-2+`, `Apache 2.0`,
 * `MIT/X11`), or undefined when there is no confident mapping.
 */
export function normaliseLicence(raw: string): string | undefined {
  const s = raw.trim();
  if (!s || s.length > 1000) return undefined;
  if (isSpdxExpression(s)) return s;
  const fixed = correct()(s, { upgrade: true });
  return fixed && isSpdxExpression(fixed) ? fixed : undefined;
}
