/** A plain box-drawn table for terminals; cells are single-line, long ones wrapped. */
export interface Column {
  header: string;
  max?: number;
  /** Colours a cell's text (already padded: escape codes do not count in the width). */
  paint?: (text: string, cell: string) => string;
}

export interface TableOptions {
  /**
   * One key per row: the first column's cell is merged down over following
   * rows with the same key, as Trivy merges a package over its findings:
   * written once, with the row lines below it left open.
   */
  mergeKeys?: string[];
}

function wrap(text: string, width: number): string[] {
  if (text.length <= width) return [text];
  const out: string[] = [];
  let rest = text;
  while (rest.length > width) {
    let cut = rest.lastIndexOf(' ', width);
    if (cut <= 0) cut = width;
    out.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest) out.push(rest);
  return out;
}

export function renderTable(columns: Column[], rows: string[][], opts: TableOptions = {}): string {
  const clean = rows.map((r) => r.map((c) => c.replace(/[\r\n\t]+/g, ' ')));
  const widths = columns.map((col, i) =>
    Math.min(col.max ?? 60, Math.max(col.header.length, ...clean.map((r) => (r[i] ?? '').length))),
  );
  const line = (l: string, m: string, r: string): string => l + widths.map((w) => '─'.repeat(w + 2)).join(m) + r;
  /** The line between two rows whose first cells are merged: open under the first column. */
  const openLine = (): string =>
    `│${' '.repeat(widths[0]! + 2)}├` +
    widths
      .slice(1)
      .map((w) => '─'.repeat(w + 2))
      .join('┼') +
    '┤';
  const rowLines = (cells: string[], paint: boolean): string[] => {
    const wrapped = cells.map((c, i) => wrap(c, widths[i]!));
    const height = Math.max(...wrapped.map((w) => w.length));
    const out: string[] = [];
    for (let k = 0; k < height; k++)
      out.push(
        '│' +
          wrapped
            .map((w, i) => {
              const text = ` ${(w[k] ?? '').padEnd(widths[i]!)} `;
              const p = paint ? columns[i]!.paint : undefined;
              return p && w[k] ? p(text, cells[i]!) : text;
            })
            .join('│') +
          '│',
      );
    return out;
  };
  const out = [
    line('┌', '┬', '┐'),
    ...rowLines(
      columns.map((c) => c.header),
      false,
    ),
    line('├', '┼', '┤'),
  ];
  const keys = opts.mergeKeys;
  const merged = (i: number): boolean => keys !== undefined && i > 0 && keys[i] === keys[i - 1];
  clean.forEach((r, i) => {
    out.push(...rowLines(merged(i) ? ['', ...r.slice(1)] : r, true));
    if (i < clean.length - 1) out.push(merged(i + 1) ? openLine() : line('├', '┼', '┤'));
  });
  out.push(line('└', '┴', '┘'));
  return out.join('\n');
}
