/**
 * containerd's gRPC API over its unix socket, limited to what reading an
 * image needs: Images/Get (name → target descriptor), Content/Info and
 * Content/Read (blobs by digest, in bounded ranges). Every call carries the
 * namespace as `containerd-namespace` metadata, a deadline, and is cancelled
 * when the scan's signal aborts. gRPC is loaded on first use: most scans
 * never ask containerd.
 */
import type { Client, Metadata, ServiceError } from '@grpc/grpc-js';
import { packageFile } from '../../util/package-root.js';
import { lazyRequire } from '../../util/lazy-require.js';

const grpc = lazyRequire<typeof import('@grpc/grpc-js')>('@grpc/grpc-js');
const protoLoader = lazyRequire<typeof import('@grpc/proto-loader')>('@grpc/proto-loader');

/** A blob as containerd describes it (proto `containerd.types.Descriptor`, camel-cased). */
export interface ContainerdDescriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations: Record<string, string>;
}

interface WireDescriptor {
  mediaType?: string;
  digest?: string;
  size?: string;
  annotations?: Record<string, string>;
}
interface ReadMessage {
  offset?: string;
  data?: Buffer;
}

type Callback<T> = (err: ServiceError | null, res?: T) => void;
interface UnaryMethod {
  (req: object, meta: Metadata, opts: { deadline: number }, cb: Callback<unknown>): { cancel(): void };
}
interface ServiceClient extends Client {
  Get?: UnaryMethod;
  Info?: UnaryMethod;
  Read?: (req: object, meta: Metadata, opts: { deadline: number }) => AsyncIterable<unknown> & { cancel(): void };
}
type ServiceConstructor = new (address: string, credentials: unknown, options?: object) => ServiceClient;

let services: { images: ServiceConstructor; content: ServiceConstructor } | undefined;

/** The two services from the trimmed protos shipped in schema/containerd (their header says where they come from). */
function loadServices(): { images: ServiceConstructor; content: ServiceConstructor } {
  if (services) return services;
  const definition = protoLoader().loadSync(['images.proto', 'content.proto'], {
    includeDirs: [packageFile('schema/containerd')],
    longs: String, // int64 sizes arrive as decimal strings, checked by toSize
    defaults: true,
  });
  const root = grpc().loadPackageDefinition(definition) as unknown as {
    containerd: { services: Record<'images' | 'content', { v1: Record<string, ServiceConstructor> }> };
  };
  services = {
    images: root.containerd.services.images.v1.Images!,
    content: root.containerd.services.content.v1.Content!,
  };
  return services;
}

/** Largest gRPC message accepted: containerd sends blob data in 1 MiB messages. */
const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

/** A gRPC failure's status code name (`NOT_FOUND`, `UNAVAILABLE`…), or undefined for other errors. */
export function grpcStatusName(e: unknown): string | undefined {
  const code = (e as Partial<ServiceError>)?.code;
  if (typeof code !== 'number') return undefined;
  return (grpc().status as unknown as Record<number, string>)[code];
}

/** The server's own words for a gRPC failure, on one line. */
export function grpcDetails(e: unknown): string {
  const details = (e as Partial<ServiceError>).details ?? (e as Error).message ?? String(e);
  return details.replace(/\s+/g, ' ').slice(0, 300);
}

/** What a cancelled call fails with: the scan's own reason (its timeout, the caller's abort). */
function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error('the scan was cancelled');
}

function toSize(value: string | undefined, what: string): number {
  const n = Number(value ?? '0');
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${what}: containerd answered an invalid size "${value}"`);
  return n;
}

export class ContainerdClient {
  private readonly images: ServiceClient;
  private readonly content: ServiceClient;

  constructor(
    readonly socket: string,
    readonly namespace: string,
    private readonly timeoutMs: number,
    readonly signal?: AbortSignal,
  ) {
    const { images, content } = loadServices();
    const options = {
      'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
      'grpc.default_authority': 'localhost',
    };
    this.images = new images(`unix://${socket}`, grpc().credentials.createInsecure(), options);
    // One connection for both services.
    this.content = new content(`unix://${socket}`, grpc().credentials.createInsecure(), {
      ...options,
      channelOverride: this.images.getChannel(),
    });
  }

  private metadata(): Metadata {
    const m = new (grpc().Metadata)();
    m.set('containerd-namespace', this.namespace);
    return m;
  }

  private unary<T>(client: ServiceClient, method: 'Get' | 'Info', request: object): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const { signal } = this;
      if (signal?.aborted) {
        reject(abortReason(signal));
        return;
      }
      const onAbort = (): void => call.cancel();
      const call = client[method]!(request, this.metadata(), { deadline: Date.now() + this.timeoutMs }, (err, res) => {
        signal?.removeEventListener('abort', onAbort);
        if (signal?.aborted) reject(abortReason(signal));
        else if (err) reject(err);
        else resolve(res as T);
      });
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** The image's target descriptor, or undefined when the namespace has no image of that name. */
  async getImage(name: string): Promise<ContainerdDescriptor | undefined> {
    try {
      const res = await this.unary<{ image?: { target?: WireDescriptor } }>(this.images, 'Get', { name });
      const t = res.image?.target;
      if (!t) throw new Error(`containerd: image ${name} has no target`);
      return {
        mediaType: t.mediaType ?? '',
        digest: t.digest ?? '',
        size: toSize(t.size, `image ${name}`),
        annotations: t.annotations ?? {},
      };
    } catch (e) {
      if (grpcStatusName(e) === 'NOT_FOUND') return undefined;
      throw e;
    }
  }

  /** The stored size of a blob, or undefined when the content store does not hold it. */
  async blobSize(digest: string): Promise<number | undefined> {
    try {
      const res = await this.unary<{ info?: { size?: string } }>(this.content, 'Info', { digest });
      return toSize(res.info?.size, `blob ${digest}`);
    } catch (e) {
      if (grpcStatusName(e) === 'NOT_FOUND') return undefined;
      throw e;
    }
  }

  /**
   * Bytes `offset` to `offset + size` of a blob, whole: one Read call under
   * one deadline, its messages checked to be contiguous and to add up to
   * exactly `size`. Callers keep `size` small (a chunk), so the buffer is
   * bounded and the call never waits on a slow consumer.
   */
  async readRange(digest: string, offset: number, size: number): Promise<Buffer> {
    const { signal } = this;
    signal?.throwIfAborted();
    const call = this.content.Read!({ digest, offset, size }, this.metadata(), {
      deadline: Date.now() + this.timeoutMs,
    });
    const onAbort = (): void => call.cancel();
    signal?.addEventListener('abort', onAbort, { once: true });
    const parts: Buffer[] = [];
    let next = offset;
    try {
      for await (const m of call as AsyncIterable<ReadMessage>) {
        const data = m.data ?? Buffer.alloc(0);
        const at = toSize(m.offset, `blob ${digest}`);
        // containerd counts a message's offset from the request's (its readResponseWriter starts at 0); the
        // proto's comment reads as from the blob's start. Either is accepted when contiguous: the digest
        // check over the whole blob is what vouches for the bytes.
        if (at !== next - offset && at !== next)
          throw new Error(`blob ${digest}: containerd sent bytes at offset ${at}, expected ${next - offset}`);
        next += data.length;
        if (next > offset + size)
          throw new Error(`blob ${digest}: containerd sent more than the ${size} bytes asked for at ${offset}`);
        parts.push(data);
      }
    } catch (e) {
      if (signal?.aborted) throw abortReason(signal);
      throw e;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      call.cancel();
    }
    if (next !== offset + size)
      throw new Error(`blob ${digest}: containerd sent ${next - offset} of the ${size} bytes asked for at ${offset}`);
    return Buffer.concat(parts);
  }

  close(): void {
    this.images.close();
  }
}
