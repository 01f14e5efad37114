/**
 * JUnit XML: a test suite per result target, a test case per finding that
 * fails with the finding's text (a target without findings is one passing
 * case), so CI test views show what blocks the build.
 */
import type { Report } from '../../model/report.js';
import { flattenFindings } from './findings.js';
import type { FormatOptions } from './options.js';

function xml(s: string): string {
  // XML 1.0 has no representation for most control characters (its Char production): drop them.
  return (
    s
      // eslint-disable-next-line no-control-regex
      .replace(/[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
  );
}

export function renderJunit(report: Report, opts: FormatOptions): string {
  const suites: string[] = [];
  let total = 0,
    failures = 0;
  for (const r of report.results) {
    // Per result, not per target: a licence result shares its target with the package result it came from.
    const mine = flattenFindings({ ...report, results: [r] });
    const cases = mine.length
      ? mine.map(
          (f) =>
            `    <testcase classname="${xml(r.target)}" name="[${f.severity}] ${xml(f.pkg ? `${f.pkg.name}@${f.pkg.version} ${f.ruleId}` : f.ruleId)}" time="0">\n      <failure message="${xml(f.title)}" type="${f.severity}">${xml(f.message)}</failure>\n    </testcase>`,
        )
      : [`    <testcase classname="${xml(r.target)}" name="${xml(r.type || r.class)}" time="0"/>`];
    total += cases.length;
    failures += mine.length;
    suites.push(
      `  <testsuite name="${xml(r.target)}" tests="${cases.length}" failures="${mine.length}" errors="0" skipped="0" time="0">\n${cases.join('\n')}\n  </testsuite>`,
    );
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${xml(`${opts.toolName} ${report.artifactName}`)}" tests="${total}" failures="${failures}" errors="0" time="0">\n${suites.join('\n')}\n</testsuites>\n`;
}
