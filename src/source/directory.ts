/**
 * A directory on the host as a one-layer image: its layer is a tar stream of
 * the tree, produced on demand, for `rootfs`, `fs` and `repo`.
 *
 * The tree may be a stranger's (a cloned repository, an unpacked upload):
 * - symlinks are recorded as links, never followed, so a link to /etc/shadow
 *   or a link loop is neither read nor walked; a file is opened with
 *   O_NOFOLLOW|O_NONBLOCK and checked to be a regular file by its own
 *   descriptor, so one swapped for a link or a FIFO after the listing is
 *   not read either;
 * - skipped paths (`--skip-dirs`/`--skip-files`, `.gitignore` but for files
 *   the checkout's index tracks, `.git`) are
 *   decided from the listing, before any byte of them is read, and so are
 *   files no analyzer wants (the walk's hint), which stay out of the stream;
 * - depth is bounded; entries and sizes are bounded by the layer walk.
 */
import { constants, type Stats } from 'node:fs';
import { lstat, open, readdir, readlink, realpath, type FileHandle } from 'node:fs/promises';
import { readSmallFileNoFollow } from '../util/read-no-follow.js';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pack, type Pack } from 'tar-stream';
import type { PathSkipper } from '../layer/path-skip.js';
import { UserError, errorMessage } from '../util/errors.js';
import { readTrackedPaths, type TrackedPaths } from './git-index.js';
import { GitignoreStack, MAX_GITIGNORE_BYTES } from './gitignore.js';
import type { Image, OpenHints } from './image.js';

const MAX_DEPTH = 256;
const READ_CHUNK = 256 * 1024;

export interface DirectoryOptions {
  /** What the report calls the target (the path or URL the user gave). */
  name: string;
  /** Prefix of the one layer's made-up id (`rootfs:/abs/dir`): a directory has no digest. */
  idPrefix?: string;
  /** Paths the user skipped (relative to the directory). */
  skip?: PathSkipper;
  /** Honour `.gitignore` files (fs, repo; not a root filesystem). */
  gitignore?: boolean;
  /** `.git/info/exclude` too (a repository's own ignore list). */
  gitExclude?: boolean;
  /** Told about rules that could not be applied and entries that could not be read. */
  warn?: (message: string) => void;
}

function entry(p: Pack, header: Parameters<Pack['entry']>[0]): Promise<void> {
  return new Promise((resolve, reject) => p.entry(header, '', (e) => (e ? reject(e) : resolve())));
}

/** The file's first `size` bytes, zero-padded when it has shrunk since its size was taken. */
async function* fileChunks(fh: FileHandle, size: number): AsyncGenerator<Buffer> {
  let done = 0;
  while (done < size) {
    const want = Math.min(READ_CHUNK, size - done);
    const buf = Buffer.alloc(want);
    const { bytesRead } = await fh.read(buf, 0, want, done);
    if (bytesRead === 0) {
      yield Buffer.alloc(size - done);
      return;
    }
    done += bytesRead;
    yield bytesRead === want ? buf : buf.subarray(0, bytesRead);
  }
}

/**
 * Streams a regular file into the tar: exactly the size its descriptor
 * reported (a file that shrinks meanwhile is padded with zeros, one that
 * grows is cut), so a changing file cannot break the archive.
 */
async function addFile(p: Pack, name: string, path: string, warn: (m: string) => void): Promise<void> {
  let fh: FileHandle;
  try {
    fh = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    warn(`${name}: cannot open (${errorMessage(e)}); not scanned`);
    return;
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) return; // swapped for something else since the listing
    const size = st.size;
    await new Promise<void>((resolve, reject) => {
      const sink = p.entry(
        { name, type: 'file', size, mode: st.mode & 0o7777, mtime: st.mtime, uid: st.uid, gid: st.gid },
        (e) => (e ? reject(e) : resolve()),
      );
      const body = Readable.from(fileChunks(fh, size));
      body.on('error', (e) => sink.destroy(e));
      body.pipe(sink);
    });
  } finally {
    await fh.close();
  }
}

class TreeWalk {
  constructor(
    private readonly p: Pack,
    private readonly root: string,
    private readonly opts: DirectoryOptions,
    private readonly hints: OpenHints,
    private readonly tracked: TrackedPaths | undefined,
  ) {}

  private warn(m: string): void {
    this.opts.warn?.(m);
  }

  private skipped(rel: string, isDir: boolean, ignore: GitignoreStack): boolean {
    const skip = this.opts.skip;
    if (skip && (isDir ? skip.skipsDir(rel) : skip.skipsFile(rel))) return true;
    if (!ignore.ignores(rel, isDir)) return false;
    // Git never ignores what it tracks: a .gitignore cannot hide the repository's own files.
    return !(isDir ? this.tracked?.dirs.has(rel) : this.tracked?.files.has(rel));
  }

  private async rulesFor(rel: string, ignore: GitignoreStack): Promise<GitignoreStack> {
    if (!this.opts.gitignore) return ignore;
    const file = rel ? `${rel}/.gitignore` : '.gitignore';
    const text = (await readSmallFileNoFollow(join(this.root, file), MAX_GITIGNORE_BYTES))?.toString('utf8');
    return text === undefined ? ignore : ignore.withFile(rel, text, file, (m) => this.warn(m));
  }

  async walk(rel: string, ignore: GitignoreStack, depth: number): Promise<void> {
    if (depth > MAX_DEPTH) {
      this.warn(`${rel}: deeper than ${MAX_DEPTH} directories; not scanned below`);
      return;
    }
    const rules = await this.rulesFor(rel, ignore);
    let names: string[];
    try {
      names = (await readdir(join(this.root, rel))).sort();
    } catch (e) {
      this.warn(`${rel || '.'}: cannot list (${errorMessage(e)}); not scanned`);
      return;
    }
    for (const n of names) {
      const childRel = rel ? `${rel}/${n}` : n;
      const path = join(this.root, childRel);
      let st: Stats;
      try {
        st = await lstat(path);
      } catch {
        continue;
      }
      if (this.skipped(childRel, st.isDirectory(), rules)) continue;
      if (st.isSymbolicLink()) {
        const target = await readlink(path).catch(() => '');
        await entry(this.p, { name: childRel, type: 'symlink', linkname: target, mode: 0o777 });
      } else if (st.isDirectory()) {
        const base = { mode: st.mode & 0o7777, mtime: st.mtime, uid: st.uid, gid: st.gid };
        await entry(this.p, { name: childRel, type: 'directory', ...base });
        await this.walk(childRel, rules, depth + 1);
      } else if (st.isFile()) {
        const info = { size: st.size, mode: st.mode & 0o7777 };
        if (this.hints.wants && !this.hints.wants(childRel, info)) continue; // no analyzer reads it: not read
        await addFile(this.p, childRel, path, (m) => this.warn(m));
      }
      // FIFOs, sockets and devices hold no files to analyse (and a FIFO would block a read).
    }
  }
}

/** Resolves the target: a directory, or one file (then its directory, with only that file). */
async function resolveTarget(path: string): Promise<{ root: string; only?: string }> {
  let real: string;
  let st: Stats;
  try {
    real = await realpath(path);
    st = await lstat(real);
  } catch (e) {
    throw new UserError(`${path}: cannot scan: ${errorMessage(e)}`, 'name an existing directory or file');
  }
  if (st.isDirectory()) return { root: real };
  if (st.isFile()) return { root: dirname(real), only: basename(real) };
  throw new UserError(`${path}: not a directory or regular file`, 'name a directory or a file');
}

export async function openDirectory(path: string, opts: DirectoryOptions): Promise<Image> {
  const { root, only } = await resolveTarget(path);
  const id = `${opts.idPrefix ?? 'dir'}:${root}`;
  return {
    name: opts.name,
    id,
    repoTags: [],
    repoDigests: [],
    configless: true,
    config: { rootfs: { type: 'layers', diff_ids: [id] }, history: [] },
    layers: [
      {
        index: 0,
        digest: id,
        diffId: id,
        createdBy: '',
        async open(hints: OpenHints = {}) {
          const p = pack();
          const run = async (): Promise<void> => {
            const tracked = opts.gitignore ? await readTrackedPaths(root) : undefined;
            const walk = new TreeWalk(p, root, opts, hints, tracked);
            if (only !== undefined) {
              await addFile(p, only, join(root, only), (m) => opts.warn?.(m));
              return;
            }
            let ignore = GitignoreStack.empty();
            if (opts.gitExclude) {
              const text = (
                await readSmallFileNoFollow(join(root, '.git', 'info', 'exclude'), MAX_GITIGNORE_BYTES)
              )?.toString('utf8');
              if (text !== undefined) ignore = ignore.withFile('', text, '.git/info/exclude', (m) => opts.warn?.(m));
            }
            await walk.walk('', ignore, 0);
          };
          run().then(
            () => p.finalize(),
            (e: Error) => p.destroy(e),
          );
          return p as unknown as Readable;
        },
      },
    ],
    close: async () => {},
  };
}

/**
 * Skip patterns as Trivy reads them for a directory target: a glob as given
 * (relative to the directory); a plain path relative to the working
 * directory or absolute that lies inside the directory, made relative to it
 * (`--skip-dirs ./proj/vendor` for `fs ./proj` skips `vendor`); any other
 * plain path as given.
 */
export function skipPatternsFor(base: string, patterns: readonly string[], cwd = process.cwd()): string[] {
  const absBase = resolve(cwd, base);
  return patterns.map((p) => {
    if (/[*?[{]/.test(p)) return p;
    const rel = relative(absBase, resolve(cwd, p));
    if (isAbsolute(p)) return rel;
    return rel === '..' || rel.startsWith('../') || isAbsolute(rel) ? p : rel;
  });
}
