/** A plain box-drawn table for terminals; cells are single-line, long ones wrapped. */
export interface Column {
  header: string;
  max?: number;
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

export function renderTable(columns: Column[], rows: string[][]): string {
  const clean = rows.map((r) => r.map((c) => c.replace(/[\r\n\t]+/g, ' ')));
  const widths = columns.map((col, i) =>
    Math.min(col.max ?? 60, Math.max(col.header.length, ...clean.map((r) => (r[i] ?? '').length))),
  );
  const line = (l: string, m: string, r: string): string => l + widths.map((w) => '─'.repeat(w + 2)).join(m) + r;
  const rowLines = (cells: string[]): string[] => {
    const wrapped = cells.map((c, i) => wrap(c, widths[i]!));
    const height = Math.max(...wrapped.map((w) => w.length));
    const out: string[] = [];
    for (let k = 0; k < height; k++)
      out.push('│' + wrapped.map((w, i) => ` ${(w[k] ?? '').padEnd(widths[i]!)} `).join('│') + '│');
    return out;
  };
  const out = [line('┌', '┬', '┐'), ...rowLines(columns.map((c) => c.header)), line('├', '┼', '┤')];
  clean.forEach((r, i) => {
    out.push(...rowLines(r));
    if (i < clean.length - 1) out.push(line('├', '┼', '┤'));
  });
  out.push(line('└', '┴', '┘'));
  return out.join('\n');
}
