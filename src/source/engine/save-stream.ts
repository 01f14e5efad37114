/**
 * A `docker save` stream (an engine's `GET /images/{name}/get`, or stdin for
 * `--input -`) made into an Image.
 *
 * The stream is read once, into a private spool file, and then read as an
 * archive through its tar index. Why a spool and not a walk as it streams:
 * the save stream's order is not the scan's. Both layouts write the layers
 * first and `manifest.json` (which says which entry is which layer, in what
 * order) and the config (history, diff_ids) after them, and the layer pool
 * wants layers by index, several at once. Walking in stream order would
 * still have to hold every layer that arrives before its turn; a file holds
 * them without memory. The spool is bounded (`maxBytes`, the flag named in
 * the message), lives in a mkdtemp directory (0700, the file 0600, created
 * exclusively) and is removed when the image is closed or fails to open.
 */
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { openImageTar } from '../archive/index.js';
import type { Image } from '../image.js';
import { LimitError, UserError, errorMessage } from '../../util/errors.js';
import { PRIVATE_FILE_MODE } from '../../util/private-dir.js';

/** Default bound on one spooled save stream: the default per-layer bound, as one image of one huge layer needs it. */
export const DEFAULT_SPOOL_BYTES = 64 * 1024 ** 3;

export interface SaveStreamOptions {
  /** Names the stream in messages (`docker image alpine:3.20`, `stdin`). */
  what: string;
  /** The image's name in the report. */
  name: string;
  platform?: string;
  maxLayers?: number;
  /** Most bytes spooled (`--max-layer-size` bounds the whole stream). */
  maxBytes?: number;
  signal?: AbortSignal;
}

class ByteLimit extends Transform {
  private seen = 0;
  constructor(
    private readonly max: number,
    private readonly what: string,
  ) {
    super();
  }
  override _transform(chunk: Buffer, _e: BufferEncoding, cb: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.max) {
      cb(
        new LimitError(
          `${this.what}: the image stream`,
          'max layer size (bytes spooled from a save stream)',
          this.max,
          'raise --max-layer-size if the image is genuine',
        ),
      );
      return;
    }
    cb(null, chunk);
  }
}

/** Copies the stream into a private temp file; returns its directory and path. */
async function spool(stream: Readable, opts: SaveStreamOptions): Promise<{ dir: string; file: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'customs-save-'));
  const file = join(dir, 'image.tar');
  try {
    const fh = await open(file, 'wx', PRIVATE_FILE_MODE);
    try {
      await pipeline(stream, new ByteLimit(opts.maxBytes ?? DEFAULT_SPOOL_BYTES, opts.what), fh.createWriteStream(), {
        signal: opts.signal,
      });
    } finally {
      await fh.close().catch(() => {});
    }
    return { dir, file };
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    if (e instanceof UserError) throw e;
    opts.signal?.throwIfAborted();
    const code = (e as { code?: string }).code;
    if (code === 'ENOSPC')
      throw new UserError(`${opts.what}: no space left in ${tmpdir()} for the image`, 'point TMPDIR at a larger disk');
    throw new UserError(`${opts.what}: reading the image stream failed: ${errorMessage(e)}`);
  }
}

/** Reads a `docker save` stream (legacy or Docker ≥ 25 layout; an OCI archive too) into an Image. */
export async function openSaveStream(stream: Readable, opts: SaveStreamOptions): Promise<Image> {
  const { dir, file } = await spool(stream, opts);
  try {
    const image = await openImageTar(file, {
      what: opts.what,
      name: opts.name,
      platform: opts.platform,
      maxLayers: opts.maxLayers,
    });
    return {
      ...image,
      close: async () => {
        try {
          await image.close();
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      },
    };
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
}
