/**
 * The digest of a layer's uncompressed tar, taken as the walk reads it, so
 * the config's diff_id is checked against what was actually analysed. The
 * layer cache trusts a diff_id only after this check: without it an image
 * could claim another layer's diff_id and fill the cache under it.
 */
import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { UserError } from '../util/errors.js';

const DIGEST = /^(sha256|sha512):([a-f0-9]+)$/;

/** The hash algorithm of a digest customs can verify (`sha256:<64 hex>`, `sha512:<128 hex>`), else undefined. */
export function verifiableAlgorithm(digest: string): 'sha256' | 'sha512' | undefined {
  const m = DIGEST.exec(digest);
  if (!m) return undefined;
  const alg = m[1] as 'sha256' | 'sha512';
  return m[2]!.length === (alg === 'sha256' ? 64 : 128) ? alg : undefined;
}

/**
 * A pass-through stream that hashes every byte; `digest()` resolves once the
 * stream has ended. `verifiedUpstream` is the digest of these very bytes
 * when a stage before this one already fails unless they hash to it (an
 * uncompressed blob whose blob digest is its diff_id): hashing twice would
 * cost ~0.1 s per 100 MB for nothing.
 */
export class ContentHasher extends Transform {
  private readonly hash: Hash | undefined;
  private result: string | undefined;
  private readonly waiting: ((digest: string) => void)[] = [];
  constructor(
    private readonly algorithm: 'sha256' | 'sha512',
    private readonly verifiedUpstream?: string,
  ) {
    super();
    this.hash = verifiedUpstream === undefined ? createHash(algorithm) : undefined;
  }
  override _transform(chunk: Buffer, _e: BufferEncoding, cb: TransformCallback): void {
    this.hash?.update(chunk);
    cb(null, chunk);
  }
  override _flush(cb: TransformCallback): void {
    this.result = this.hash ? `${this.algorithm}:${this.hash.digest('hex')}` : this.verifiedUpstream!;
    for (const w of this.waiting.splice(0)) w(this.result);
    cb();
  }
  /**
   * The digest of everything that passed. Whatever the reader left unread is
   * read (and hashed) first: bytes after the tar's end must count too.
   */
  digest(): Promise<string> {
    if (this.result !== undefined) return Promise.resolve(this.result);
    return new Promise((resolve, reject) => {
      if (this.errored) {
        reject(this.errored);
        return;
      }
      this.waiting.push(resolve);
      this.once('error', reject);
      this.once('close', () => {
        if (this.result === undefined) reject(this.errored ?? new Error('the layer stream closed before its end'));
      });
      this.unpipe();
      this.resume();
    });
  }
}

/** Fails unless the layer's uncompressed content hashes to the diff_id its image config claims. */
export function checkDiffId(layerName: string, claimed: string, actual: string): void {
  if (claimed === actual) return;
  throw new UserError(
    `${layerName}: the diff_id does not match the layer's content (the image config claims ${claimed}, the uncompressed layer hashes to ${actual})`,
    'the image was altered or built wrongly; nothing from it was cached',
  );
}
