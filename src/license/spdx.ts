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
  try {
    parse(s);
    return true;
  } catch {
    return false;
  }
}

/**
 * The SPDX form of what package metadata wrote (`GPL-2+`, `Apache 2.0`,
 * `MIT/X11`), or undefined when there is no confident mapping.
 */
export function normaliseLicense(raw: string): string | undefined {
  const s = raw.trim();
  if (!s || s.length > 1000) return undefined;
  if (isSpdxExpression(s)) return s;
  const fixed = /\s(?:AND|OR|WITH)\s/.test(s) ? correctEachOperand(s) : correctOne(s);
  return fixed && isSpdxExpression(fixed) ? fixed : undefined;
}

function correctOne(s: string): string | undefined {
  return s.endsWith('+') ? correctOrLater(s.slice(0, -1).trimEnd()) : (correct()(s, { upgrade: true }) ?? undefined);
}

/**
 * spdx-correct reads one licence: given `GPL-2+ AND LGPL-2.1` it answers
 * `GPL-2.0-only`, dropping a licence. So an expression is corrected operand
 * by operand (exception names after WITH kept as written), or not at all.
 */
function correctEachOperand(s: string): string | undefined {
  const parts = s.split(/(\s+(?:AND|OR|WITH)\s+|[()])/);
  let afterWith = false;
  const out: string[] = [];
  for (const part of parts) {
    const op = /^\s*(AND|OR|WITH)\s*$/.exec(part)?.[1];
    if (op || part === '(' || part === ')' || !part.trim()) {
      if (op) afterWith = op === 'WITH';
      out.push(op ? ` ${op} ` : part.trim());
      continue;
    }
    const id = afterWith ? part.trim() : isSpdxExpression(part.trim()) ? part.trim() : correctOne(part.trim());
    if (!id) return undefined;
    out.push(id);
  }
  return out.join('');
}

/**
 * `GPL-2+` (Debian's spelling): spdx-correct 3.2 drops the `+` for some ids
 * (`GPL-2+` → `GPL-2.0-only`), turning "or later" into "only". So the id is
 * corrected without it and the `+` put back before upgrading to `-or-later`.
 */
function correctOrLater(base: string): string | undefined {
  const id = correct()(base, { upgrade: false });
  if (!id) return undefined;
  if (id.endsWith('-or-later')) return id;
  const plain = id.replace(/-only$/, '');
  return correct()(`${plain}+`, { upgrade: true }) ?? `${plain}+`;
}
