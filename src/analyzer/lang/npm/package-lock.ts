/**
 * `package-lock.json` (and `npm-shrinkwrap.json`): v1's nested
 * `dependencies` tree and v2/v3's flat `packages` map keyed by install path.
 * Lockfiles inside `node_modules` belong to dependencies and are ignored.
 */
import type { Package } from '../../../model/package.js';
import type { AnalyzeContext, Analyzer } from '../../types.js';
import { npmLicenses } from './license.js';
import { npmPurl, validNpmName } from './package-json.js';

const LOCKFILE = /(?:^|\/)(?:package-lock|npm-shrinkwrap)\.json$/;
const MAX_ENTRIES = 200_000;

interface V1Dep {
  version?: string;
  dev?: boolean;
  dependencies?: Record<string, V1Dep>;
  bundled?: boolean;
}
interface V2Entry {
  name?: string;
  version?: string;
  dev?: boolean;
  devOptional?: boolean;
  link?: boolean;
  resolved?: string;
  inBundle?: boolean;
  license?: unknown;
}

/** `node_modules/a/node_modules/@s/b` → `@s/b`. */
function nameFromPath(path: string): string | undefined {
  const i = path.lastIndexOf('node_modules/');
  return i < 0 ? undefined : path.slice(i + 'node_modules/'.length);
}

function lockPackage(name: string, version: string, filePath: string, dev: boolean): Package {
  const p: Package = {
    name,
    version,
    purl: npmPurl(name, version),
    ecosystem: 'npm',
    type: 'npm',
    filePath,
    origin: 'lockfile',
  };
  if (dev) p.dev = true;
  return p;
}

function fromV2(packages: Record<string, V2Entry>, filePath: string, ctx: AnalyzeContext): Package[] {
  const out: Package[] = [];
  const seen = new Map<string, Package>();
  for (const [path, e] of Object.entries(packages)) {
    if (out.length >= MAX_ENTRIES) {
      ctx.warn(`more than ${MAX_ENTRIES} entries; the rest is ignored`);
      break;
    }
    if (path === '' || !e || typeof e !== 'object' || e.link) continue;
    const name = e.name ?? nameFromPath(path);
    if (!path.includes('node_modules/')) continue; // workspace folders are the project's own code
    if (!validNpmName(name) || typeof e.version !== 'string' || !e.version) continue;
    // One package per name@version; it is dev-only when every copy of it is.
    const key = `${name}@${e.version}`;
    const dev = !!(e.dev || e.devOptional);
    const prev = seen.get(key);
    if (prev) {
      if (!dev) delete prev.dev;
      continue;
    }
    const p = lockPackage(name, e.version, filePath, dev);
    const lic = npmLicenses(e as Record<string, unknown>);
    if (lic.length) p.licenses = lic;
    seen.set(key, p);
    out.push(p);
  }
  return out;
}

function fromV1(deps: Record<string, V1Dep>, filePath: string, out: Package[], seen: Set<string>, depth: number): void {
  if (depth > 64) return;
  for (const [name, d] of Object.entries(deps)) {
    if (out.length >= MAX_ENTRIES) return;
    if (!d || typeof d !== 'object' || typeof d.version !== 'string') continue;
    // v1 writes git/file dependencies as URLs in `version`: they have no registry version.
    if (validNpmName(name) && /^\d/.test(d.version)) {
      const key = `${name}@${d.version}`;
      if (!seen.has(key)) {
        seen.add(key);
        out.push(lockPackage(name, d.version, filePath, !!d.dev));
      }
    }
    if (d.dependencies) fromV1(d.dependencies, filePath, out, seen, depth + 1);
  }
}

export const npmLockAnalyzer: Analyzer = {
  name: 'npm-lockfile',
  version: 1,
  maxFileSize: 64 * 1024 * 1024,
  required: (path) => LOCKFILE.test(path) && !path.includes('node_modules/'),
  analyze(file, ctx) {
    let json: { lockfileVersion?: number; packages?: Record<string, V2Entry>; dependencies?: Record<string, V1Dep> };
    try {
      json = JSON.parse(file.content.toString('utf8')) as typeof json;
    } catch (e) {
      ctx.warn(`not valid JSON (${(e as Error).message.slice(0, 100)}); skipped`);
      return undefined;
    }
    const v = json.lockfileVersion;
    if (typeof v === 'number' && v > 3)
      ctx.warn(`lockfileVersion ${v} is newer than customs knows (1-3); reading it as version 3`);
    let packages: Package[];
    if (json.packages && typeof json.packages === 'object') packages = fromV2(json.packages, file.path, ctx);
    else if (json.dependencies && typeof json.dependencies === 'object') {
      packages = [];
      fromV1(json.dependencies, file.path, packages, new Set(), 0);
    } else {
      ctx.warn('neither "packages" nor "dependencies": not an npm lockfile');
      return undefined;
    }
    return { packageSets: [{ type: 'npm', filePath: file.path, packages }] };
  },
};
