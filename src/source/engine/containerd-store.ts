/**
 * containerd's content store seen as an OCI image layout: its blobs are
 * addressed by digest exactly as `blobs/<alg>/<hex>` are, and the image's
 * target descriptor plays the part of index.json. So the layout reader
 * (archive/oci.ts) walks indexes, picks the platform, checks the layer count
 * and verifies every blob against its digest, as it does for OCI archives.
 * Blobs are read in bounded ranges, each one gRPC call under its own
 * deadline.
 */
import { Readable } from 'node:stream';
import { UserError } from '../../util/errors.js';
import type { BlobStore } from '../archive/store.js';
import { isDigest } from '../archive/verify.js';
import type { ContainerdClient, ContainerdDescriptor } from './containerd-client.js';

/** Bytes per Read call: small enough to buffer, large enough that calls are few. */
export const READ_CHUNK_BYTES = 4 * 1024 * 1024;

const BLOB_NAME = /^blobs\/(sha256\/[a-f0-9]{64}|sha512\/[a-f0-9]{128})$/;

function digestOf(name: string): string | undefined {
  const m = BLOB_NAME.exec(name);
  return m ? m[1]!.replace('/', ':') : undefined;
}

export class ContainerdStore implements BlobStore {
  constructor(
    private readonly client: ContainerdClient,
    /** `containerd NAME (namespace NS)`, for messages. */
    readonly what: string,
    /** The image's full name in containerd, kept on the index entry so it becomes the image's RepoTag. */
    private readonly imageName: string,
    private readonly target: ContainerdDescriptor,
  ) {}

  has(name: string): boolean {
    // Whether containerd holds a blob is asked when it is read (a missing one is named then).
    return name === 'index.json' || digestOf(name) !== undefined;
  }

  size(): number | undefined {
    return undefined;
  }

  async read(name: string, max: number): Promise<Buffer> {
    if (name === 'index.json') return Buffer.from(JSON.stringify(this.index()));
    const digest = this.digest(name);
    const size = await this.storedSize(digest);
    if (size > max)
      throw new UserError(`${this.what}: blob ${digest} is ${size} bytes, over the ${max}-byte limit for metadata`);
    const parts: Buffer[] = [];
    for (let offset = 0; offset < size; offset += READ_CHUNK_BYTES)
      parts.push(await this.chunk(digest, offset, Math.min(READ_CHUNK_BYTES, size - offset)));
    return Buffer.concat(parts);
  }

  /** The blob as a byte stream, one chunk read each time the consumer wants more. */
  open(name: string): Readable {
    const digest = this.digest(name);
    const chunks = async function* (this: ContainerdStore): AsyncGenerator<Buffer> {
      const size = await this.storedSize(digest);
      for (let offset = 0; offset < size; offset += READ_CHUNK_BYTES)
        yield await this.chunk(digest, offset, Math.min(READ_CHUNK_BYTES, size - offset));
    };
    return Readable.from(chunks.call(this), { objectMode: false });
  }

  /** A one-entry index whose entry is the image's target (an index or a manifest). */
  private index(): object {
    const { mediaType, digest, size, annotations } = this.target;
    return {
      schemaVersion: 2,
      manifests: [
        { mediaType, digest, size, annotations: { ...annotations, 'io.containerd.image.name': this.imageName } },
      ],
    };
  }

  private digest(name: string): string {
    const digest = digestOf(name);
    if (!digest || !isDigest(digest))
      throw new UserError(`${this.what}: refusing to read "${name.slice(0, 100)}" (not a blob digest)`);
    return digest;
  }

  /** The blob's size in the content store; a blob it lacks is an error that says why that happens. */
  async storedSize(digest: string): Promise<number> {
    let size: number | undefined;
    try {
      size = await this.client.blobSize(digest);
    } catch (e) {
      throw this.readError(digest, e);
    }
    if (size === undefined)
      throw new UserError(
        `${this.what}: containerd has no content for blob ${digest}`,
        'the image was pulled for another platform or its layers were discarded after unpacking; pull it again (ctr images pull / nerdctl pull)',
      );
    return size;
  }

  private async chunk(digest: string, offset: number, size: number): Promise<Buffer> {
    try {
      return await this.client.readRange(digest, offset, size);
    } catch (e) {
      throw this.readError(digest, e);
    }
  }

  private readError(digest: string, e: unknown): unknown {
    // A cancelled scan keeps its own reason; only containerd's failures are reworded.
    if (this.client.signal?.aborted || e instanceof UserError || !(e instanceof Error)) return e;
    return new UserError(`${this.what}: reading blob ${digest}: ${e.message.replace(/\s+/g, ' ').slice(0, 300)}`);
  }
}
