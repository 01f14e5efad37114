/**
 * Go binaries: their modules (main module, dependencies with replacements
 * applied) and the Go toolchain as the `stdlib` pseudo-module, so toolchain
 * advisories match. Nothing from the binary is executed.
 */
import type { Package } from '../../../model/package.js';
import { buildPurl } from '../../../model/purl.js';
import type { Analyzer } from '../../types.js';
import { MiB } from '../../types.js';
import { isElf, parseModinfo, readBuildInfo } from './buildinfo.js';

function goPackage(name: string, version: string, filePath: string): Package {
  return {
    name,
    version,
    purl: buildPurl({
      type: 'golang',
      namespace: name.includes('/') ? name.slice(0, name.lastIndexOf('/')) : undefined,
      name: name.slice(name.lastIndexOf('/') + 1),
      version,
    }),
    ecosystem: 'go',
    type: 'gobinary',
    filePath,
    origin: 'installed',
  };
}

export const goBinaryAnalyzer: Analyzer = {
  name: 'go-binary',
  version: 1,
  maxFileSize: 256 * MiB,
  required: (_path, info) => (info.mode & 0o111) !== 0 && info.size > 1024,
  analyze(file, ctx) {
    if (!isElf(file.content)) return undefined;
    let info;
    try {
      info = readBuildInfo(file.content);
    } catch (e) {
      ctx.warn(`Go build info unreadable: ${(e as Error).message}`);
      return undefined;
    }
    if (!info) return undefined;
    const packages: Package[] = [];
    for (const m of parseModinfo(info.modinfo)) {
      // `(devel)` main modules have no version to match; they are still inventory.
      if (m.kind === 'path' || !m.version) continue;
      packages.push(goPackage(m.path, m.version, file.path));
    }
    const tool = /^go(\d+\.\d+(?:\.\d+)?(?:(?:rc|beta)\d+)?)/.exec(info.goVersion);
    if (tool) packages.push(goPackage('stdlib', tool[1]!, file.path));
    return { packageSets: [{ type: 'gobinary', filePath: file.path, packages }] };
  },
};
