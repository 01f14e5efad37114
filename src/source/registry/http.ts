/**
 * HTTP for the registry client: node:http/https with a per-request timeout,
 * a redirect limit, and retries with backoff on 429/5xx honouring
 * `Retry-After`. Bodies are streamed; nothing touches disk.
 */
import type { IncomingMessage } from 'node:http';
import { UserError } from '../../util/errors.js';
import { lazyRequire } from '../../util/lazy-require.js';

const http = lazyRequire<typeof import('node:http')>('node:http');
const https = lazyRequire<typeof import('node:https')>('node:https');

export interface HttpOptions {
  /**
   * The one hostname `--insecure` names (the registry's): TLS is not verified
   * there and a redirect to plain HTTP on it is followed. Every other host,
   * a token server or a blob CDN included, gets full verification.
   */
  insecureHost?: string;
  timeoutMs: number;
  retries: number;
  maxRedirects: number;
  /** Upper bound on one Retry-After wait. */
  maxRetryWaitMs: number;
  /** HEAD asks for headers only (a manifest's digest without its body, not counted as a pull by Docker Hub). */
  method?: 'GET' | 'HEAD';
}

export const defaultHttpOptions: HttpOptions = {
  timeoutMs: 60_000,
  retries: 3,
  maxRedirects: 5,
  maxRetryWaitMs: 30_000,
};

function once(url: URL, headers: Record<string, string>, opts: HttpOptions): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const lib = url.protocol === 'https:' ? https() : http();
    const req = lib.request(
      url,
      {
        method: opts.method ?? 'GET',
        headers,
        rejectUnauthorized: url.hostname !== opts.insecureHost,
        timeout: opts.timeoutMs,
      },
      resolve,
    );
    req.on('timeout', () => req.destroy(new Error(`no response within ${opts.timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/**
 * A failed TLS handshake or certificate check: retrying gives the same
 * answer, so it is reported at once (and, for an insecure registry, may
 * mean it speaks plain HTTP).
 */
export function isTlsFailure(e: unknown): boolean {
  const code = String((e as NodeJS.ErrnoException | undefined)?.code ?? '');
  return (
    code === 'EPROTO' ||
    code.startsWith('ERR_SSL') ||
    code.startsWith('ERR_TLS') ||
    /CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code) ||
    /wrong version number|SSL routines|certificate/i.test((e as Error | undefined)?.message ?? '')
  );
}

function retryDelay(res: IncomingMessage, attempt: number, opts: HttpOptions): number {
  const ra = res.headers['retry-after'];
  if (ra) {
    const secs = Number(ra);
    const ms = Number.isFinite(secs) ? secs * 1000 : Date.parse(ra) - Date.now();
    if (ms >= 0) return Math.min(ms, opts.maxRetryWaitMs);
  }
  return Math.min(500 * 2 ** attempt, opts.maxRetryWaitMs);
}

/** Where a redirect may lead: http(s) only, and never from https down to plain HTTP unless `--insecure` names that host. */
function redirectTarget(location: string, from: URL, start: URL, opts: HttpOptions): URL {
  let next: URL;
  try {
    next = new URL(location, from);
  } catch {
    throw new UserError(
      `${start.host}: invalid redirect to "${location.slice(0, 100)}" fetching ${start.pathname}`,
      'the registry or a proxy is misconfigured',
    );
  }
  if (next.protocol !== 'https:' && next.protocol !== 'http:')
    throw new UserError(
      `${start.host}: redirect to a ${next.protocol} URL refused fetching ${start.pathname}`,
      'the registry or a proxy is misconfigured',
    );
  if (from.protocol === 'https:' && next.protocol === 'http:' && next.hostname !== opts.insecureHost) {
    throw new UserError(
      `${start.host}: redirect from https to plain http://${next.host} refused fetching ${start.pathname}`,
      'the registry or a proxy downgrades the connection; use --insecure only if you trust that network',
    );
  }
  return next;
}

/**
 * GET with redirects and retries. `authorization` goes only to the origin
 * (scheme, host and port) of `url`: the first redirect that leaves it, or
 * that downgrades https to http, drops it for good, so neither a blob CDN,
 * a token server's redirect target, nor a plain-HTTP listener on the same
 * host ever sees it.
 */
export async function get(
  url: URL,
  headers: Record<string, string>,
  opts: HttpOptions,
  authorization?: string,
): Promise<IncomingMessage> {
  let current = url;
  let redirects = 0;
  let auth = authorization;
  for (let attempt = 0; ; attempt++) {
    let res: IncomingMessage;
    try {
      res = await once(current, auth ? { ...headers, Authorization: auth } : headers, opts);
    } catch (e) {
      if (attempt < opts.retries && !isTlsFailure(e)) {
        await sleep(Math.min(500 * 2 ** attempt, opts.maxRetryWaitMs));
        continue;
      }
      throw e;
    }
    const status = res.statusCode ?? 0;
    if ([301, 302, 303, 307, 308].includes(status) && res.headers.location) {
      res.resume();
      if (++redirects > opts.maxRedirects)
        throw new UserError(
          `${url.host}: more than ${opts.maxRedirects} redirects fetching ${url.pathname}`,
          'the registry or a proxy is misconfigured',
        );
      current = redirectTarget(res.headers.location, current, url, opts);
      if (current.origin !== url.origin) auth = undefined;
      attempt--; // a redirect is not a retry
      continue;
    }
    if ((status === 429 || status >= 500) && attempt < opts.retries) {
      res.resume();
      await sleep(retryDelay(res, attempt, opts));
      continue;
    }
    return res;
  }
}

/**
 * Reads a small body (manifest, config, token) whole, bounded in size and in
 * total time: a server trickling one byte at a time never trips an idle
 * timeout, so the deadline covers the whole body.
 */
export async function readBody(
  res: IncomingMessage,
  max: number,
  what: string,
  deadlineMs: number = defaultHttpOptions.timeoutMs,
): Promise<Buffer> {
  const declared = Number(res.headers['content-length']);
  if (Number.isFinite(declared) && declared > max) {
    res.destroy();
    throw new UserError(
      `${what}: ${declared} bytes, over the ${max}-byte limit`,
      'the registry sent more than a manifest or config may hold',
    );
  }
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    res.destroy();
  }, deadlineMs);
  const chunks: Buffer[] = [];
  let n = 0;
  try {
    for await (const c of res) {
      n += (c as Buffer).length;
      if (n > max) {
        res.destroy();
        throw new UserError(
          `${what}: more than ${max} bytes`,
          'the registry sent more than a manifest or config may hold',
        );
      }
      chunks.push(c as Buffer);
    }
  } catch (e) {
    if (!timedOut) throw e;
  } finally {
    clearTimeout(timer);
  }
  if (timedOut)
    throw new UserError(
      `${what}: the body did not arrive within ${deadlineMs} ms (${n} bytes received)`,
      'the registry is stalled or the network is slow; retry, or raise --registry-timeout',
    );
  return Buffer.concat(chunks);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
