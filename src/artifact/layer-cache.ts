/**
 * Per-layer results, stored by a key made of the layer's diffID and one
 * analyzer's name, version and options: change one analyzer and only its
 * results are recomputed. Files live in `<cacheDir>/layers`, are written
 * atomically (temp file + rename) so concurrent scans never see half a file,
 * and are pruned least-recently-used beyond a size bound.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { ensurePrivateDir, PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../util/private-dir.js';

export interface LayerCache {
  get<T>(key: string): T | undefined;
  put(key: string, value: unknown): void;
}

/** A cache that stores nothing (`--no-cache`, `rootfs` scans). */
export const noLayerCache: LayerCache = { get: () => undefined, put: () => {} };

const CACHE_FORMAT = 1;
/** A temp file this old belongs to a writer that died. */
const STALE_TEMP_MS = 10 * 60 * 1000;

export class FileLayerCache implements LayerCache {
  private readonly dir: string;
  /** Whether this instance stored anything: only then can the cache have outgrown its bound. */
  private wrote = false;
  private madePrivate = false;
  constructor(
    private readonly cacheDir: string,
    private readonly onWarning: (msg: string) => void = () => {},
  ) {
    this.dir = join(cacheDir, 'layers');
  }

  /** Keys are hashed: nothing from the image ever becomes part of a path. */
  private fileFor(key: string): string {
    const h = createHash('sha256').update(`${CACHE_FORMAT}\0${key}`).digest('hex');
    return join(this.dir, h.slice(0, 2), `${h}.json`);
  }

  get<T>(key: string): T | undefined {
    const file = this.fileFor(key);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
    try {
      const parsed = JSON.parse(text) as { key: string; value: T };
      if (parsed.key !== key) return undefined;
      const now = new Date();
      try {
        utimesSync(file, now, now);
      } catch {
        /* LRU order is best effort */
      }
      return parsed.value;
    } catch {
      this.onWarning(`layer cache entry ${file} is unreadable; it will be rebuilt`);
      try {
        unlinkSync(file);
      } catch {
        /* already gone */
      }
      return undefined;
    }
  }

  put(key: string, value: unknown): void {
    const file = this.fileFor(key);
    const dir = join(file, '..');
    try {
      if (!this.madePrivate) {
        ensurePrivateDir(this.dir, this.cacheDir);
        this.madePrivate = true;
      }
      mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
      const tmp = join(dir, `.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
      writeFileSync(tmp, JSON.stringify({ key, value }), { mode: PRIVATE_FILE_MODE, flag: 'wx' }); // O_EXCL: a planted name (or symlink) is never written through
      renameSync(tmp, file);
      this.wrote = true;
    } catch (e) {
      this.onWarning(`could not write the layer cache in ${this.dir}: ${(e as Error).message}`);
    }
  }

  /**
   * Prunes after this instance stored something. Listing the cache costs a
   * stat per entry; a rescan that only read from it leaves it no larger.
   */
  pruneIfWritten(maxBytes: number): void {
    if (this.wrote) this.prune(maxBytes);
  }

  /** Deletes least-recently-used entries until the cache holds at most `maxBytes`. */
  prune(maxBytes: number): void {
    const files: { path: string; size: number; mtime: number }[] = [];
    let total = 0;
    for (const sub of safeReaddir(this.dir)) {
      for (const name of safeReaddir(join(this.dir, sub))) {
        const path = join(this.dir, sub, name);
        try {
          const st = statSync(path);
          // A writer killed between write and rename leaves its temp file behind.
          if (name.startsWith('.tmp-')) {
            if (Date.now() - st.mtimeMs > STALE_TEMP_MS) unlinkSync(path);
            continue;
          }
          files.push({ path, size: st.size, mtime: st.mtimeMs });
          total += st.size;
        } catch {
          /* removed meanwhile */
        }
      }
    }
    if (total <= maxBytes) return;
    files.sort((a, b) => a.mtime - b.mtime);
    for (const f of files) {
      if (total <= maxBytes) break;
      try {
        unlinkSync(f.path);
        total -= f.size;
      } catch {
        /* removed meanwhile */
      }
    }
  }

  clear(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
