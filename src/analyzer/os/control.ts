/**
 * Debian control-file syntax (deb822): paragraphs of `Field: value` lines,
 * continuation lines starting with whitespace, blank lines between
 * paragraphs. Bounded: a paragraph over the cap is reported and skipped.
 */
export interface Paragraph {
  fields: Map<string, string>;
  /** 1-based line where the paragraph starts, for messages. */
  line: number;
}

export interface ParseLimits { maxParagraphs: number; maxParagraphBytes: number }
export const defaultControlLimits: ParseLimits = { maxParagraphs: 200_000, maxParagraphBytes: 1024 * 1024 };

export function parseControl(text: string, warn: (m: string) => void, limits: ParseLimits = defaultControlLimits): Paragraph[] {
  const out: Paragraph[] = [];
  const lines = text.split('\n');
  let fields = new Map<string, string>();
  let start = 0;
  let bytes = 0;
  let last: string | undefined;
  let broken = false;
  const flush = (): void => {
    if (fields.size && !broken) out.push({ fields, line: start + 1 });
    fields = new Map();
    bytes = 0;
    last = undefined;
    broken = false;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, '');
    if (line.trim() === '') { flush(); start = i + 1; continue; }
    if (out.length >= limits.maxParagraphs) { warn(`more than ${limits.maxParagraphs} paragraphs; the rest is ignored`); return out; }
    if (broken) continue;
    bytes += line.length + 1;
    if (bytes > limits.maxParagraphBytes) {
      warn(`paragraph at line ${start + 1} is larger than ${limits.maxParagraphBytes} bytes; skipped`);
      broken = true;
      continue;
    }
    if (line.startsWith(' ') || line.startsWith('\t')) {
      if (last === undefined) { warn(`line ${i + 1}: continuation line outside a field; paragraph skipped`); broken = true; continue; }
      fields.set(last, `${fields.get(last)}\n${line.slice(1)}`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0 || /\s/.test(line.slice(0, colon))) {
      warn(`line ${i + 1}: not a "Field: value" line; paragraph skipped`);
      broken = true;
      continue;
    }
    last = line.slice(0, colon);
    fields.set(last, line.slice(colon + 1).trim());
  }
  flush();
  return out;
}
