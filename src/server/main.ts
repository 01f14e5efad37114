/**
 * `customs server`: the store, the queue and its workers, the database
 * watcher that re-matches on change, and the HTTP API, in one process.
 * `customs worker`: workers only, on a PostgreSQL store shared with a server.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { UserError, errorMessage } from '../util/errors.js';
import { buildApp } from './http/app.js';
import type { ServerContext } from './http/context.js';
import { ServerMetrics } from './metrics.js';
import type { ServerOptions } from './options.js';
import { PgBossQueue } from './queue/pgboss-queue.js';
import type { JobQueue } from './queue/queue.js';
import { SqliteQueue } from './queue/sqlite-queue.js';
import { watchRegistries } from './registry-watch.js';
import { rematchChanged, type RematchSummary } from './rematch.js';
import { lostJobHandler, scanJobHandler } from './scan-job.js';
import { ownSqliteStore } from './store/sqlite-owner.js';
import { ServerStore } from './store/store.js';

export interface Running {
  /** The address listened on (server only): `http://HOST:PORT`. */
  url?: string;
  close(): Promise<void>;
}

async function openQueue(store: ServerStore, opts: ServerOptions): Promise<JobQueue> {
  const settings = { maxAttempts: opts.maxAttempts, jobTimeoutSeconds: opts.jobTimeoutSeconds };
  if (store.dialect === 'sqlite') return new SqliteQueue(store.db, settings);
  return PgBossQueue.start({
    ...settings,
    connectionString: opts.database,
    maintenanceIntervalSeconds: opts.maintenanceIntervalSeconds,
    onError: (e) => opts.logger.warn(`job queue: ${e.message}`),
  });
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

export async function startServer(opts: ServerOptions): Promise<Running> {
  const listen = opts.listen ?? { host: '127.0.0.1', port: 8080 };
  if (!opts.token && !isLoopback(listen.host))
    throw new UserError(
      `--listen ${listen.host}: the API would be open to the network without a token`,
      'set CUSTOMS_SERVER_TOKEN or --token-file, or listen on 127.0.0.1',
    );
  const store = await ServerStore.open(opts.database);
  if (opts.workers === 0 && store.dialect === 'sqlite') {
    await store.close();
    throw new UserError(
      '--workers 0 on SQLite would leave every scan queued',
      'run at least one worker, or use PostgreSQL with `customs worker` processes',
    );
  }
  let queue: JobQueue | undefined;
  let timer: NodeJS.Timeout | undefined;
  let release: (() => Promise<void>) | undefined;
  let watcher: { stop(): Promise<void> } | undefined;
  try {
    if (store.dialect === 'sqlite') release = await ownSqliteStore(store, opts.database);
    queue = await openQueue(store, opts);
    const metrics = new ServerMetrics(store, queue);
    const dbFile = join(opts.cacheDir, 'db', 'customs.db');
    // One re-match at a time, whoever asks (the watcher or the API).
    let chain: Promise<unknown> = Promise.resolve();
    const rematch = (full: boolean): Promise<RematchSummary> => {
      const run = chain.then(() => rematchChanged(store, opts, full, metrics));
      chain = run.catch(() => {});
      return run;
    };
    const ctx: ServerContext = {
      store,
      queue,
      metrics,
      opts,
      rematch,
      databaseReady: () => existsSync(dbFile),
    };
    const watch = (): void => {
      if (!existsSync(dbFile)) return;
      rematch(false).catch((e) => opts.logger.warn(`re-match after a database change failed: ${errorMessage(e)}`));
    };
    watch();
    if (opts.dbCheckIntervalSeconds > 0) {
      timer = setInterval(watch, opts.dbCheckIntervalSeconds * 1000);
      timer.unref();
    }
    if (opts.workers > 0)
      await queue.work(scanJobHandler(store, opts, metrics), opts.workers, lostJobHandler(store, metrics));
    const app = await buildApp(ctx);
    const url = await app.listen({ host: listen.host, port: listen.port });
    watcher = watchRegistries(opts.registries ?? [], store, queue, opts.logger);
    opts.logger.info(`customs server listening on ${url} (store: ${store.dialect})`);
    const q = queue;
    const w = watcher;
    return {
      url,
      close: async () => {
        clearInterval(timer);
        await w.stop();
        await app.close();
        await q.stop();
        await chain;
        await release?.();
        await store.close();
      },
    };
  } catch (e) {
    clearInterval(timer);
    await queue?.stop().catch(() => {});
    await release?.().catch(() => {});
    await store.close();
    throw e;
  }
}

export async function startWorker(opts: ServerOptions): Promise<Running> {
  if (!/^postgres(ql)?:\/\//i.test(opts.database))
    throw new UserError(
      'customs worker needs a PostgreSQL store (--database postgres://…)',
      'on SQLite the server runs its own workers: use `customs server --workers N`',
    );
  const store = await ServerStore.open(opts.database);
  try {
    const queue = await openQueue(store, opts);
    await queue.work(scanJobHandler(store, opts), opts.workers, lostJobHandler(store));
    opts.logger.info(`customs worker running ${opts.workers} job(s) at once`);
    return {
      close: async () => {
        await queue.stop();
        await store.close();
      },
    };
  } catch (e) {
    await store.close();
    throw e;
  }
}
