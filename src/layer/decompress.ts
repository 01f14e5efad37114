/**
 * Layers come as gzip, zstd or plain tar. The media type can lie, so the
 * magic bytes decide. Decompression is bounded: total output and output/input
 * ratio, so a compression bomb ends with an error naming the limit.
 */
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { Decompress as ZstdDecompress } from 'fzstd';
import { LimitError, UserError } from '../util/errors.js';
import { releaseMemory } from '../util/early-release.js';
import { releaseChunk } from '../util/file-chunks.js';
import type { WalkLimits } from './limits.js';
import { lazyRequire } from '../util/lazy-require.js';
import { ContentHasher } from './content-digest.js';

const zlib = lazyRequire<typeof import('node:zlib')>('node:zlib');

export type Compression = 'gzip' | 'zstd' | 'none';

/**
 * Output chunk of the gzip decoder. Node inflates in the thread pool and hands
 * each chunk back to the main thread; at the default 16 KiB a 2.6 GB image
 * costs 160,000 round trips (2.6 s of main-thread time), at 128 KiB 20,000.
 */
const GUNZIP_CHUNK = 128 * 1024;

export function detectCompression(head: Buffer): Compression {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head.readUInt32LE(0) === 0xfd2fb528) return 'zstd';
  return 'none';
}

/** A gunzip stream that releases each input chunk once inflated (see util/file-chunks.ts). */
function releasingGunzip(): Transform {
  const gunzip = zlib().createGunzip({ chunkSize: GUNZIP_CHUNK });
  const inflate = gunzip._transform.bind(gunzip);
  gunzip._transform = (chunk: Buffer, enc: BufferEncoding, cb: TransformCallback): void => {
    // zlib calls back once it has read the whole chunk and dropped its reference to it.
    inflate(chunk, enc, (err?: Error | null, out?: unknown) => {
      releaseChunk(chunk);
      cb(err, out);
    });
  };
  return gunzip;
}

/**
 * Input is fed to the zstd decoder in slices this small because fzstd
 * decodes synchronously: one 4-byte RLE block expands to 128 KiB, so a
 * slice of 1 KiB can yield at most 32 MiB before backpressure is heeded.
 */
const ZSTD_SLICE = 1024;

/** fzstd's streaming decoder wrapped as a Node Transform that respects backpressure. */
class ZstdTransform extends Transform {
  private readonly decoder: ZstdDecompress;
  private wake: (() => void) | undefined;
  constructor() {
    super();
    this.decoder = new ZstdDecompress((chunk) => {
      if (chunk.length) this.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length));
    });
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.feed(chunk).then(
      () => cb(),
      (e: Error) => cb(new Error(`zstd: ${e.message}`)),
    );
  }
  private async feed(chunk: Buffer): Promise<void> {
    for (let off = 0; off < chunk.length && !this.destroyed; off += ZSTD_SLICE) {
      this.decoder.push(new Uint8Array(chunk.buffer, chunk.byteOffset + off, Math.min(ZSTD_SLICE, chunk.length - off)));
      while (this.readableLength >= this.readableHighWaterMark && !this.destroyed)
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
    }
  }
  override _read(size: number): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
    super._read(size);
  }
  override _destroy(err: Error | null, cb: (error?: Error | null) => void): void {
    this.wake?.();
    super._destroy(err, cb);
  }
  override _flush(cb: TransformCallback): void {
    try {
      this.decoder.push(new Uint8Array(0), true);
      cb();
    } catch (e) {
      cb(new Error(`zstd: ${(e as Error).message}`));
    }
  }
}

/**
 * Releases gunzip's output blocks once nothing can read them again (see
 * util/early-release.ts). zlib inflates into 128 KiB blocks and passes on
 * slices of them; the tar reader holds slices until it has parsed past them,
 * and the walk until it has copied or skipped them. The walk says how far
 * into the tar it has got, and a block that zlib has stopped filling and
 * whose every byte lies before that point is released.
 */
class InflatedBlocks {
  /** Blocks awaiting release; beyond this (a reader that never says how far it got) the oldest are left to the GC. */
  private static readonly MAX_WAITING = 64;
  private readonly finished: { block: ArrayBufferLike; end: number }[] = [];
  private current: ArrayBufferLike | undefined;
  private currentEnd = 0;

  /** A chunk leaves the decompressor; `end` is the tar offset just after it. */
  passed(chunk: Buffer, end: number): void {
    if (chunk.buffer !== this.current) {
      if (this.current) this.finished.push({ block: this.current, end: this.currentEnd });
      if (this.finished.length > InflatedBlocks.MAX_WAITING) this.finished.shift();
      // zlib's own block, never a slice of Node's shared pool of small buffers
      this.current =
        chunk.buffer.byteLength === GUNZIP_CHUNK && GUNZIP_CHUNK > Buffer.poolSize ? chunk.buffer : undefined;
    }
    this.currentEnd = end;
  }

  consumedTo(offset: number): void {
    let n = 0;
    while (n < this.finished.length && this.finished[n]!.end <= offset) releaseMemory(this.finished[n++]!.block);
    if (n) this.finished.splice(0, n);
  }
}

/** Counts bytes in and out and fails when the layer is a bomb. */
class BoundedCounter extends Transform {
  out = 0;
  constructor(
    private readonly limits: WalkLimits,
    private readonly inCount: () => number,
    private readonly what: string,
    private readonly blocks?: InflatedBlocks,
  ) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.out += chunk.length;
    this.blocks?.passed(chunk, this.out);
    if (this.out > this.limits.maxLayerBytes) {
      cb(
        new LimitError(
          `${this.what}: decompressed size`,
          'max layer size',
          this.limits.maxLayerBytes,
          'raise it with --max-layer-size if the image is genuine',
        ),
      );
      return;
    }
    const inBytes = this.inCount();
    if (this.out > this.limits.ratioGraceBytes && inBytes > 0 && this.out / inBytes > this.limits.maxCompressionRatio) {
      cb(
        new LimitError(
          `${this.what}: compression ratio ${Math.round(this.out / inBytes)}:1`,
          'max compression ratio',
          this.limits.maxCompressionRatio,
          'the layer looks like a decompression bomb; raise --max-compression-ratio if it is genuine',
        ),
      );
      return;
    }
    cb(null, chunk);
  }
}

export interface TarStream {
  stream: Readable;
  /** The reader has used every byte of the tar before `offset`: memory that held only those may go. */
  consumedTo(offset: number): void;
  /** The digest of the whole uncompressed tar (the diff_id it really has), once the stream has ended; reads what is left first. */
  contentDigest(): Promise<string>;
}

export interface ContentDigestOptions {
  /** The diff_id's algorithm (default sha256). */
  algorithm?: 'sha256' | 'sha512';
  /**
   * The digest `blob` itself is verified against as it streams (the source's
   * blob digest check), when that check is sure to fail the stream on a
   * mismatch. Used only when the blob turns out to be an uncompressed tar.
   */
  blobVerifiedAs?: string;
}

/**
 * Reads the first bytes, picks the decompressor and returns the tar stream,
 * hashed as it flows so the caller can check the diff_id.
 * `what` names the layer in errors.
 */
export async function openTarStream(
  blob: Readable,
  limits: WalkLimits,
  what: string,
  digestOpts: ContentDigestOptions = {},
): Promise<TarStream> {
  // A small blob can fail its digest check while the head is read, before
  // any consumer listens: keep the error and fail here instead of crashing.
  let early: Error | undefined;
  const keep = (e: Error): void => {
    early ??= e;
  };
  blob.on('error', keep);
  const head = await peek(blob, 4);
  blob.off('error', keep);
  const failed = early ?? blob.errored;
  if (failed) throw failed;
  let inBytes = 0;
  const counting = new Transform({
    transform(chunk: Buffer, _e, cb) {
      inBytes += chunk.length;
      cb(null, chunk);
    },
  });
  blob.on('error', (e) => counting.destroy(e));
  blob.pipe(counting);
  const kind = detectCompression(head);
  let out: Readable = counting;
  let blocks: InflatedBlocks | undefined;
  if (kind !== 'none') {
    if (kind === 'gzip') blocks = new InflatedBlocks();
    const dec = kind === 'gzip' ? releasingGunzip() : new ZstdTransform();
    const bounded = new BoundedCounter(limits, () => inBytes, what, blocks);
    counting.on('error', (e) => dec.destroy(e));
    dec.on('error', (e) =>
      bounded.destroy(
        e instanceof UserError ? e : new Error(`${what}: ${kind} stream is corrupt or truncated: ${e.message}`),
      ),
    );
    counting.pipe(dec).pipe(bounded);
    out = bounded;
  }
  // Hashed in the same pass the walk reads: the one copy of the bytes, no second read.
  const algorithm = digestOpts.algorithm ?? 'sha256';
  const upstream =
    kind === 'none' && digestOpts.blobVerifiedAs?.startsWith(`${algorithm}:`) ? digestOpts.blobVerifiedAs : undefined;
  const hasher = new ContentHasher(algorithm, upstream);
  out.on('error', (e) => hasher.destroy(e));
  out.pipe(hasher);
  // The consumer attaches its own listener; this one only keeps an error
  // emitted before that from crashing the process (the consumer sees `errored`).
  hasher.on('error', () => {});
  return { stream: hasher, consumedTo: (offset) => blocks?.consumedTo(offset), contentDigest: () => hasher.digest() };
}

/** Reads at least `n` bytes (or to EOF) and puts them back in front of the stream. */
async function peek(stream: Readable, n: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let have = 0;
  for (;;) {
    const chunk = stream.read() as Buffer | null;
    if (chunk) {
      chunks.push(chunk);
      have += chunk.length;
      if (have >= n) break;
      continue;
    }
    if (stream.readableEnded) break;
    const ended = await new Promise<boolean>((resolve, reject) => {
      const onReadable = (): void => {
        cleanup();
        resolve(false);
      };
      const onEnd = (): void => {
        cleanup();
        resolve(true);
      };
      const onError = (e: Error): void => {
        cleanup();
        reject(e);
      };
      const cleanup = (): void => {
        stream.off('readable', onReadable);
        stream.off('end', onEnd);
        stream.off('error', onError);
      };
      stream.on('readable', onReadable);
      stream.on('end', onEnd);
      stream.on('error', onError);
    });
    if (ended) break;
  }
  const head = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
  if (head.length) stream.unshift(head);
  return head;
}
