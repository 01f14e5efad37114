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
  insecure?: boolean;
  timeoutMs?: number;
  retries?: number;
  dockerConfigPath?: string;
  logger?: Logger;
}

function isLoopback(host: string): boolean {
  const h = host.replace(/:\d+$/, '');
  return h === 'localhost' || h.startsWith('127.') || h === '[::1]';
}

export class RegistryClient {
  private authorization: string | undefined;
  private readonly creds: Credentials | undefined;
  private readonly host: string;
  private readonly http: HttpOptions;
  private scheme: 'https' | 'http';

  constructor(private readonly ref: ImageReference, private readonly opts: ClientOptions) {
    this.host = apiHost(ref);
    this.creds = findCredentials(ref.registry, opts);
    this.http = { ...defaultHttpOptions, insecureTls: opts.insecure ?? false, timeoutMs: opts.timeoutMs ?? defaultHttpOptions.timeoutMs, retries: opts.retries ?? defaultHttpOptions.retries };
    this.scheme = 'https';
  }

  get registry(): string { return this.ref.registry; }
  get timeoutMs(): number { return this.http.timeoutMs; }

  private url(path: string): URL { return new URL(`${this.scheme}://${this.host}/v2/${this.ref.repository}/${path}`); }

  private headersFor(extra: Record<string, string>): (u: URL) => Record<string, string> {
    return (u) => (u.host === this.host && this.authorization ? { ...extra, Authorization: this.authorization } : extra);
  }

  private async authenticate(res: IncomingMessage): Promise<void> {
    const ch = parseChallenge(String(res.headers['www-authenticate'] ?? ''));
    if (ch?.scheme === 'bearer') {
      const token = await fetchBearerToken(ch, `repository:${this.ref.repository}:pull`, this.creds, this.http, this.host);
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
      case 401: case 403:
        return new UserError(`${where}: ${what}: HTTP ${status} (access denied)`, 'check the credentials: docker login, --username/--password or CUSTOMS_USERNAME/CUSTOMS_PASSWORD');
      case 404:
        return new UserError(`${where}: ${what}: HTTP 404 (not found)`, 'check the image name and tag');
      case 429:
        return new UserError(`${where}: ${what}: HTTP 429 (rate limited)`, 'wait and retry, or log in to raise the limit');
      default:
        return new UserError(`${where}: ${what}: HTTP ${status}`, status >= 500 ? 'the registry failed; retry later' : 'unexpected registry answer');
    }
  }

  /** GETs a path under the repository, authenticating once; falls back to HTTP for loopback registries like docker does. */
  async fetch(path: string, accept: Record<string, string>, what: string): Promise<IncomingMessage> {
    for (let authTried = false; ;) {
      let res: IncomingMessage;
      try {
        res = await get(this.url(path), this.headersFor(accept), this.http);
      } catch (e) {
        const msg = (e as Error).message;
        if (this.scheme === 'https' && (this.opts.insecure || isLoopback(this.host)) && /EPROTO|wrong version number|ECONNRESET|SSL/i.test(msg)) {
          this.scheme = 'http';
          continue;
        }
        if (e instanceof UserError) throw e;
        throw new UserError(`${this.ref.registry}: ${what}: ${msg}`, /certificate|SSL|TLS/i.test(msg) ? 'for a self-signed or plain-HTTP registry use --insecure' : 'check the registry address and the network');
      }
      if (res.statusCode === 401 && !authTried) {
        res.resume();
        await this.authenticate(res);
        authTried = true;
        continue;
      }
      if (res.statusCode !== 200) { res.resume(); throw this.statusError(res.statusCode ?? 0, what); }
      return res;
    }
  }

  async manifest(reference: string, maxBytes: number): Promise<{ body: Buffer; mediaType: string }> {
    const res = await this.fetch(`manifests/${reference}`, { Accept: MANIFEST_TYPES.join(', ') }, `manifest ${reference}`);
    const body = await readBody(res, maxBytes, `${this.ref.registry}/${this.ref.repository}: manifest ${reference}`, this.http.timeoutMs);
    return { body, mediaType: String(res.headers['content-type'] ?? '').split(';')[0]!.trim() };
  }

  async blob(digest: string): Promise<IncomingMessage> {
    return this.fetch(`blobs/${digest}`, {}, `blob ${digest}`);
  }
}
