/**
 * `--format template --template @FILE|TEXT`: a Handlebars template rendered
 * over the JSON report (the same fields as `--format json`). Templates are
 * the user's own files: compiled with Handlebars' strict mode off and no
 * prototype access, so a template cannot reach into the runtime.
 *
 * Every string in the report can come from the image (package names,
 * paths, titles, the image name itself), and templates mostly make HTML:
 * `{{x}}` is HTML-escaped (Handlebars' default), `{{json x}}` gives JSON
 * that is also safe inside HTML and <script>; only the explicit triple
 * stash `{{{x}}}` prints a value raw.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Report } from '../../model/report.js';
import { UserError } from '../../util/errors.js';
import { renderJson } from './json.js';

export function loadTemplate(spec: string | undefined): string {
  if (!spec) throw new UserError('--format template needs --template @FILE (or the template text)');
  if (!spec.startsWith('@')) return spec;
  try {
    return readFileSync(spec.slice(1), 'utf8');
  } catch (e) {
    throw new UserError(`${spec.slice(1)}: cannot read the template (${(e as Error).message})`);
  }
}

// Loaded on first use: most scans never render a template, and start-up time is part of every scan.
const require = createRequire(import.meta.url);

/** JSON with <, >, & and the JS line separators as \u escapes: the same value, but inert inside HTML and <script>. */
export function htmlSafeJson(v: unknown): string {
  return (JSON.stringify(v) ?? 'null').replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * Handlebars' parse errors span lines (the message, the source line, a caret,
 * what it expected): one line with the first and the last, which says what
 * was expected where.
 */
function parseErrorLine(e: unknown): string {
  const lines = (e as Error).message.split('\n').filter((l) => l.trim() !== '');
  if (lines.length <= 1) return lines[0] ?? String(e);
  return `${lines[0]!.replace(/:$/, '')}: ${lines[lines.length - 1]}`;
}

/** Parses a template without rendering it, so a broken one fails before the scan, not after. */
export function checkTemplate(template: string): void {
  try {
    (require('handlebars') as typeof import('handlebars')).parse(template);
  } catch (e) {
    throw new UserError(`template: ${parseErrorLine(e)}`, 'fix the Handlebars template');
  }
}

export function renderTemplate(report: Report, template: string, listAllPkgs: boolean): string {
  const hb = (require('handlebars') as typeof import('handlebars')).create();
  hb.registerHelper('json', (v: unknown) => new hb.SafeString(htmlSafeJson(v)));
  hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  hb.registerHelper('len', (v: unknown) => (Array.isArray(v) ? v.length : 0));
  let compiled: ReturnType<typeof hb.compile>;
  try {
    compiled = hb.compile(template);
  } catch (e) {
    throw new UserError(`template: ${parseErrorLine(e)}`);
  }
  try {
    return compiled(JSON.parse(renderJson(report, { listAllPkgs })) as unknown, {
      allowProtoPropertiesByDefault: false,
      allowProtoMethodsByDefault: false,
    });
  } catch (e) {
    throw new UserError(`template: ${(e as Error).message.split('\n')[0]}`);
  }
}
