/**
 * Installed gems: `specifications/*.gemspec` (and `specifications/default/`
 * for Ruby's default gems). These are Ruby source; they are read with
 * bounded patterns for the name/version/licence assignments, never run.
 */
import type { Package } from '../../../model/package.js';
import { buildPurl } from '../../../model/purl.js';
import type { Analyzer } from '../../types.js';

const GEMSPEC = /(?:^|\/)specifications\/(?:default\/)?[^/]+\.gemspec$/;

function stringOf(text: string, field: string): string | undefined {
  // Horizontal space only: `^\s*` under the m flag rescans every following blank line from each line start,
  // so a gemspec of 1 MiB of newlines took minutes (quadratic); `[ \t]*` is linear.
  const re = new RegExp(
    `^[ \\t]*\\w+\\.${field}[ \\t]*=[ \\t]*(?:Gem::Version\\.new\\()?["']([^"'\\n]{1,200})["']`,
    'm',
  );
  return re.exec(text)?.[1];
}

function licensesOf(text: string): string[] {
  const list = /^[ \t]*\w+\.licenses?[ \t]*=[ \t]*\[?([^\n\]]{0,500})\]?/m.exec(text)?.[1];
  if (!list) return [];
  return [...list.matchAll(/["']([^"']{1,100})["']/g)].map((m) => m[1]!);
}

export const gemspecAnalyzer: Analyzer = {
  name: 'ruby-gemspec',
  version: 1,
  maxFileSize: 1024 * 1024,
  required: (path) => GEMSPEC.test(path),
  analyze(file, ctx) {
    const text = file.content.toString('utf8');
    // rubygems writes `# stub: NAME VERSION PLATFORM REQUIRE_PATHS` first; the assignments confirm it.
    const stub = /^# stub: (\S+) (\S+)/m.exec(text);
    const name = stringOf(text, 'name') ?? stub?.[1];
    const version = stringOf(text, 'version') ?? stub?.[2];
    if (!name || !version || !/^[0-9]/.test(version)) {
      ctx.warn('no literal name and version in the gemspec; skipped');
      return undefined;
    }
    const pkg: Package = {
      name,
      version,
      purl: buildPurl({ type: 'gem', name, version }),
      ecosystem: 'rubygems',
      type: 'gemspec',
      filePath: file.path,
      origin: 'installed',
    };
    const lic = licensesOf(text);
    if (lic.length) pkg.licenses = lic;
    return { packageSets: [{ type: 'gemspec', filePath: file.path, packages: [pkg] }] };
  },
};
