/**
 * Secret values out of the report model, whichever scanners ran: values the
 * rules flag in the image config (which reaches the report as
 * `Metadata.ImageConfig`, layers' `created_by`, titles) and in file paths
 * (a file named after a token becomes a result's Target, a package's
 * FilePath, a warning). Masking the model before it is rendered covers
 * every format and its own escaping; run-scan also masks the rendered text.
 */
import type { Report } from '../../model/report.js';
import type { SecretMatcher } from './matcher.js';
import { timedOutWarning } from './matcher.js';

/** Every path the report names: result targets, package files, layer-less warnings are plain text and walked by redactReport. */
function reportPaths(report: Report): string[] {
  const paths = new Set<string>();
  for (const r of report.results) {
    paths.add(r.target);
    for (const p of r.packages ?? []) if (p.filePath) paths.add(p.filePath);
  }
  return [...paths];
}

/** Secret values in the report's paths, by the scan's rules. */
export async function pathSecretValues(
  report: Report,
  matcher: SecretMatcher,
): Promise<{ values: string[]; warnings: string[] }> {
  const paths = reportPaths(report);
  if (!paths.length) return { values: [], warnings: [] };
  // One text, one line per path: rules anchored on line starts see each path alone.
  const found = await matcher.find(paths.join('\n'));
  if ('timedOut' in found) return { values: [], warnings: [`file paths: ${timedOutWarning(found.timedOut)}`] };
  return { values: [...new Set(found.map((s) => s.secret))], warnings: [] };
}

/** `text` with every value starred, longest values first (a value inside a longer one is masked with it). */
export function maskValues(text: string, values: string[]): string {
  let out = text;
  for (const v of values) if (out.includes(v)) out = out.split(v).join('*'.repeat(v.length));
  return out;
}

/** A copy of the report with every value masked in every string (keys included); the report itself is untouched. */
export function redactReport(report: Report, values: string[]): Report {
  if (!values.length) return report;
  const sorted = [...new Set(values)].filter(Boolean).sort((a, b) => b.length - a.length);
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return maskValues(v, sorted);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object' && [Object.prototype, null].includes(Object.getPrototypeOf(v) as object | null)) {
      const o: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) o[maskValues(k, sorted)] = walk(x);
      return o;
    }
    return v;
  };
  return walk(report) as Report;
}
