/**
 * YAML documents with positions, for checks that must say which lines are
 * wrong. Multi-document files are split; each value can be asked for its
 * line range.
 */
import { isMap, isSeq, LineCounter, parseAllDocuments, type Document, type Node } from 'yaml';

export interface YamlDoc { doc: Document; lines: LineCounter; value: unknown }

const MAX_DOCS = 1000;

export function parseYamlDocs(text: string): { docs: YamlDoc[]; errors: string[] } {
  const lines = new LineCounter();
  const all = parseAllDocuments(text, { lineCounter: lines });
  const list = Array.isArray(all) ? all : [all];
  const errors: string[] = [];
  const docs: YamlDoc[] = [];
  for (const d of list.slice(0, MAX_DOCS)) {
    if (d.errors.length) { errors.push(d.errors[0]!.message.split('\n')[0]!); continue; }
    docs.push({ doc: d, lines, value: d.toJS({ maxAliasCount: 100 }) as unknown });
  }
  return { docs, errors };
}

/** 1-based start and end lines of the node at `path`, or of the nearest existing parent. */
export function linesOf(d: YamlDoc, path: (string | number)[]): { startLine: number; endLine: number } {
  for (let n = path.length; n >= 0; n--) {
    const node = d.doc.getIn(path.slice(0, n), true) as Node | undefined;
    if (node && (node as { range?: [number, number, number] }).range) {
      const [start, , end] = (node as { range: [number, number, number] }).range;
      const s = d.lines.linePos(start).line;
      let e = d.lines.linePos(Math.max(start, end - 1)).line;
      if (isMap(node) || isSeq(node)) e = Math.max(s, e);
      return { startLine: s, endLine: Math.max(s, e) };
    }
  }
  return { startLine: 1, endLine: 1 };
}

/** The source lines [start, end] joined, for the finding's snippet. */
export function snippet(text: string, start: number, end: number): string {
  return text.split('\n').slice(start - 1, Math.min(end, start + 20)).join('\n');
}
