/** Cell contents of the table format: severity colours and a layer's build step, shortened. */
import type { Severity } from '../../model/report.js';

/** Trivy's severity colours (its table uses the same SGR codes). */
const SGR: Record<Severity, string> = {
  CRITICAL: '31', // red
  HIGH: '91', // bright red
  MEDIUM: '33', // yellow
  LOW: '34', // blue
  UNKNOWN: '36', // cyan
};

export function paint(text: string, severity: Severity): string {
  return `\x1b[${SGR[severity]}m${text}\x1b[0m`;
}

/** Paints a severity cell by its own value; other text is left alone. */
export function paintSeverity(text: string, cell: string): string {
  return cell in SGR ? paint(text, cell as Severity) : text;
}

const MAX_STEP = 38;

/**
 * A history line as a person reads it: `/bin/sh -c #(nop)  ADD file:… in /`
 * → `ADD file:… in /`, `/bin/sh -c apt-get install …` → `RUN apt-get install …`,
 * BuildKit's `RUN /bin/sh -c … # buildkit` → `RUN …`; cut to fit a column.
 */
export function shortCreatedBy(createdBy: string): string {
  // History lines come from the image: only the start can show, so only the start is looked at.
  let s = createdBy.slice(0, 1024).trim().replace(/\s+/g, ' ');
  s = s.replace(/ # buildkit$/, '');
  // `|2 A=1 B=2 /bin/sh -c …`: the build args BuildKit records before the command.
  s = s.replace(/^\|\d+ (?:[^\s=]+=\S* )*/, '');
  const nop = /^\/bin\/sh -c #\(nop\) ?(.*)$/.exec(s);
  if (nop) s = nop[1]!.trim();
  else if (s.startsWith('/bin/sh -c ')) s = `RUN ${s.slice('/bin/sh -c '.length)}`;
  else s = s.replace(/^RUN \/bin\/sh -c /, 'RUN ');
  // `ADD file:77d437ce285f3686b6792f3ef904e6a5… in /`: a digest reads as well from its first 12 digits.
  s = s.replace(/\b([0-9a-f]{12})[0-9a-f]{20,}\b/g, '$1');
  return s.length > MAX_STEP ? `${s.slice(0, MAX_STEP - 1)}…` : s;
}
