/**
 * `go.mod`: its `require` directives (single and block form) with
 * `replace` directives applied. It states what a module asks for, not what a
 * binary was built with, so the artifact keeps these only when the image
 * has no Go binary.
 */
import type { Package } from '../../../model/package.js';
import { buildPurl } from '../../../model/purl.js';
import type { Analyzer } from '../../types.js';

function stripComment(line: string): { text: string; indirect: boolean } {
  const i = line.indexOf('//');
  return { text: (i >= 0 ? line.slice(0, i) : line).trim(), indirect: i >= 0 && /\/\/\s*indirect/.test(line.slice(i)) };
}

export const goModAnalyzer: Analyzer = {
  name: 'go-mod',
  version: 1,
  maxFileSize: 4 * 1024 * 1024,
  required: (path) => /(?:^|\/)go\.mod$/.test(path) && !/(?:^|\/)(?:vendor|pkg\/mod)\//.test(path),
  analyze(file) {
    const requires: { path: string; version: string }[] = [];
    const replaces = new Map<string, { path: string; version?: string }>();
    let block: string | undefined;
    for (const raw of file.content.toString('utf8').split(/\r?\n/).slice(0, 100_000)) {
      const { text } = stripComment(raw);
      if (!text) continue;
      if (block) {
        if (text === ')') {
          block = undefined;
          continue;
        }
      }
      const m = block
        ? [block, text]
        : /^(require|replace)\s*\($/.exec(text)
          ? ((block = text.split(/\s/)[0]), null)
          : /^(require|replace)\s+(.*)$/.exec(text)?.slice(1);
      if (!m) continue;
      const [kind, rest] = m as [string, string];
      if (kind === 'require') {
        const [path, version] = rest.split(/\s+/);
        if (path && version) requires.push({ path, version });
      } else if (kind === 'replace') {
        const r = /^(\S+)(?:\s+\S+)?\s+=>\s+(\S+)(?:\s+(\S+))?$/.exec(rest);
        if (r) replaces.set(r[1]!, { path: r[2]!, version: r[3] });
      }
    }
    const packages: Package[] = requires.map((r) => {
      const rep = replaces.get(r.path);
      const path = rep?.version ? rep.path : r.path; // a local-path replacement keeps the required identity
      const version = rep?.version ?? r.version;
      const slash = path.lastIndexOf('/');
      return {
        name: path,
        version,
        purl: buildPurl({
          type: 'golang',
          namespace: slash > 0 ? path.slice(0, slash) : undefined,
          name: path.slice(slash + 1),
          version,
        }),
        ecosystem: 'go',
        type: 'gomod',
        filePath: file.path,
        origin: 'lockfile',
      };
    });
    return { packageSets: [{ type: 'gomod', filePath: file.path, packages }] };
  },
};
