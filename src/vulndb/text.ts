/** Short text made from advisory prose, bounded whatever the input. */

/** Longest title kept; a first sentence longer than this is cut at a word. */
const MAX_TITLE = 200;

/**
 * The first sentence of an advisory's details: up to the first `.`, `!` or
 * `?` followed by white space (or the end), never inside a version number
 * or an abbreviation such as "e.g." (a full stop right after a one-letter
 * word or before a lower-case letter does not end the sentence). Reads at
 * most 2,000 characters, one pass, no regular expression over the whole text.
 */
export function firstSentence(text: unknown): string | undefined {
  if (typeof text !== 'string') return undefined;
  const t = text.slice(0, 2000).replace(/\s+/g, ' ').trim();
  if (!t) return undefined;
  let end = t.length;
  for (let i = 0; i < t.length; i++) {
    const c = t[i];
    if (c !== '.' && c !== '!' && c !== '?') continue;
    if (i + 1 < t.length && t[i + 1] !== ' ') continue;
    const next = t[i + 2];
    if (c === '.' && next !== undefined && next >= 'a' && next <= 'z') continue;
    if (c === '.' && i >= 1 && (i === 1 || t[i - 2] === ' ') && /[A-Za-z]/.test(t[i - 1]!)) continue;
    end = i + 1;
    break;
  }
  let s = t.slice(0, end);
  if (s.length > MAX_TITLE) {
    const cut = s.lastIndexOf(' ', MAX_TITLE - 1);
    s = `${s.slice(0, cut > MAX_TITLE / 2 ? cut : MAX_TITLE - 1)}…`;
  }
  return s;
}
