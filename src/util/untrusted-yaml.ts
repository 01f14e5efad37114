/**
 * YAML from strangers (lockfiles in images, manifests and ignore files in
 * the repository being scanned) parsed with bounds the yaml library does not
 * set itself: aliases expand at most 100 times, and flow collections (`[`,
 * `{`) nest at most MAX_FLOW_DEPTH deep. Deeper nesting recurses in the
 * parser: a thousand `[` overflowed the stack, two thousand ended the whole
 * process with a fatal out-of-memory error in V8's regex compiler, and
 * nested flow maps of quotes ran for minutes. The check counts every bracket,
 * quoted or not: it can refuse a file whose strings hold long runs of
 * unmatched brackets, never miss a deep one.
 */
import { parse, parseAllDocuments, type DocumentOptions, type ParseOptions, type SchemaOptions } from 'yaml';

export const MAX_FLOW_DEPTH = 64;

export class YamlNestingError extends Error {}

/** Throws when `[`/`{` open more than MAX_FLOW_DEPTH deep anywhere in the text. Linear. */
export function checkFlowNesting(text: string): void {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) {
      if (++depth > MAX_FLOW_DEPTH) {
        throw new YamlNestingError(`brackets nest more than ${MAX_FLOW_DEPTH} deep (at offset ${i}); not parsed`);
      }
    } else if ((c === 0x5d || c === 0x7d) && depth > 0) depth--;
  }
}

export function parseUntrustedYaml(text: string): unknown {
  checkFlowNesting(text);
  return parse(text, { maxAliasCount: 100 });
}

export function parseAllUntrustedYaml(
  text: string,
  options: ParseOptions & DocumentOptions & SchemaOptions,
): ReturnType<typeof parseAllDocuments> {
  checkFlowNesting(text);
  return parseAllDocuments(text, options);
}
