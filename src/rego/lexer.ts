/**
 * Rego tokens. Newlines matter in Rego (they separate a body's expressions) and so
 * does adjacency (`p[x]` is a ref, `p [x]` is not), so each token says whether a
 * newline or any space came before it. Comments are kept for `# METADATA` blocks.
 */
import { RegoError } from './errors.js';

export type TokenKind = 'ident' | 'number' | 'string' | 'rawstring' | 'punct' | 'eof';

export interface Token {
  kind: TokenKind;
  text: string;
  /** The string's decoded value, or the number's text. */
  value: string;
  row: number;
  col: number;
  offset: number;
  nlBefore: boolean;
  spaceBefore: boolean;
}

export interface Comment {
  text: string;
  row: number;
  col: number;
}

const PUNCT3: string[] = [];
const PUNCT2 = [':=', '==', '!=', '<=', '>='];
const PUNCT1 = '{}[]().,;:|&=<>+-*/%';

/** Bound on a module's size: the parser is linear, this keeps a hostile file from holding memory. */
export const MAX_MODULE_BYTES = 4 * 1024 * 1024;

export function tokenize(text: string, file: string): { tokens: Token[]; comments: Comment[] } {
  if (text.length > MAX_MODULE_BYTES) {
    throw new RegoError('rego_parse_error', `module larger than ${MAX_MODULE_BYTES} bytes`, { file, row: 1, col: 1 });
  }
  const tokens: Token[] = [];
  const comments: Comment[] = [];
  let i = 0;
  let row = 1;
  let lineStart = 0;
  let nl = true;
  let space = true;
  const fail = (msg: string, at = i): never => {
    throw new RegoError('rego_parse_error', msg, { file, row, col: at - lineStart + 1 });
  };
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\n') {
      i++;
      row++;
      lineStart = i;
      nl = true;
      space = true;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      space = true;
      continue;
    }
    if (c === '#') {
      const end = text.indexOf('\n', i);
      const stop = end < 0 ? text.length : end;
      comments.push({ text: text.slice(i + 1, stop), row, col: i - lineStart + 1 });
      i = stop;
      continue;
    }
    const start = i;
    const col = i - lineStart + 1;
    const push = (kind: TokenKind, tokText: string, value: string): void => {
      tokens.push({ kind, text: tokText, value, row, col, offset: start, nlBefore: nl, spaceBefore: space });
      nl = false;
      space = false;
    };
    if (/[A-Za-z_]/.test(c)) {
      while (i < text.length && /[A-Za-z0-9_]/.test(text[i]!)) i++;
      const word = text.slice(start, i);
      push('ident', word, word);
      continue;
    }
    if (/[0-9]/.test(c)) {
      const m = /^(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(i, i + 400));
      if (!m) fail('invalid number');
      i += m![0].length;
      if (i < text.length && /[A-Za-z_0-9]/.test(text[i]!)) fail('invalid number');
      push('number', m![0], m![0]);
      continue;
    }
    if (c === '"') {
      i++;
      let out = '';
      for (;;) {
        if (i >= text.length || text[i] === '\n') fail('non-terminated string', start);
        const d = text[i]!;
        if (d === '"') {
          i++;
          break;
        }
        if (d === '\\') {
          const e = text[i + 1];
          const simple: Record<string, string> = {
            '"': '"',
            '\\': '\\',
            '/': '/',
            b: '\b',
            f: '\f',
            n: '\n',
            r: '\r',
            t: '\t',
          };
          if (e !== undefined && e in simple) {
            out += simple[e];
            i += 2;
          } else if (e === 'u') {
            const hex = text.slice(i + 2, i + 6);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('invalid escape sequence');
            out += String.fromCharCode(parseInt(hex, 16));
            i += 6;
          } else fail('invalid escape sequence');
          continue;
        }
        out += d;
        i++;
      }
      push('string', text.slice(start, i), out);
      continue;
    }
    if (c === '`') {
      const end = text.indexOf('`', i + 1);
      if (end < 0) fail('non-terminated raw string');
      const raw = text.slice(i + 1, end);
      const startRow = row;
      for (let k = i; k < end; k++) {
        if (text[k] === '\n') {
          row++;
          lineStart = k + 1;
        }
      }
      i = end + 1;
      tokens.push({
        kind: 'rawstring',
        text: text.slice(start, i),
        value: raw,
        row: startRow,
        col,
        offset: start,
        nlBefore: nl,
        spaceBefore: space,
      });
      nl = false;
      space = false;
      continue;
    }
    const three = text.slice(i, i + 3);
    const two = text.slice(i, i + 2);
    if (PUNCT3.includes(three)) {
      i += 3;
      push('punct', three, three);
    } else if (PUNCT2.includes(two)) {
      i += 2;
      push('punct', two, two);
    } else if (PUNCT1.includes(c)) {
      i++;
      push('punct', c, c);
    } else fail(`unexpected character ${JSON.stringify(c)}`);
  }
  tokens.push({
    kind: 'eof',
    text: '',
    value: '',
    row,
    col: i - lineStart + 1,
    offset: i,
    nlBefore: true,
    spaceBefore: true,
  });
  return { tokens, comments };
}
