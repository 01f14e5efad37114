/**
 * Named files of an image on disk: a directory (OCI layout) or the entries of
 * a tar (docker-archive, OCI archive). Names come only from the image's own
 * JSON; a directory store accepts just `blobs/<alg>/<hex>` and fixed names,
 * so nothing from the image is ever joined freely onto a host path.
 */
import { existsSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { UserError } from '../../util/errors.js';
import { readFileChunks } from '../../util/file-chunks.js';
import { indexTar, type TarIndexEntry } from './tar-index.js';
import { bytesMatchDigest } from './verify.js';

export interface BlobStore {
  /** Names the store in messages. */
  readonly what: string;
  has(name: string): boolean;
  size(name: string): number | undefined;
  /** Reads a small file (JSON) whole, refusing more than `max` bytes. */
  read(name: string, max: number): Promise<Buffer>;
  open(name: string): Readable;
}

const SAFE_DIR_NAME = /^(?:index\.json|oci-layout|blobs\/(?:sha256\/[a-f0-9]{64}|sha512\/[a-f0-9]{128}))$/;

export class DirStore implements BlobStore {
  constructor(
    private readonly dir: string,
    readonly what: string,
  ) {}
  private path(name: string): string {
    if (!SAFE_DIR_NAME.test(name))
      throw new UserError(`${this.what}: refusing to read "${name.slice(0, 100)}" (not a blob path)`);
    return join(this.dir, name);
  }
  has(name: string): boolean {
    return SAFE_DIR_NAME.test(name) && existsSync(join(this.dir, name));
  }
  size(name: string): number | undefined {
    try {
      return statSync(this.path(name)).size;
    } catch {
      return undefined;
    }
  }
  async read(name: string, max: number): Promise<Buffer> {
    const size = this.size(name);
    if (size === undefined) throw new UserError(`${this.what}: ${name} is missing`, 'the OCI layout is incomplete');
    if (size > max)
      throw new UserError(`${this.what}: ${name} is ${size} bytes, over the ${max}-byte limit for metadata`);
    const fh = await open(this.path(name), 'r');
    try {
      const b = Buffer.alloc(size);
      await fh.read(b, 0, size, 0);
      return b;
    } finally {
      await fh.close();
    }
  }
  open(name: string): Readable {
    return readFileChunks(this.path(name));
  }
}

export class TarStore implements BlobStore {
  private constructor(
    private readonly file: string,
    private readonly entries: Map<string, TarIndexEntry>,
    readonly what: string,
  ) {}
  static async load(file: string, what: string): Promise<TarStore> {
    return new TarStore(file, await indexTar(file, what), what);
  }
  private entry(name: string): TarIndexEntry | undefined {
    const e = this.entries.get(name.replace(/^\.\//, ''));
    return e && (e.type === '0' || e.type === '\0' || e.type === '7') ? e : undefined;
  }
  has(name: string): boolean {
    return !!this.entry(name);
  }
  size(name: string): number | undefined {
    return this.entry(name)?.size;
  }
  async read(name: string, max: number): Promise<Buffer> {
    const e = this.entry(name);
    if (!e) throw new UserError(`${this.what}: ${name} is missing from the archive`);
    if (e.size > max)
      throw new UserError(`${this.what}: ${name} is ${e.size} bytes, over the ${max}-byte limit for metadata`);
    const fh = await open(this.file, 'r');
    try {
      const b = Buffer.alloc(e.size);
      await fh.read(b, 0, e.size, e.offset);
      return b;
    } finally {
      await fh.close();
    }
  }
  open(name: string): Readable {
    const e = this.entry(name);
    if (!e) throw new UserError(`${this.what}: ${name} is missing from the archive`);
    if (e.size === 0) return Readable.from([]);
    return readFileChunks(this.file, e.offset, e.offset + e.size);
  }
}

export const MAX_METADATA_BYTES = 8 * 1024 * 1024;

/** Reads a JSON file of the image; a blob (`blobs/<alg>/<hex>`) must also hash to its name. */
export async function readJson<T>(store: BlobStore, name: string): Promise<T> {
  const buf = await store.read(name, MAX_METADATA_BYTES);
  const blob = /^blobs\/(sha256|sha512)\/([a-f0-9]+)$/.exec(name);
  if (blob && !bytesMatchDigest(buf, `${blob[1]}:${blob[2]}`)) {
    throw new UserError(`${store.what}: ${name}: digest mismatch`, 'the image is corrupt or was altered; re-export it');
  }
  try {
    return JSON.parse(buf.toString('utf8')) as T;
  } catch (e) {
    throw new UserError(`${store.what}: ${name} is not valid JSON (${(e as Error).message})`, 'the image is corrupt');
  }
}
