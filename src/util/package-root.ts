/**
 * The installed package's root (where package.json, schema/ and bin/ live).
 * Found by walking up from this module, so it is right both from the
 * compiled modules (dist/src/…) and from the CLI bundle (dist/bundle/…).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

export function packageRoot(): string {
  if (root) return root;
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'schema'))) return (root = dir);
    if (dirname(dir) === dir) throw new Error('customs: cannot find its package root (package.json beside schema/)');
  }
}

/** A file shipped with the package, by its path from the root (`schema/vendor/x.json`). */
export function packageFile(path: string): string {
  return join(packageRoot(), path);
}
