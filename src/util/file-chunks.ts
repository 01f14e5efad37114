/**
 * Reads a file (or a byte range of one) as a stream of chunks that the
 * consumer may release as soon as it has used them (see early-release.ts):
 * the compressed bytes of layers read from disk. Only chunks this reader
 * allocated can be released, and each only once: a buffer from anywhere else
 * (a test's fixture, a network read) is never touched.
 */
import { close, open, read } from 'node:fs';
import { Readable } from 'node:stream';
import { releaseMemory } from './early-release.js';

const CHUNK_BYTES = 1 << 20;
const releasable = new WeakSet<ArrayBufferLike>();

/** The bytes [start, end) of `path` (to its end when `end` is omitted), in chunks of up to 1 MiB. */
export function readFileChunks(path: string, start = 0, end = Number.POSITIVE_INFINITY): Readable {
  return new FileChunks(path, start, end);
}

/** Gives a chunk's memory back at once, if it came from readFileChunks and nothing will read it again. */
export function releaseChunk(chunk: Buffer): void {
  const memory = chunk.buffer;
  if (releasable.delete(memory)) releaseMemory(memory);
}

class FileChunks extends Readable {
  private fd = -1;
  constructor(
    private readonly path: string,
    private pos: number,
    private readonly end: number,
  ) {
    super({ highWaterMark: CHUNK_BYTES });
  }

  override _construct(cb: (error?: Error | null) => void): void {
    open(this.path, 'r', (e, fd) => {
      if (e) {
        cb(e);
        return;
      }
      this.fd = fd;
      cb();
    });
  }

  override _read(): void {
    const want = Math.min(CHUNK_BYTES, this.end - this.pos);
    if (want <= 0) {
      this.push(null);
      return;
    }
    const buf = Buffer.allocUnsafeSlow(want);
    read(this.fd, buf, 0, want, this.pos, (e, n) => {
      if (e) {
        this.destroy(e);
        return;
      }
      if (n === 0) {
        this.push(null);
        return;
      }
      this.pos += n;
      releasable.add(buf.buffer);
      this.push(n === want ? buf : buf.subarray(0, n));
    });
  }

  override _destroy(err: Error | null, cb: (error?: Error | null) => void): void {
    if (this.fd < 0) {
      cb(err);
      return;
    }
    close(this.fd, () => cb(err));
    this.fd = -1;
  }
}
