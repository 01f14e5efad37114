/**
 * Writes the hostile corpus into a folder (`scripts/make-hostile-corpus.ts`
 * is the command-line form). `corpusDir()` keeps one built copy per corpus version under the OS temp
 * dir, built beside and renamed into place so a killed build is never used.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cases, writeCase } from './corpus/cases.js';

const here = dirname(fileURLToPath(import.meta.url));

export async function writeCorpus(dir: string, only?: (name: string) => boolean): Promise<void> {
  mkdirSync(dir, { recursive: true });
  for (const c of cases) if (!only || only(c.name)) await writeCase(dir, c);
}

/** A hash of the generator's own code: change a case and the corpus is rebuilt. */
function corpusVersion(): string {
  const h = createHash('sha256');
  const dir = join(here, 'corpus');
  for (const f of readdirSync(dir)
    .filter((x) => x.endsWith('.js'))
    .sort())
    h.update(f).update(readFileSync(join(dir, f)));
  return h.digest('hex').slice(0, 16);
}

export async function corpusDir(): Promise<string> {
  const root = join(tmpdir(), 'customs-hostile-corpus');
  const dir = join(root, corpusVersion());
  if (existsSync(dir)) return dir;
  const building = `${dir}.building-${process.pid}`;
  rmSync(building, { recursive: true, force: true });
  await writeCorpus(building);
  try {
    renameSync(building, dir);
  } catch (e) {
    if (!existsSync(dir)) throw e;
    rmSync(building, { recursive: true, force: true }); // another process finished first
  }
  return dir;
}
