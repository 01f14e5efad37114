/**
 * `pnpm-lock.yaml`, lockfile versions 5.x (`/name/1.0.0_peer`), 6.x
 * (`/name@1.0.0(peer)`) and 9.x (`name@1.0.0`, dev-ness only through the
 * importers, so it is computed by walking the dependency graph from the
 * production roots).
 */
import { parseUntrustedYaml } from '../../../util/untrusted-yaml.js';
import type { Package } from '../../../model/package.js';
import type { Analyzer } from '../../types.js';
import { npmPurl, validNpmName } from './package-json.js';

const PNPM_LOCK = /(?:^|\/)pnpm-lock\.yaml$/;
const MAX_ENTRIES = 200_000;

interface Entry {
  dev?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}
interface Importer {
  dependencies?: Record<string, string | { version: string }>;
  optionalDependencies?: Record<string, string | { version: string }>;
  devDependencies?: Record<string, string | { version: string }>;
}
interface Lock {
  lockfileVersion?: string | number;
  packages?: Record<string, Entry>;
  snapshots?: Record<string, Entry>;
  importers?: Record<string, Importer>;
  dependencies?: Importer['dependencies'];
  devDependencies?: Importer['devDependencies'];
}

/** Package key → name and version, for every lockfile generation. */
export function parsePnpmKey(key: string): { name: string; version: string } | undefined {
  const k = key.replace(/^\//, '').replace(/\(.*$/, '');
  const at = k.indexOf('@', 1);
  if (at > 0) return { name: k.slice(0, at), version: k.slice(at + 1) };
  // v5: name/version, scoped @s/name/version, peers after `_`
  const slash = k.lastIndexOf('/');
  if (slash <= 0) return undefined;
  return { name: k.slice(0, slash), version: k.slice(slash + 1).replace(/_.*$/, '') };
}

function versionOf(v: string | { version: string }): string {
  return typeof v === 'string' ? v : v.version;
}

/** v9 has no `dev` flag: whatever production roots reach is production, the rest is dev. */
function productionKeys(lock: Lock): Set<string> {
  const graph = lock.snapshots ?? lock.packages ?? {};
  const seen = new Set<string>();
  const queue: string[] = [];
  for (const imp of Object.values(lock.importers ?? {})) {
    for (const [n, v] of Object.entries({ ...imp.dependencies, ...imp.optionalDependencies }))
      queue.push(`${n}@${versionOf(v)}`);
  }
  while (queue.length && seen.size < MAX_ENTRIES) {
    const k = queue.pop()!;
    if (seen.has(k)) continue;
    seen.add(k);
    const e = graph[k];
    for (const [n, v] of Object.entries({ ...e?.dependencies, ...e?.optionalDependencies })) queue.push(`${n}@${v}`);
  }
  return new Set([...seen].map((k) => k.replace(/\(.*$/, '')));
}

export const pnpmLockAnalyzer: Analyzer = {
  name: 'pnpm-lock',
  version: 1,
  maxFileSize: 64 * 1024 * 1024,
  required: (path) => PNPM_LOCK.test(path) && !path.includes('node_modules/'),
  analyze(file, ctx) {
    let lock: Lock;
    try {
      lock = parseUntrustedYaml(file.content.toString('utf8')) as Lock;
    } catch (e) {
      ctx.warn(`not valid YAML (${(e as Error).message.split('\n')[0]})`);
      return undefined;
    }
    const major = Number(String(lock?.lockfileVersion ?? '0').split('.')[0]);
    if (major > 9) ctx.warn(`lockfileVersion ${lock.lockfileVersion} is newer than customs knows (5-9); read as 9`);
    const prod = major >= 9 ? productionKeys(lock) : undefined;
    const packages: Package[] = [];
    for (const [key, e] of Object.entries(lock?.packages ?? {}).slice(0, MAX_ENTRIES)) {
      const id = parsePnpmKey(key);
      if (!id || !validNpmName(id.name) || !/^\d/.test(id.version)) continue;
      const dev = prod ? !prod.has(`${id.name}@${id.version}`) : e?.dev === true;
      const p: Package = {
        name: id.name,
        version: id.version,
        purl: npmPurl(id.name, id.version),
        ecosystem: 'npm',
        type: 'pnpm',
        filePath: file.path,
        origin: 'lockfile',
      };
      if (dev) p.dev = true;
      packages.push(p);
    }
    return { packageSets: [{ type: 'pnpm', filePath: file.path, packages }] };
  },
};
