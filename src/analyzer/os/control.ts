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

export interface ParseLimits {
  maxParagraphs: number;
  maxParagraphBytes: number;
}
export const defaultControlLimits: ParseLimits = { maxParagraphs: 200_000, maxParagraphBytes: 1024 * 1024 };

/**
 * Yields paragraphs one at a time (a status file of 100,000 packages is never
 * held as 100,000 field maps) and walks lines without splitting the text.
 */
export function* parseControl(
  text: string,
  warn: (m: string) => void,
  limits: ParseLimits = defaultControlLimits,
): Generator<Paragraph> {
  let fields = new Map<string, string>();
  let start = 0;
  let bytes = 0;
  let last: string | undefined;
  let broken = false;
  let yielded = 0;
  const take = (): Paragraph | undefined => {
    const p = fields.size && !broken ? { fields, line: start + 1 } : undefined;
    fields = new Map();
    bytes = 0;
    last = undefined;
    broken = false;
    return p;
  };
  for (let i = 0, pos = 0; pos <= text.length; i++) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    const line = text.slice(pos, end > pos && text.charCodeAt(end - 1) === 13 ? end - 1 : end);
    pos = end + 1;
    if (line.trim() === '') {
      const p = take();
      start = i + 1;
      if (p) {
        yield p;
        yielded++;
      }
      continue;
    }
    if (yielded >= limits.maxParagraphs) {
      warn(`more than ${limits.maxParagraphs} paragraphs; the rest is ignored`);
      return;
    }
    if (broken) continue;
    bytes += line.length + 1;
    if (bytes > limits.maxParagraphBytes) {
      warn(`paragraph at line ${start + 1} is larger than ${limits.maxParagraphBytes} bytes; skipped`);
      broken = true;
      continue;
    }
    if (line.startsWith(' ') || line.startsWith('\t')) {
      if (last === undefined) {
        warn(`line ${i + 1}: continuation line outside a field; paragraph skipped`);
        broken = true;
        continue;
      }
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
  const p = take();
  if (p) yield p;
}
