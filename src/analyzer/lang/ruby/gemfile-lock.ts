/**
 * `Gemfile.lock`: the `specs:` entries of its GEM, GIT and PATH sections
 * (`    name (version[-platform])`, four spaces); deeper lines are their
 * dependencies. A lockfile from a newer Bundler is read the same way.
 */
import type { Package } from '../../../model/package.js';
import { buildPurl } from '../../../model/purl.js';
import type { Analyzer } from '../../types.js';

const LOCK = /(?:^|\/)Gemfile\.lock$/;
const SPEC = /^ {4}([A-Za-z0-9][A-Za-z0-9._-]*) \(([0-9][^)\s]*)\)$/;
const DEP = /^ {6}([A-Za-z0-9][A-Za-z0-9._-]*)(?: \(|$)/;

export const gemfileLockAnalyzer: Analyzer = {
  name: 'ruby-gemfile-lock',
  version: 1,
  maxFileSize: 8 * 1024 * 1024,
  required: (path) => LOCK.test(path) && !/(?:^|\/)gems\/[^/]+\//.test(path),
  analyze(file) {
    const packages: Package[] = [];
    let section = '';
    let inSpecs = false;
    let current: Package | undefined;
    for (const line of file.content.toString('utf8').split(/\r?\n/).slice(0, 200_000)) {
      if (/^[A-Z]/.test(line)) {
        section = line.trim();
        inSpecs = false;
        current = undefined;
        continue;
      }
      if (line === '  specs:') {
        inSpecs = ['GEM', 'GIT', 'PATH'].includes(section);
        continue;
      }
      if (!inSpecs) continue;
      const spec = SPEC.exec(line);
      if (spec) {
        // `nokogiri (1.10.3-x86_64-linux)`: the platform is not part of the version.
        const version = spec[2]!.replace(
          /-(?:x86|x64|arm|aarch|java|universal|mingw|mswin|darwin|linux)[^-]*(?:-.*)?$/,
          '',
        );
        current = {
          name: spec[1]!,
          version,
          purl: buildPurl({ type: 'gem', name: spec[1]!, version }),
          ecosystem: 'rubygems',
          type: 'bundler',
          filePath: file.path,
          origin: 'lockfile',
        };
        packages.push(current);
        continue;
      }
      const dep = DEP.exec(line);
      if (dep && current) (current.dependsOn ??= []).push(dep[1]!);
    }
    return { packageSets: [{ type: 'bundler', filePath: file.path, packages }] };
  },
};
