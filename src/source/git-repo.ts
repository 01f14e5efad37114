/**
 * A git checkout's identity for the report (Trivy's repository metadata:
 * RepoURL, Branch, Commit), read from the files in `.git` rather than by
 * running git: git in a stranger's checkout reads that checkout's config,
 * and a local scan needs no git at all. Only small files are read, each
 * checked for the shape it must have; what does not fit is left out.
 */
import { lstat } from 'node:fs/promises';
import { readSmallFileNoFollow } from '../util/read-no-follow.js';

const readSmall = async (path: string, max: number): Promise<string | undefined> =>
  (await readSmallFileNoFollow(path, max))?.toString('utf8');
import { isAbsolute, join, resolve } from 'node:path';

const MAX_META_BYTES = 64 * 1024;
const MAX_PACKED_REFS_BYTES = 8 * 1024 * 1024;
const SHA = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;
const REF = /^refs\/(?:[A-Za-z0-9_+@-][A-Za-z0-9._+@-]*\/?)+$/;

export interface RepoMetadata {
  /** The `origin` remote's URL, credentials masked. */
  url?: string;
  branch?: string;
  commit?: string;
}

/** `https://user:token@host/x` → `https://***@host/x`: what goes into messages and reports. */
export function maskUrlCredentials(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/gi, '$1***@');
}

/** The git directory of a checkout: `.git` itself, or where a `.git` file (worktree, submodule) points. */
async function gitDirOf(root: string): Promise<string | undefined> {
  const dotGit = join(root, '.git');
  const st = await lstat(dotGit).catch(() => undefined);
  if (st?.isDirectory()) return dotGit;
  if (!st?.isFile()) return undefined;
  const m = /^gitdir: (.+)$/m.exec((await readSmall(dotGit, 4096)) ?? '');
  if (!m) return undefined;
  const dir = m[1]!.trim();
  return isAbsolute(dir) ? dir : resolve(root, dir);
}

/** The `origin` URL in a git config file: a small INI reader for the one key needed. */
export function originUrl(config: string): string | undefined {
  let inOrigin = false;
  for (const raw of config.split('\n')) {
    const line = raw.trim();
    const section = /^\[\s*remote\s+"([^"]*)"\s*\]$/.exec(line);
    if (section) {
      inOrigin = section[1] === 'origin';
      continue;
    }
    if (line.startsWith('[')) {
      inOrigin = false;
      continue;
    }
    const kv = /^url\s*=\s*(.+)$/.exec(line);
    if (inOrigin && kv) return kv[1]!.replace(/^"(.*)"$/, '$1');
  }
  return undefined;
}

async function resolveRef(dirs: string[], ref: string): Promise<string | undefined> {
  if (!REF.test(ref) || ref.includes('..')) return undefined;
  for (const d of dirs) {
    const loose = (await readSmall(join(d, ref), 4096))?.trim();
    if (loose && SHA.test(loose)) return loose;
  }
  for (const d of dirs) {
    const packed = await readSmall(join(d, 'packed-refs'), MAX_PACKED_REFS_BYTES);
    for (const line of packed?.split('\n') ?? []) {
      const [sha, name] = line.split(' ');
      if (name?.trim() === ref && sha && SHA.test(sha)) return sha;
    }
  }
  return undefined;
}

/** The checkout's git dir and the common dir it shares refs and config with (a worktree's differ). */
export async function gitDirsOf(root: string): Promise<{ gitDir: string; commonDir: string } | undefined> {
  const gitDir = await gitDirOf(root);
  if (!gitDir) return undefined;
  const common = (await readSmall(join(gitDir, 'commondir'), 4096))?.trim();
  return { gitDir, commonDir: common ? (isAbsolute(common) ? common : resolve(gitDir, common)) : gitDir };
}

/** The checkout's metadata, or undefined when `root` is not a git checkout. */
export async function readRepoMetadata(root: string): Promise<RepoMetadata | undefined> {
  const found = await gitDirsOf(root);
  if (!found) return undefined;
  const { gitDir, commonDir } = found;
  const head = (await readSmall(join(gitDir, 'HEAD'), 4096))?.trim();
  if (!head) return undefined;
  // A worktree keeps its HEAD apart and shares refs and config with the main repository.
  const dirs = [...new Set([gitDir, commonDir])];
  const meta: RepoMetadata = {};
  const symbolic = /^ref: (.+)$/.exec(head);
  if (symbolic) {
    const ref = symbolic[1]!.trim();
    if (ref.startsWith('refs/heads/') && REF.test(ref)) meta.branch = ref.slice('refs/heads/'.length);
    meta.commit = await resolveRef(dirs, ref);
  } else if (SHA.test(head)) meta.commit = head;
  const url = originUrl((await readSmall(join(commonDir, 'config'), MAX_META_BYTES)) ?? '');
  if (url) meta.url = maskUrlCredentials(url);
  return meta;
}
