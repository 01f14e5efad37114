/**
 * PEM private keys found without a backtracking regex: each `-----BEGIN`
 * is located with indexOf, its header checked by a bounded sticky regex,
 * and the body is what lies between the header and the first `-----END`
 * after it. Every character of the text is examined a bounded number of
 * times, whatever the input (thousands of BEGIN lines, no END, long runs
 * of whitespace), so the time is linear in the text.
 */
import type { RawSecret } from './raw-secret.js';

/** At most ~120 characters from its start: bounded work per BEGIN. */
const HEADER = /-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----/y;
const FOOTER = /-----END[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----/y;
/** A key body is shorter than this only in examples. */
const MIN_BODY = 64;

/** Base64, whitespace and the `Proc-Type: 4,ENCRYPTED` header lines of old PEM. */
const BODY = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=:,- \t\r\n\v\f')
  BODY[c.charCodeAt(0)] = 1;
const isBody = (code: number): boolean => code < 128 && BODY[code] === 1;
const isSpace = (code: number): boolean => code === 32 || (code >= 9 && code <= 13);

export function* findPrivateKeys(text: string): Generator<RawSecret> {
  // Memos that keep the scan linear: the first END at or after `endFrom`, and
  // the first non-body character at or after `badFrom`. Candidates are met
  // in increasing order, so each memo is reused until a candidate passes it.
  let endFrom = -1,
    endAt = -1;
  let badFrom = -1,
    badAt = -1;
  let from = 0;
  for (;;) {
    const begin = text.indexOf('-----BEGIN', from);
    if (begin < 0) return;
    HEADER.lastIndex = begin;
    if (!HEADER.test(text)) {
      from = begin + 1;
      continue;
    }
    const bodyStart = HEADER.lastIndex;
    if (!(bodyStart >= endFrom && bodyStart <= endAt)) {
      endFrom = bodyStart;
      endAt = text.indexOf('-----END', bodyStart);
    }
    if (endAt < 0) return; // no END after this one: none after any later BEGIN either
    if (!(bodyStart >= badFrom && bodyStart <= badAt)) {
      badFrom = bodyStart;
      badAt = bodyStart;
      while (badAt < endAt && isBody(text.charCodeAt(badAt))) badAt++;
    }
    if (badAt < endAt) {
      from = begin + 1;
      continue;
    } // a character no key body holds
    // Every BEGIN before endAt shares this END and a shorter body: if this one fails, they fail.
    FOOTER.lastIndex = endAt;
    const footerOk = FOOTER.test(text);
    const footerEnd = FOOTER.lastIndex;
    let s = bodyStart,
      e = endAt;
    while (s < e && isSpace(text.charCodeAt(s))) s++;
    while (e > s && isSpace(text.charCodeAt(e - 1))) e--;
    if (!footerOk || e - s < MIN_BODY) {
      from = endAt + 1;
      continue;
    }
    // The span starts right after the header, so the finding's line is the BEGIN line, as Trivy's.
    yield { start: bodyStart, end: e, secret: text.slice(s, e) };
    from = footerEnd;
  }
}
