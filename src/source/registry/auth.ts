/**
 * Registry authentication from the `WWW-Authenticate` challenge: Basic sends
 * the credentials; Bearer trades them (or nothing, anonymously) for a token
 * at the realm, for the scope the registry asked for.
 */
import { UserError } from '../../util/errors.js';
import type { Credentials } from './credentials.js';
import { get, readBody, type HttpOptions } from './http.js';

export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

export function parseChallenge(header: string): Challenge | undefined {
  const m = /^\s*(\w+)\s*(.*)$/.exec(header);
  if (!m) return undefined;
  const params: Record<string, string> = {};
  const re = /(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g;
  for (let p = re.exec(m[2]!); p; p = re.exec(m[2]!))
    params[p[1]!.toLowerCase()] = (p[2] ?? p[3] ?? '').replace(/\\(.)/g, '$1');
  return { scheme: m[1]!.toLowerCase(), params };
}

export function basicHeader(c: Credentials): string {
  return `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}`;
}

/** How the registry itself is reached, for what a realm may be. */
export interface RegistryEndpoint {
  host: string;
  scheme: 'https' | 'http';
  insecure: boolean;
}

/**
 * The token URL a Bearer challenge names. A plain-HTTP realm for a registry
 * reached over https would send the credentials (and get the token) in
 * clear, so it is refused unless `--insecure` names that registry.
 */
export function tokenUrl(ch: Challenge, scope: string, registry: RegistryEndpoint): URL {
  const host = registry.host;
  const realm = ch.params['realm'];
  if (!realm) throw new UserError(`${host}: Bearer challenge without a realm`, 'the registry is misconfigured');
  let url: URL;
  try {
    url = new URL(realm);
  } catch {
    throw new UserError(`${host}: invalid token realm "${realm.slice(0, 100)}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new UserError(`${host}: token realm must be http(s)`);
  if (url.protocol === 'http:' && registry.scheme === 'https' && !registry.insecure) {
    throw new UserError(
      `${host}: the registry names a plain-HTTP token realm (http://${url.host}); refused, the credentials would travel in clear`,
      "fix the registry's token realm, or pass --insecure if you trust that network",
    );
  }
  if (ch.params['service']) url.searchParams.set('service', ch.params['service']);
  url.searchParams.set('scope', ch.params['scope'] ?? scope);
  return url;
}

/**
 * Trades the credentials (or nothing, anonymously) for a token. The Basic
 * header goes to the realm's origin only: `get` drops it on any redirect
 * away from it. TLS to the realm is verified unless it is on the registry's
 * own host and `--insecure` named that (http.insecureHost).
 */
export async function fetchBearerToken(
  ch: Challenge,
  scope: string,
  creds: Credentials | undefined,
  http: HttpOptions,
  registry: RegistryEndpoint,
): Promise<string> {
  const host = registry.host;
  const url = tokenUrl(ch, scope, registry);
  const res = await get(url, {}, http, creds ? basicHeader(creds) : undefined);
  const body = await readBody(res, 1024 * 1024, `token from ${url.host}`, http.timeoutMs);
  if (res.statusCode !== 200) {
    throw new UserError(
      `${host}: token request to ${url.host} failed with HTTP ${res.statusCode}`,
      creds
        ? 'check the credentials (docker login, --username/--password, --registry-auth)'
        : 'the registry needs credentials: docker login, --registry-auth or --username/--password',
    );
  }
  try {
    const j = JSON.parse(body.toString('utf8')) as { token?: string; access_token?: string };
    const t = j.token ?? j.access_token;
    if (!t) throw new Error('no token field');
    return t;
  } catch (e) {
    throw new UserError(`${host}: unreadable token response from ${url.host} (${(e as Error).message})`);
  }
}
