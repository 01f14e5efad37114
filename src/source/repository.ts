/**
 * `customs repo PATH|URL`: a local git checkout, scanned as a project
 * directory, or a URL cloned for the scan (source/git-clone.ts) and removed
 * when the image is closed. In a local checkout `.gitignore` and
 * `.git/info/exclude` apply (build output, local secrets); a clone holds only
 * tracked files, which git never ignores. Either way the report names the
 * repository, its branch and HEAD commit.
 */
import { stat } from 'node:fs/promises';
import type { PathSkipper } from '../layer/path-skip.js';
import { UserError } from '../util/errors.js';
import { openDirectory } from './directory.js';
import { cloneRepository, isRepoUrl } from './git-clone.js';
import { maskUrlCredentials, readRepoMetadata } from './git-repo.js';
import type { Image } from './image.js';

export interface RepositoryOptions {
  revision?: { branch?: string; tag?: string; commit?: string };
  skip?: PathSkipper;
  warn?: (m: string) => void;
  signal?: AbortSignal;
}

export async function openRepository(target: string, opts: RepositoryOptions): Promise<Image> {
  const rev = opts.revision ?? {};
  const named = Object.entries(rev).filter(([, v]) => v !== undefined);
  if (!isRepoUrl(target)) {
    if (named.length)
      throw new UserError(
        `--${named[0]![0]} applies to a repository URL; ${target} is a local checkout`,
        'check the revision out yourself, or give the URL',
      );
    const st = await stat(target).catch(() => undefined);
    if (!st?.isDirectory())
      throw new UserError(`${target}: no such directory`, 'give a git checkout or a repository URL');
    const image = await openDirectory(target, {
      name: target,
      skip: opts.skip,
      gitignore: true,
      gitExclude: true,
      warn: opts.warn,
    });
    const repository = await readRepoMetadata(target);
    if (!repository) opts.warn?.(`${target}: not a git checkout (no .git); scanned as a directory`);
    return { ...image, repository };
  }
  const shown = maskUrlCredentials(target);
  const { dir, remove } = await cloneRepository(target, { ...rev, signal: opts.signal });
  try {
    // Every file of a fresh clone is tracked, and git never ignores a tracked file: a repository's
    // .gitignore must not hide its own content (a `*` rule would hide all of it).
    const image = await openDirectory(dir, { name: shown, skip: opts.skip, warn: opts.warn });
    const meta = await readRepoMetadata(dir);
    return {
      ...image,
      repository: { ...meta, url: shown, branch: meta?.branch ?? rev.branch },
      close: async () => {
        await image.close();
        await remove();
      },
    };
  } catch (e) {
    await remove();
    throw e;
  }
}
