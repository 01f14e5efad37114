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
  insecureTls: boolean;
  timeoutMs: number;
  retries: number;
  maxRedirects: number;
  /** Upper bound on one Retry-After wait. */
  maxRetryWaitMs: number;
  /** Refuse a redirect from https to anything else (the vulnerability database download sets it). */
  refuseDowngrade?: boolean;
}

export const defaultHttpOptions: HttpOptions = { insecureTls: false, timeoutMs: 60_000, retries: 3, maxRedirects: 5, maxRetryWaitMs: 30_000 };

function once(url: URL, headers: Record<string, string>, opts: HttpOptions): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const lib = url.protocol === 'https:' ? https() : http();
    const req = lib.request(url, { method: 'GET', headers, rejectUnauthorized: !opts.insecureTls, timeout: opts.timeoutMs }, resolve);
    req.on('timeout', () => req.destroy(new Error(`no response within ${opts.timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
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

/**
 * GET with redirects and retries. `headersFor` is asked per URL so auth is
 * sent to the registry but not to a redirect target on another host.
 */
export async function get(url: URL, headersFor: (u: URL) => Record<string, string>, opts: HttpOptions): Promise<IncomingMessage> {
  let current = url;
  let redirects = 0;
  for (let attempt = 0; ; attempt++) {
    let res: IncomingMessage;
    try {
      res = await once(current, headersFor(current), opts);
    } catch (e) {
      if (attempt < opts.retries) { await sleep(Math.min(500 * 2 ** attempt, opts.maxRetryWaitMs)); continue; }
      throw e;
    }
    const status = res.statusCode ?? 0;
    if ([301, 302, 303, 307, 308].includes(status) && res.headers.location) {
      res.resume();
      if (++redirects > opts.maxRedirects) throw new UserError(`${url.host}: more than ${opts.maxRedirects} redirects fetching ${url.pathname}`, 'the registry or a proxy is misconfigured');
      const next = new URL(res.headers.location, current);
      if (opts.refuseDowngrade && current.protocol === 'https:' && next.protocol !== 'https:') {
        throw new UserError(`${url.host}: refusing a redirect from https to ${next.protocol}//${next.host}`, 'a download that starts over TLS must stay on TLS');
      }
      current = next;
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
export async function readBody(res: IncomingMessage, max: number, what: string, deadlineMs: number = defaultHttpOptions.timeoutMs): Promise<Buffer> {
  const declared = Number(res.headers['content-length']);
  if (Number.isFinite(declared) && declared > max) { res.destroy(); throw new UserError(`${what}: ${declared} bytes, over the ${max}-byte limit`, 'the registry sent more than a manifest or config may hold'); }
  let timedOut = false;
  const timer = setTimeout(() => { timedOut = true; res.destroy(); }, deadlineMs);
  const chunks: Buffer[] = [];
  let n = 0;
  try {
    for await (const c of res) {
      n += (c as Buffer).length;
      if (n > max) { res.destroy(); throw new UserError(`${what}: more than ${max} bytes`, 'the registry sent more than a manifest or config may hold'); }
      chunks.push(c as Buffer);
    }
  } catch (e) {
    if (!timedOut) throw e;
  } finally {
    clearTimeout(timer);
  }
  if (timedOut) throw new UserError(`${what}: the body did not arrive within ${deadlineMs} ms (${n} bytes received)`, 'the registry is stalled or the network is slow; retry, or raise --registry-timeout');
  return Buffer.concat(chunks);
}

function sleep(ms: number): Promise<void> { return new Promise((r) => setTimeout(r, ms)); }
