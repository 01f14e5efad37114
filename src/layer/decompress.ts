/**
 * Layers come as gzip, zstd or plain tar. The media type can lie, so the
 * magic bytes decide. Decompression is bounded: total output and output/input
 * ratio, so a compression bomb ends with an error naming the limit.
 */
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { Decompress as ZstdDecompress } from 'fzstd';
import { LimitError } from '../util/errors.js';
import type { WalkLimits } from './limits.js';

export type Compression = 'gzip' | 'zstd' | 'none';

export function detectCompression(head: Buffer): Compression {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head.readUInt32LE(0) === 0xfd2fb528) return 'zstd';
  return 'none';
}

/** fzstd's streaming decoder wrapped as a Node Transform. */
class ZstdTransform extends Transform {
  private readonly decoder: ZstdDecompress;
  constructor() {
    super();
    this.decoder = new ZstdDecompress((chunk) => { if (chunk.length) this.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length)); });
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    try { this.decoder.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length)); cb(); } catch (e) { cb(new Error(`zstd: ${(e as Error).message}`)); }
  }
  override _flush(cb: TransformCallback): void {
    try { this.decoder.push(new Uint8Array(0), true); cb(); } catch (e) { cb(new Error(`zstd: ${(e as Error).message}`)); }
  }
}

/** Counts bytes in and out and fails when the layer is a bomb. */
class BoundedCounter extends Transform {
  out = 0;
  constructor(private readonly limits: WalkLimits, private readonly inCount: () => number, private readonly what: string) { super(); }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.out += chunk.length;
    if (this.out > this.limits.maxLayerBytes) {
      cb(new LimitError(`${this.what}: decompressed size`, 'max layer size', this.limits.maxLayerBytes, 'raise it with --max-layer-size if the image is genuine'));
      return;
    }
    const inBytes = this.inCount();
    if (this.out > this.limits.ratioGraceBytes && inBytes > 0 && this.out / inBytes > this.limits.maxCompressionRatio) {
      cb(new LimitError(`${this.what}: compression ratio ${Math.round(this.out / inBytes)}:1`, 'max compression ratio', this.limits.maxCompressionRatio, 'the layer looks like a decompression bomb; raise --max-compression-ratio if it is genuine'));
      return;
    }
    cb(null, chunk);
  }
}

/**
 * Reads the first bytes, picks the decompressor and returns the tar stream.
 * `what` names the layer in errors.
 */
export async function openTarStream(blob: Readable, limits: WalkLimits, what: string): Promise<Readable> {
  let inBytes = 0;
  const head = await peek(blob, 4);
  const counting = new Transform({
    transform(chunk: Buffer, _e, cb) { inBytes += chunk.length; cb(null, chunk); },
  });
  blob.on('error', (e) => counting.destroy(e));
  blob.pipe(counting);
  const kind = detectCompression(head);
  if (kind === 'none') return counting;
  const dec = kind === 'gzip' ? createGunzip() : new ZstdTransform();
  const bounded = new BoundedCounter(limits, () => inBytes, what);
  counting.on('error', (e) => dec.destroy(e));
  dec.on('error', (e) => bounded.destroy(new Error(`${what}: ${kind} stream is corrupt or truncated: ${e.message}`)));
  counting.pipe(dec).pipe(bounded);
  return bounded;
}

/** Reads at least `n` bytes (or to EOF) and puts them back in front of the stream. */
async function peek(stream: Readable, n: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let have = 0;
  for (;;) {
    const chunk: Buffer | null = stream.read();
    if (chunk) {
      chunks.push(chunk);
      have += chunk.length;
      if (have >= n) break;
      continue;
    }
    if (stream.readableEnded) break;
    const ended = await new Promise<boolean>((resolve, reject) => {
      const onReadable = (): void => { cleanup(); resolve(false); };
      const onEnd = (): void => { cleanup(); resolve(true); };
      const onError = (e: Error): void => { cleanup(); reject(e); };
      const cleanup = (): void => { stream.off('readable', onReadable); stream.off('end', onEnd); stream.off('error', onError); };
      stream.on('readable', onReadable); stream.on('end', onEnd); stream.on('error', onError);
    });
    if (ended) break;
  }
  const head = Buffer.concat(chunks);
  if (head.length) stream.unshift(head);
  return head;
}
