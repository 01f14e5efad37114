/**
 * A pass-through stream that hashes what flows and fails at the end when the
 * digest (or the byte count) differs from what the manifest promised.
 */
import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { UserError } from '../../util/errors.js';

const DIGEST = /^(sha256|sha512):([a-f0-9]+)$/;

export function isDigest(s: string): boolean {
  const m = DIGEST.exec(s);
  return !!m && m[2]!.length === (m[1] === 'sha256' ? 64 : 128);
}

/** True when `bytes` hash to `digest` (sha256 or sha512); small metadata blobs are checked whole with this. */
export function bytesMatchDigest(bytes: Buffer, digest: string): boolean {
  const m = DIGEST.exec(digest);
  return !!m && createHash(m[1]!).update(bytes).digest('hex') === m[2];
}

export class DigestVerifier extends Transform {
  private readonly hash;
  private readonly expectedHex: string;
  private bytes = 0;
  constructor(
    private readonly expected: string,
    private readonly what: string,
    private readonly expectedSize?: number,
  ) {
    super();
    const m = DIGEST.exec(expected);
    if (!m) throw new UserError(`${what}: unsupported digest "${expected.slice(0, 80)}"`);
    this.hash = createHash(m[1]!);
    this.expectedHex = m[2]!;
  }
  override _transform(chunk: Buffer, _e: BufferEncoding, cb: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.expectedSize !== undefined && this.bytes > this.expectedSize) {
      cb(
        new UserError(
          `${this.what}: more bytes than the declared ${this.expectedSize}`,
          'the blob does not match its manifest',
        ),
      );
      return;
    }
    this.hash.update(chunk);
    cb(null, chunk);
  }
  override _flush(cb: TransformCallback): void {
    const got = this.hash.digest('hex');
    if (got !== this.expectedHex) {
      cb(
        new UserError(
          `${this.what}: digest mismatch (got ${this.expected.split(':')[0]}:${got.slice(0, 16)}…)`,
          'the image is corrupt or was altered; re-export or re-pull it',
        ),
      );
      return;
    }
    cb();
  }
}
