/**
 * Matched findings, cached beside the layer facts: what matching makes of an
 * inventory depends only on the packages, the OS, the options, the code that
 * matches and the database build. A rescan of the same image (or of any
 * image with the same inventory) with the same database reads its findings
 * back instead of matching again; a new database build, a changed package,
 * other options or another build of customs make a new key, so nothing
 * stale is ever read.
 */
import { createHash } from 'node:crypto';
import type { OSInfo } from '../model/os.js';
import type { Package } from '../model/package.js';
import type { MatchOptions, MatchOutput } from '../detect/vuln/matcher.js';
import type { LayerCache } from '../artifact/layer-cache.js';
import { codeIdentity } from '../util/code-identity.js';

export function findingsKey(
  dbIdentity: string,
  packages: Package[],
  os: OSInfo | undefined,
  opts: MatchOptions,
): string {
  // Fields matching never reads, some of them long, are left out of the key.
  const matched = packages.map(({ dependsOn, licenses, maintainer, ...rest }) => rest);
  const inventory = createHash('sha256')
    .update(JSON.stringify([os ?? null, matched]))
    .digest('hex');
  return `findings\0${codeIdentity()}\0${dbIdentity}\0${JSON.stringify(opts)}\0${inventory}`;
}

/** The cached output under `key`, or `match()`'s, stored for next time. */
export function cachedMatch(cache: LayerCache, key: string, match: () => MatchOutput): MatchOutput {
  const hit = cache.get<MatchOutput>(key);
  if (hit && Array.isArray(hit.vulnerabilities) && Array.isArray(hit.warnings)) return hit;
  const out = match();
  cache.put(key, out);
  return out;
}
