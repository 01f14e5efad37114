/**
 * A throwaway root for one customs run: HOME, TMPDIR, the working dir and
 * the cache all live inside it, so a snapshot of the root before and after
 * shows every file the run created or changed outside its cache.
 */
import { mkdirSync, mkdtempSync, readdirSync, lstatSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

export interface Sandbox {
  root: string;
  home: string;
  work: string;
  tmp: string;
  cache: string;
  env: Record<string, string>;
}

export function makeSandbox(): Sandbox {
  const root = mkdtempSync(join(tmpdir(), 'customs-sandbox-'));
  const s = {
    root,
    home: join(root, 'home'),
    work: join(root, 'work'),
    tmp: join(root, 'tmp'),
    cache: join(root, 'cache'),
  };
  for (const d of [s.home, s.work, s.tmp]) mkdirSync(d);
  return {
    ...s,
    env: {
      HOME: s.home,
      TMPDIR: s.tmp,
      XDG_CACHE_HOME: join(s.home, '.cache'),
      CUSTOMS_CACHE_DIR: s.cache,
      DOCKER_CONFIG: join(s.home, '.docker'),
    },
  };
}

/** Every path under `dir` with its kind, size and mtime; `skip` names subtrees left out. */
export function snapshot(dir: string, skip: string[] = []): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (skip.includes(p)) continue;
      const st = lstatSync(p);
      out.set(
        relative(dir, p),
        `${st.isDirectory() ? 'd' : st.isSymbolicLink() ? 'l' : 'f'} ${st.isDirectory() ? 0 : st.size} ${st.mtimeMs}`,
      );
      if (st.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out;
}

export function diffSnapshots(before: Map<string, string>, after: Map<string, string>): string[] {
  const changes: string[] = [];
  for (const [p, v] of after) if (before.get(p) !== v) changes.push(`${before.has(p) ? 'changed' : 'created'}: ${p}`);
  for (const p of before.keys()) if (!after.has(p)) changes.push(`removed: ${p}`);
  return changes;
}

/** Paths in the cache that are not customs' own hashed names: an image path leaking into it. */
export function foreignCachePaths(cache: string): string[] {
  const allowed = [/^layers(\/[0-9a-f]{2}(\/[0-9a-f]{64}\.json)?)?$/, /^db(\/[\w.-]+)*$/];
  return [...snapshot(cache).keys()].filter((p) => !allowed.some((re) => re.test(p)));
}

export function removeSandbox(s: Sandbox): void {
  rmSync(s.root, { recursive: true, force: true });
}
