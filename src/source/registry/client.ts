/**
 * A minimal OCI distribution client: manifests and blobs for one
 * repository, authenticating on the first 401 and reusing the result.
 */
import type { IncomingMessage } from 'node:http';
import { UserError } from '../../util/errors.js';
import type { Logger } from '../../util/log.js';
import { basicHeader, fetchBearerToken, parseChallenge } from './auth.js';
import { findCredentials, type Credentials } from './credentials.js';
import { defaultHttpOptions, get, readBody, type HttpOptions } from './http.js';
import { apiHost, type ImageReference } from './reference.js';

export const MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
];

export interface ClientOptions {
  username?: string;
  password?: string;
  registryAuth?: string[];
  stdinPassword?: string;
  /** For this registry (the image's) only: plain HTTP, self-signed TLS. Token and blob hosts elsewhere stay verified. */
  insecure?: boolean;
  timeoutMs?: number;
  retries?: number;
  dockerConfigPath?: string;
  logger?: Logger;
  /** Token scope asked for on a Bearer challenge (default: pull on the repository; `registry:catalog:*` for _catalog). */
  scope?: string;
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname.startsWith('127.') || hostname === '[::1]';
}

/**
 * Why the first https attempt failed in a way that means "this registry
 * speaks plain HTTP": a TLS handshake that met HTTP, or nothing listening
 * for TLS. A reset, a timeout or a certificate error is not such a sign.
 */
function meansPlainHttp(e: unknown): boolean {
  const code = String((e as NodeJS.ErrnoException).code ?? '');
  return (
    code === 'ECONNREFUSED' ||
    code === 'EPROTO' ||
    code.startsWith('ERR_SSL') ||
    /wrong version number|packet length too long|http request/i.test((e as Error).message)
  );
}

export class RegistryClient {
  private authorization: string | undefined;
  private readonly creds: Credentials | undefined;
  private readonly host: string;
  private readonly hostname: string;
  private readonly insecure: boolean;
  private readonly http: HttpOptions;
  private scheme: 'https' | 'http';
  /** Set by the first answer from the registry: the scheme never changes after it. */
  private schemeSettled = false;

  constructor(
    private readonly ref: ImageReference,
    private readonly opts: ClientOptions,
  ) {
    this.host = apiHost(ref);
    this.hostname = new URL(`https://${this.host}`).hostname;
    this.insecure = opts.insecure ?? false;
    this.creds = findCredentials(ref.registry, opts);
    this.http = {
      ...defaultHttpOptions,
      insecureHost: this.insecure ? this.hostname : undefined,
      timeoutMs: opts.timeoutMs ?? defaultHttpOptions.timeoutMs,
      retries: opts.retries ?? defaultHttpOptions.retries,
    };
    this.scheme = 'https';
  }

  get registry(): string {
    return this.ref.registry;
  }
  get timeoutMs(): number {
    return this.http.timeoutMs;
  }

  /** The host the API is spoken to: a next-page link naming another host is not followed (credentials stay here). */
  get apiHost(): string {
    return this.host;
  }

  /** `/v2/…` is a path from the registry root (_catalog, a Link header's next page); anything else is under the repository. */
  private url(path: string): URL {
    const p = path.startsWith('/v2/') ? path : `/v2/${this.ref.repository}/${path}`;
    return new URL(`${this.scheme}://${this.host}${p}`);
  }

  private async authenticate(res: IncomingMessage): Promise<void> {
    const ch = parseChallenge(String(res.headers['www-authenticate'] ?? ''));
    if (ch?.scheme === 'bearer') {
      const token = await fetchBearerToken(
        ch,
        this.opts.scope ?? `repository:${this.ref.repository}:pull`,
        this.creds,
        this.http,
        {
          host: this.host,
          scheme: this.scheme,
          insecure: this.insecure,
        },
      );
      this.authorization = `Bearer ${token}`;
    } else if (ch?.scheme === 'basic' && this.creds) {
      this.authorization = basicHeader(this.creds);
    } else {
      throw this.statusError(401, 'authentication required');
    }
  }

  private statusError(status: number, what: string): UserError {
    const where = `${this.ref.registry}/${this.ref.repository}`;
    switch (status) {
      case 401:
      case 403:
        return new UserError(
          `${where}: ${what}: HTTP ${status} (access denied)`,
          'check the credentials: docker login, --registry-auth, --username/--password or CUSTOMS_USERNAME/CUSTOMS_PASSWORD',
        );
      case 404:
        return new UserError(`${where}: ${what}: HTTP 404 (not found)`, 'check the image name and tag');
      case 429:
        return new UserError(
          `${where}: ${what}: HTTP 429 (rate limited)`,
          'wait and retry, or log in to raise the limit',
        );
      default:
        return new UserError(
          `${where}: ${what}: HTTP ${status}`,
          status >= 500 ? 'the registry failed; retry later' : 'unexpected registry answer',
        );
    }
  }

  /**
   * GETs a path under the repository, authenticating once. An insecure (or,
   * as docker and Trivy do, a loopback) registry whose first https attempt
   * fails at TLS or connect is spoken to over plain HTTP; once the registry
   * has answered, the scheme is fixed, so a reset later never downgrades it.
   */
  async fetch(
    path: string,
    accept: Record<string, string>,
    what: string,
    method: 'GET' | 'HEAD' = 'GET',
  ): Promise<IncomingMessage> {
    for (let authTried = false; ;) {
      let res: IncomingMessage;
      try {
        res = await get(this.url(path), accept, { ...this.http, method }, this.authorization);
        this.schemeSettled = true;
      } catch (e) {
        const msg = (e as Error).message;
        if (
          !this.schemeSettled &&
          this.scheme === 'https' &&
          (this.insecure || isLoopback(this.hostname)) &&
          meansPlainHttp(e)
        ) {
          this.opts.logger?.debug(`${this.host}: https failed (${msg}); using plain HTTP for this registry`);
          this.scheme = 'http';
          this.schemeSettled = true;
          continue;
        }
        if (e instanceof UserError) throw e;
        throw new UserError(
          `${this.ref.registry}: ${what}: ${msg}`,
          /certificate|SSL|TLS/i.test(msg)
            ? 'for a self-signed or plain-HTTP registry use --insecure'
            : 'check the registry address and the network',
        );
      }
      if (res.statusCode === 401 && !authTried) {
        res.resume();
        await this.authenticate(res);
        authTried = true;
        continue;
      }
      if (res.statusCode !== 200) {
        res.resume();
        throw this.statusError(res.statusCode ?? 0, what);
      }
      return res;
    }
  }

  async manifest(reference: string, maxBytes: number): Promise<{ body: Buffer; mediaType: string }> {
    const res = await this.fetch(
      `manifests/${reference}`,
      { Accept: MANIFEST_TYPES.join(', ') },
      `manifest ${reference}`,
    );
    const body = await readBody(
      res,
      maxBytes,
      `${this.ref.registry}/${this.ref.repository}: manifest ${reference}`,
      this.http.timeoutMs,
    );
    return {
      body,
      mediaType: String(res.headers['content-type'] ?? '')
        .split(';')[0]!
        .trim(),
    };
  }

  async blob(digest: string): Promise<IncomingMessage> {
    return this.fetch(`blobs/${digest}`, {}, `blob ${digest}`);
  }
}
