/**
 * YAML documents with positions, for checks that must say which lines are
 * wrong. Multi-document files are split; each value can be asked for its
 * line range.
 */
import { isMap, isScalar, isSeq, LineCounter, visit, type Document, type YAMLMap } from 'yaml';
import { parseAllUntrustedYaml, YamlNestingError } from '../../util/untrusted-yaml.js';

export interface YamlDoc {
  doc: Document;
  lines: LineCounter;
  value: unknown;
  source: SourceText;
}

const MAX_DOCS = 1000;

export function parseYamlDocs(text: string): { docs: YamlDoc[]; errors: string[] } {
  const lines = new LineCounter();
  // uniqueKeys off: the library checks each key against all earlier ones (quadratic over a mapping of
  // 100,000 services); duplicateKey() does the same check in linear time.
  let all;
  try {
    all = parseAllUntrustedYaml(text, { lineCounter: lines, uniqueKeys: false });
  } catch (e) {
    if (e instanceof YamlNestingError) return { docs: [], errors: [e.message] };
    throw e;
  }
  const list = Array.isArray(all) ? all : [all];
  const errors: string[] = [];
  const docs: YamlDoc[] = [];
  const source = new SourceText(text);
  for (const d of list.slice(0, MAX_DOCS)) {
    if (d.errors.length) {
      errors.push(d.errors[0]!.message.split('\n')[0]!);
      continue;
    }
    const dup = duplicateKey(d);
    if (dup !== undefined) {
      errors.push(`Map keys must be unique ("${dup.slice(0, 100)}" repeats)`);
      continue;
    }
    docs.push({ doc: d, lines, value: d.toJS({ maxAliasCount: 100 }) as unknown, source });
  }
  return { docs, errors };
}

/** The first key that repeats within one mapping of `doc`, if any (YAML forbids it; parsers disagree on which copy wins). */
function duplicateKey(doc: Document): string | undefined {
  let dup: string | undefined;
  visit(doc, {
    Map(_key, node) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        const k = keyText(pair.key);
        if (seen.has(k)) {
          dup = k;
          return visit.BREAK;
        }
        seen.add(k);
      }
      return undefined;
    },
  });
  return dup;
}

const keyText = (key: unknown): string => String(isScalar(key) ? key.value : key);

/** Each mapping's keys, indexed once: `doc.getIn` scans a mapping's pairs per lookup, quadratic over a Compose file of 100,000 services. */
const keyIndexes = new WeakMap<YAMLMap, Map<string, unknown>>();

function childOf(node: unknown, key: string | number): unknown {
  if (isSeq(node)) return typeof key === 'number' ? node.items[key] : undefined;
  if (!isMap(node)) return undefined;
  let index = keyIndexes.get(node);
  if (!index) {
    index = new Map();
    for (const pair of node.items) {
      const k = keyText(pair.key);
      if (!index.has(k)) index.set(k, pair.value);
    }
    keyIndexes.set(node, index);
  }
  return index.get(String(key));
}

const rangeOf = (node: unknown): [number, number, number] | undefined =>
  (node as { range?: [number, number, number] } | null | undefined)?.range;

/** 1-based start and end lines of the node at `path`, or of the nearest existing parent. */
export function linesOf(d: YamlDoc, path: (string | number)[]): { startLine: number; endLine: number } {
  let node: unknown = d.doc.contents;
  let found: unknown = rangeOf(node) ? node : undefined;
  for (const key of path) {
    node = childOf(node, key);
    if (node === undefined || node === null) break;
    if (rangeOf(node)) found = node;
  }
  const range = rangeOf(found);
  if (!range) return { startLine: 1, endLine: 1 };
  const [start, , end] = range;
  const s = d.lines.linePos(start).line;
  const e = d.lines.linePos(Math.max(start, end - 1)).line;
  return { startLine: s, endLine: Math.max(s, e) };
}

/** Most lines a snippet shows. */
const SNIPPET_LINES = 21;

/**
 * A file's text with its line starts found once, so each finding's snippet
 * costs the length of its lines: splitting the whole file per finding made
 * `customs config` quadratic (a 400 KB Dockerfile of `EXPOSE 22` took
 * minutes).
 */
export class SourceText {
  private readonly starts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  /** Lines [start, end] (1-based, at most SNIPPET_LINES of them) joined. */
  snippet(start: number, end: number): string {
    const first = Math.max(1, start);
    const last = Math.min(end, first + SNIPPET_LINES - 1, this.starts.length);
    if (first > this.starts.length || last < first) return '';
    const stop = last < this.starts.length ? this.starts[last]! - 1 : this.text.length;
    return this.text.slice(this.starts[first - 1], stop);
  }
}
