/**
 * `yarn.lock`, classic (v1: its own indented format) and berry (v2+: YAML
 * with `__metadata`). Only registry packages are inventory: workspace,
 * link, portal, file and patch entries are the project's own code. yarn
 * records no dev flag, so no entry is marked dev.
 */
import { parseUntrustedYaml } from '../../../util/untrusted-yaml.js';
import type { Package } from '../../../model/package.js';
import type { AnalyzeContext, Analyzer } from '../../types.js';
import { npmPurl, validNpmName } from './package-json.js';

const YARN_LOCK = /(?:^|\/)yarn\.lock$/;
const MAX_ENTRIES = 200_000;

/** `"@scope/a@^1.0.0"` → `@scope/a`. */
function nameOfSpec(spec: string): string {
  const s = spec.trim().replace(/^"|"$/g, '');
  const at = s.indexOf('@', 1);
  return at > 0 ? s.slice(0, at) : s;
}

function lockPackage(name: string, version: string, filePath: string): Package {
  return { name, version, purl: npmPurl(name, version), ecosystem: 'npm', type: 'yarn', filePath, origin: 'lockfile' };
}

function parseClassic(text: string, filePath: string): Package[] {
  const out: Package[] = [];
  let name: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (out.length >= MAX_ENTRIES) break;
    if (!line || line.startsWith('#')) continue;
    if (!/^\s/.test(line) && line.endsWith(':')) {
      name = nameOfSpec(line.slice(0, -1).split(',')[0]!);
      continue;
    }
    const v = /^ {2}version "?([^"\s]+)"?$/.exec(line);
    if (v && name && validNpmName(name)) {
      out.push(lockPackage(name, v[1]!, filePath));
      name = undefined;
    }
  }
  return out;
}

function parseBerry(text: string, filePath: string, ctx: AnalyzeContext): Package[] {
  let doc: Record<string, { version?: unknown; resolution?: unknown }>;
  try {
    doc = parseUntrustedYaml(text) as typeof doc;
  } catch (e) {
    ctx.warn(`not valid YAML (${(e as Error).message.split('\n')[0]})`);
    return [];
  }
  const out: Package[] = [];
  for (const [key, entry] of Object.entries(doc ?? {})) {
    if (key === '__metadata' || !entry || typeof entry !== 'object' || out.length >= MAX_ENTRIES) continue;
    const resolution = typeof entry.resolution === 'string' ? entry.resolution : '';
    const m = /^(@?[^@]+)@npm:(.+)$/.exec(resolution);
    if (!m) continue; // workspace:, link:, portal:, file:, patch: entries
    if (validNpmName(m[1]!)) out.push(lockPackage(m[1], m[2]!, filePath));
  }
  return out;
}

export const yarnLockAnalyzer: Analyzer = {
  name: 'yarn-lock',
  version: 1,
  maxFileSize: 64 * 1024 * 1024,
  required: (path) => YARN_LOCK.test(path) && !path.includes('node_modules/'),
  analyze(file, ctx) {
    const text = file.content.toString('utf8');
    const packages = /^__metadata:/m.test(text) ? parseBerry(text, file.path, ctx) : parseClassic(text, file.path);
    return { packageSets: [{ type: 'yarn', filePath: file.path, packages }] };
  },
};
