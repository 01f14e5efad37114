/**
 * What a registry holds, for watchers (the server's `registries:`): the
 * repositories of `_catalog` where the registry allows it, the tags of a
 * repository (`/v2/<name>/tags/list`, following `Link: <…>; rel="next"`),
 * and the digest a tag points at now (HEAD of the manifest). Through the
 * scan's own registry client, so the same credential rules hold: credentials
 * are chosen for the registry named, and a next-page link to another host is
 * refused rather than followed with them.
 */
import { createHash } from 'node:crypto';
import { RegistryClient, MANIFEST_TYPES, type ClientOptions } from '../source/registry/client.js';
import { pathSkipper } from '../layer/path-skip.js';
import { readBody } from '../source/registry/http.js';
import { parseReference } from '../source/registry/reference.js';
import { UserError } from '../util/errors.js';

export type RegistryListOptions = ClientOptions;

const MAX_PAGE_BYTES = 4 * 1024 * 1024;
const PAGE_SIZE = 1000;
const DIGEST = /^sha256:[a-f0-9]{64}$/;

function clientFor(registry: string, repository: string, opts: ClientOptions): RegistryClient {
  return new RegistryClient(parseReference(`${registry}/${repository}`), opts);
}

/** The next page's path from a Link header, or undefined; a link to another host is an error. */
export function nextPage(link: string | undefined, host: string, what: string): string | undefined {
  const m = /<([^>]{1,2048})>\s*;[^,]*rel="?next"?/i.exec(link ?? '');
  if (!m) return undefined;
  const next = new URL(m[1]!, `http://${host}`);
  if (next.host !== host || !next.pathname.startsWith('/v2/'))
    throw new UserError(
      `${host}: ${what}: the next page is on ${next.host}${next.pathname.slice(0, 100)}, not on this registry`,
      'the registry or a proxy is misconfigured; credentials are not sent to another host',
    );
  return next.pathname + next.search;
}

async function pagedList(
  client: RegistryClient,
  first: string,
  field: 'tags' | 'repositories',
  max: number,
  what: string,
): Promise<string[]> {
  const out: string[] = [];
  for (let path: string | undefined = first; path;) {
    const res = await client.fetch(path, { Accept: 'application/json' }, what);
    const body = await readBody(res, MAX_PAGE_BYTES, `${client.registry}: ${what}`, client.timeoutMs);
    let page: unknown;
    try {
      page = JSON.parse(body.toString('utf8'));
    } catch {
      throw new UserError(`${client.registry}: ${what}: the answer is not JSON`, 'the registry is misconfigured');
    }
    const items = (page as Record<string, unknown> | null)?.[field];
    if (items !== null && items !== undefined && !Array.isArray(items))
      throw new UserError(`${client.registry}: ${what}: "${field}" is not a list`, 'the registry is misconfigured');
    for (const t of items ?? []) if (typeof t === 'string') out.push(t);
    if (out.length > max)
      throw new UserError(`${client.registry}: ${what}: more than ${max} entries`, 'narrow the repository globs');
    path = nextPage(String(res.headers.link ?? ''), client.apiHost, what);
  }
  return out;
}

/** Every tag of a repository (at most `max`), asked `pageSize` at a time. */
export function listTags(
  registry: string,
  repository: string,
  opts: ClientOptions,
  max = 10_000,
  pageSize = PAGE_SIZE,
): Promise<string[]> {
  return pagedList(clientFor(registry, repository, opts), `tags/list?n=${pageSize}`, 'tags', max, `${repository} tags`);
}

/** The repositories `_catalog` lists, or undefined when the registry does not allow it (401, 403, 404). */
export async function listRepositories(
  registry: string,
  opts: ClientOptions,
  max = 10_000,
): Promise<string[] | undefined> {
  // The repository part only names the client; _catalog is asked from the registry root.
  const client = clientFor(registry, 'catalog', { ...opts, scope: 'registry:catalog:*' });
  try {
    return await pagedList(client, `/v2/_catalog?n=${PAGE_SIZE}`, 'repositories', max, '_catalog');
  } catch (e) {
    if (e instanceof UserError && /HTTP (401|403|404)/.test(e.message)) return undefined;
    throw e;
  }
}

/** The digest a tag points at: Docker-Content-Digest of a HEAD, or the hash of the manifest when the header is missing. */
export async function tagDigest(
  registry: string,
  repository: string,
  tag: string,
  opts: ClientOptions,
): Promise<string> {
  const client = clientFor(registry, repository, opts);
  const accept = { Accept: MANIFEST_TYPES.join(', ') };
  const head = await client.fetch(`manifests/${tag}`, accept, `manifest ${tag}`, 'HEAD');
  head.resume();
  const header = String(head.headers['docker-content-digest'] ?? '');
  if (DIGEST.test(header)) return header;
  const res = await client.fetch(`manifests/${tag}`, accept, `manifest ${tag}`);
  const body = await readBody(res, MAX_PAGE_BYTES, `${registry}/${repository}: manifest ${tag}`, client.timeoutMs);
  return `sha256:${createHash('sha256').update(body).digest('hex')}`;
}

/** Whether a name (`team/app`, a tag) matches any of the globs (`*`, `?`, `[a-z]`, `**`, `{a,b}`), in bounded time. */
export function globMatcher(globs: readonly string[]): (name: string) => boolean {
  const skipper = pathSkipper([], globs);
  return (name) => skipper.skipsFile(name);
}
