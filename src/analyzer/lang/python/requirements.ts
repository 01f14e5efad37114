/**
 * `requirements*.txt`: only exact pins (`name==version`) say what is
 * installed; ranges are reported as unpinned in a warning, never guessed.
 */
import type { Package } from '../../../model/package.js';
import type { Analyzer } from '../../types.js';
import { pypiPurl } from './metadata.js';

const REQUIREMENTS = /(?:^|\/)requirements[^/]*\.txt$/;
const PIN = /^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?\s*===?\s*([A-Za-z0-9][A-Za-z0-9.+!_-]*)\s*(?:;.*)?$/;

export const pythonRequirementsAnalyzer: Analyzer = {
  name: 'python-requirements',
  version: 1,
  maxFileSize: 4 * 1024 * 1024,
  required: (path) => REQUIREMENTS.test(path) && !path.includes('site-packages/') && !path.includes('dist-packages/'),
  analyze(file, ctx) {
    const packages: Package[] = [];
    const unpinned: string[] = [];
    const text = file.content.toString('utf8').replace(/\\\r?\n/g, ' ');
    for (const raw of text.split(/\r?\n/).slice(0, 100_000)) {
      const line = raw
        .replace(/(^|\s)#.*$/, '')
        .replace(/\s--hash=\S+/g, '')
        .trim();
      if (!line || line.startsWith('-')) continue; // options, -r/-c includes, -e editables
      const m = PIN.exec(line);
      if (m)
        packages.push({
          name: m[1]!,
          version: m[2]!,
          purl: pypiPurl(m[1]!, m[2]!),
          ecosystem: 'pypi',
          type: 'pip',
          filePath: file.path,
          origin: 'lockfile',
        });
      else unpinned.push(line.split(/[\s;<>=!~[]/)[0]!);
    }
    if (unpinned.length)
      ctx.warn(
        `${unpinned.length} requirement(s) without an exact == pin not reported: ${unpinned.slice(0, 10).join(', ')}${unpinned.length > 10 ? ', …' : ''}`,
      );
    return { packageSets: [{ type: 'pip', filePath: file.path, packages }] };
  },
};
