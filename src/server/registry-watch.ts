/**
 * Registry watching (`registries:` in the config): every poll interval the
 * repositories matching the globs (through `_catalog` where the registry
 * allows it; a glob-free name is used as it is) are listed, their tags
 * filtered, and each tag's current digest compared with the one recorded at
 * the last poll. A tag whose digest changed (or is new) queues a scan of
 * `host/repository:tag@digest`; an unchanged tag queues nothing. One
 * registry failing is logged and retried at its next poll; the others go on.
 */
import { globMatcher, listRepositories, listTags, tagDigest, type RegistryListOptions } from '../api/registry-tags.js';
import { errorMessage } from '../util/errors.js';
import type { Logger } from '../util/log.js';
import type { WatchedRegistry } from './config.js';
import { lockKeyOf, type JobQueue } from './queue/queue.js';
import type { ServerStore } from './store/store.js';

/** A tag as the distribution spec allows it: also what keeps a hostile tag list out of the manifest URL. */
const TAG = /^[\w][\w.-]{0,127}$/;
const GLOB_CHARS = /[*?[\]{}]/;

export interface PollSummary {
  repositories: number;
  tags: number;
  queued: string[];
}

function clientOptions(r: WatchedRegistry, logger: Logger): RegistryListOptions {
  const user = r.usernameEnv ? process.env[r.usernameEnv] : undefined;
  const pass = r.passwordEnv ? process.env[r.passwordEnv] : undefined;
  return {
    insecure: r.insecure,
    // Scoped to this host: the credentials are never offered to another registry.
    ...(user && pass ? { registryAuth: [`${r.host}=${user}:${pass}`] } : {}),
    ...(r.dockerConfig ? { dockerConfigPath: r.dockerConfig } : {}),
    timeoutMs: 30_000,
    retries: 2,
    logger,
  };
}

async function repositoriesOf(r: WatchedRegistry, opts: RegistryListOptions): Promise<string[]> {
  const exact = r.repositories.filter((g) => !GLOB_CHARS.test(g));
  const globs = r.repositories.filter((g) => GLOB_CHARS.test(g));
  if (!globs.length) return exact;
  const catalog = await listRepositories(r.host, opts);
  if (!catalog) {
    opts.logger?.warn(`${r.host}: _catalog is not allowed; watching only the repositories named without globs`);
    return exact;
  }
  const matches = globMatcher(globs);
  return [...new Set([...exact, ...catalog.filter(matches)])];
}

function tagFilter(r: WatchedRegistry): (tag: string) => boolean {
  const globs = r.tags.length ? globMatcher(r.tags) : () => true;
  return (tag) => TAG.test(tag) && globs(tag) && (r.tagRegex ? r.tagRegex.test(tag) : true);
}

/** One poll of one registry entry. */
export async function pollRegistry(
  r: WatchedRegistry,
  store: ServerStore,
  queue: JobQueue,
  logger: Logger,
): Promise<PollSummary> {
  const opts = clientOptions(r, logger);
  const repositories = await repositoriesOf(r, opts);
  const wanted = tagFilter(r);
  const summary: PollSummary = { repositories: repositories.length, tags: 0, queued: [] };
  for (const repository of repositories) {
    let tags: string[];
    try {
      tags = (await listTags(r.host, repository, opts)).filter(wanted);
    } catch (e) {
      logger.warn(`${r.host}/${repository}: listing tags failed: ${errorMessage(e)}`);
      continue;
    }
    for (const tag of tags) {
      summary.tags++;
      const digest = await tagDigest(r.host, repository, tag, opts);
      if ((await store.watchedDigest(r.host, repository, tag)) === digest) continue;
      const ref = `${r.host}/${repository}:${tag}@${digest}`;
      const scan = await store.createScan(ref);
      await queue.enqueue({ scanId: scan.id, lockKey: lockKeyOf(ref) });
      await store.setWatchedDigest(r.host, repository, tag, digest);
      await store.audit({
        actor: 'registry-watch',
        action: 'watch.digest-changed',
        resource: ref,
        result: `queued ${scan.id}`,
      });
      summary.queued.push(scan.id);
    }
  }
  return summary;
}

/** Polls every entry now and then on its interval; one poll of an entry at a time. Returns the stopper. */
export function watchRegistries(
  registries: WatchedRegistry[],
  store: ServerStore,
  queue: JobQueue,
  logger: Logger,
): { stop(): Promise<void> } {
  const timers: NodeJS.Timeout[] = [];
  const running = new Set<Promise<unknown>>();
  let stopped = false;
  for (const r of registries) {
    let busy = false;
    const poll = (): void => {
      if (busy || stopped) return;
      busy = true;
      const p = pollRegistry(r, store, queue, logger)
        .then((s) =>
          logger.debug(`${r.host}: ${s.tags} tag(s) in ${s.repositories} repositories, ${s.queued.length} queued`),
        )
        .catch((e) => logger.warn(`${r.host}: registry poll failed: ${errorMessage(e)}`))
        .finally(() => {
          busy = false;
          running.delete(p);
        });
      running.add(p);
    };
    poll();
    const t = setInterval(poll, r.pollIntervalMs);
    t.unref();
    timers.push(t);
  }
  return {
    async stop() {
      stopped = true;
      for (const t of timers) clearInterval(t);
      await Promise.all([...running]);
    },
  };
}
