/** Locations tests need: the repo, its fixtures, and ../shared beside it. */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRepoRoot(start: string): string {
  let dir = start;
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${start}`);
    dir = up;
  }
  return dir;
}

/** The repository root (tests run from dist/test, so walk up). */
export const repoRoot = findRepoRoot(dirname(fileURLToPath(import.meta.url)));
export const fixturesDir = join(repoRoot, 'test', 'fixtures');
export const sharedDir = resolve(process.env.CUSTOMS_SHARED_DIR ?? join(repoRoot, '..', 'shared'));
export const cliPath = join(repoRoot, 'bin', 'customs');

export function fixture(...parts: string[]): string {
  return join(fixturesDir, ...parts);
}
