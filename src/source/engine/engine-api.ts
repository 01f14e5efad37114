/**
 * The Docker Engine API, as Docker and Podman's compatible service speak it,
 * through dockerode (loaded on first use: most scans never ask an engine).
 * Each call says "not here" (404) apart from "could not ask" (no socket,
 * refused, not permitted, timed out): the first is an answer, the second an
 * `EngineUnreachable` with its reason for the one "found nowhere" message.
 */
import type { Readable } from 'node:stream';
import type DockerodeType from 'dockerode';
import { UserError, errorMessage } from '../../util/errors.js';
import { lazyRequire } from '../../util/lazy-require.js';
import type { Endpoint } from './endpoint.js';
import { EngineUnreachable, type EngineName } from './local-engine.js';

const dockerode = lazyRequire<typeof DockerodeType>('dockerode');

/** Connecting may take this long (a tcp host that drops packets); then the engine is unreachable. */
const CONNECT_TIMEOUT_MS = 10_000;
/** A request (or a stream) idle this long is given up. */
const IDLE_TIMEOUT_MS = 5 * 60_000;

const UNREACHABLE_CODES: Record<string, string> = {
  ENOENT: 'no socket',
  ECONNREFUSED: 'connection refused',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOTSOCK: 'not a socket',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found',
  ETIMEDOUT: 'timed out',
  ECONNABORTED: 'timed out',
};

export interface ImageInspect {
  Id: string;
  RepoTags?: string[] | null;
  RepoDigests?: string[] | null;
  Os?: string;
  Architecture?: string;
  Variant?: string;
  RootFS?: { Type?: string; Layers?: string[] };
}

export interface ContainerInspect {
  Id: string;
  Name?: string;
  Image: string;
  Created?: string;
  State?: { Running?: boolean; StartedAt?: string; Status?: string };
  Config?: { Image?: string };
}

export interface ContainerChange {
  Path: string;
  /** 0 modified, 1 added, 2 deleted. */
  Kind: number;
}

export class EngineApi {
  private client?: DockerodeType;
  constructor(
    readonly engine: EngineName,
    readonly endpoint: Endpoint,
  ) {}

  private docker(): DockerodeType {
    if (!this.client) {
      const { describe: _describe, ...options } = this.endpoint;
      const Docker = dockerode();
      // docker-modem honours connectionTimeout (passed through as an extra option).
      const modemOptions = { ...options, connectionTimeout: CONNECT_TIMEOUT_MS, timeout: IDLE_TIMEOUT_MS };
      this.client = new Docker(modemOptions);
    }
    return this.client;
  }

  /** undefined for 404; otherwise the error to throw. */
  private classify(e: unknown, what: string): Error | undefined {
    const err = e as { statusCode?: number; code?: string; json?: { message?: unknown } };
    if (err.statusCode === 404) return undefined;
    const reason = err.code ? UNREACHABLE_CODES[err.code] : undefined;
    if (reason) return new EngineUnreachable(this.engine, `${reason} at ${this.endpoint.describe}`);
    // A TLS failure means the engine could not be asked safely: another source may still hold the image.
    if (err.code && /^(ERR_TLS|ERR_SSL|CERT_|UNABLE_TO_|SELF_SIGNED|DEPTH_ZERO|EPROTO)/.test(err.code))
      return new EngineUnreachable(this.engine, `TLS: ${errorMessage(e)} at ${this.endpoint.describe}`);
    if (err.statusCode === undefined && /socket hang up|timeout/i.test(errorMessage(e)))
      return new EngineUnreachable(this.engine, `${errorMessage(e)} at ${this.endpoint.describe}`);
    const message = typeof err.json?.message === 'string' ? err.json.message : errorMessage(e);
    return new UserError(`${this.engine} (${this.endpoint.describe}): ${what}: ${message.trim().slice(0, 300)}`);
  }

  /** Runs one call: 404 → undefined (not here), connection failures → EngineUnreachable, other errors → one line naming the engine. */
  private async orThrow<T>(what: string, run: (d: DockerodeType) => Promise<T>): Promise<T | undefined> {
    try {
      return await run(this.docker());
    } catch (e) {
      const classified = this.classify(e, what);
      if (classified) throw classified;
      return undefined;
    }
  }

  inspectImage(ref: string): Promise<ImageInspect | undefined> {
    return this.orThrow(`inspect image ${ref}`, (d) => d.getImage(ref).inspect() as Promise<ImageInspect>);
  }

  /** `GET /images/{name}/get`: a `docker save` stream of the one image. */
  async saveImage(ref: string): Promise<Readable> {
    const s = await this.orThrow(`export image ${ref}`, (d) => d.getImage(ref).get());
    if (!s) throw new UserError(`${this.engine}: image ${ref} disappeared before it could be exported`, 'scan again');
    return s as Readable;
  }

  inspectContainer(ref: string): Promise<ContainerInspect | undefined> {
    return this.orThrow(
      `inspect container ${ref}`,
      (d) => d.getContainer(ref).inspect() as unknown as Promise<ContainerInspect>,
    );
  }

  /** The ids of running containers, oldest first. */
  async runningContainers(): Promise<string[]> {
    const list = await this.orThrow('list containers', (d) => d.listContainers({ all: false }));
    return (list ?? [])
      .slice()
      .sort((a, b) => a.Created - b.Created)
      .map((c) => c.Id);
  }

  /** `GET /containers/{id}/changes`: paths the writable layer added, modified or deleted. */
  async changes(id: string): Promise<ContainerChange[]> {
    const list = (await this.orThrow(`changes of container ${id}`, (d) => d.getContainer(id).changes())) as unknown;
    // The engine answers `null` when nothing changed.
    if (list === null || list === undefined) return [];
    if (!Array.isArray(list)) throw new UserError(`${this.engine}: container ${id}: the change list is not a list`);
    return list as ContainerChange[];
  }

  /** `GET /containers/{id}/export`: the container's whole filesystem as a tar stream. */
  async exportContainer(id: string): Promise<Readable> {
    const s = await this.orThrow(`export container ${id}`, (d) => d.getContainer(id).export());
    if (!s) throw new UserError(`${this.engine}: container ${id} disappeared before it could be read`, 'scan again');
    return s as Readable;
  }
}
