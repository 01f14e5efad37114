/**
 * `customs server` and `customs worker`: flags parsed here, everything else
 * in src/server, loaded only when one of these commands runs (its
 * dependencies — fastify, pg, pg-boss, kysely — cost every other command
 * nothing).
 */
import type { Command } from 'commander';
import { resolveCacheDir } from '../../api/environment.js';
import type { ServerOptions } from '../../server/options.js';
import { parseDuration } from '../../util/duration.js';
import { UserError } from '../../util/errors.js';
import { StderrLogger } from '../../util/log.js';

interface Flags {
  listen?: string;
  database?: string;
  cacheDir?: string;
  tokenFile?: string;
  config?: string;
  allowLocalInput?: string;
  workers: string;
  maxAttempts: string;
  jobTimeout: string;
  maintenanceInterval: string;
  dbCheckInterval?: string;
  skipDbUpdate?: boolean;
  dbSource?: string[];
  insecure?: boolean;
  username?: string;
  password?: string;
  debug?: boolean;
  quiet?: boolean;
}

function wholeNumber(v: string, flag: string, min: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > 1000)
    throw new UserError(`${flag} ${v}: not a whole number from ${min} to 1000`);
  return n;
}

function parseListen(v: string): { host: string; port: number } {
  const m = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(v);
  const port = Number(m?.[2]);
  if (!m || port > 65535) throw new UserError(`--listen ${v}: not HOST:PORT`, 'e.g. --listen 127.0.0.1:8080');
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port };
}

async function optionsOf(f: Flags): Promise<ServerOptions> {
  const { defaultDatabase } = await import('../../server/store/connect.js');
  const { loadToken } = await import('../../server/http/auth.js');
  const cacheDir = resolveCacheDir(f.cacheDir);
  const { loadServerConfig } = await import('../../server/config.js');
  const config = f.config ? loadServerConfig(f.config) : undefined;
  return {
    database: f.database ?? process.env['CUSTOMS_SERVER_DATABASE'] ?? defaultDatabase(cacheDir),
    cacheDir,
    ...(f.listen ? { listen: parseListen(f.listen) } : {}),
    token: loadToken(f.tokenFile),
    allowLocalInput: f.allowLocalInput,
    workers: wholeNumber(f.workers, '--workers', 0),
    maxAttempts: wholeNumber(f.maxAttempts, '--max-attempts', 1),
    jobTimeoutSeconds: Math.max(1, Math.round(parseDuration(f.jobTimeout, '--job-timeout') / 1000)),
    maintenanceIntervalSeconds: Math.max(
      1,
      Math.round(parseDuration(f.maintenanceInterval, '--maintenance-interval') / 1000),
    ),
    dbCheckIntervalSeconds: Math.round(parseDuration(f.dbCheckInterval ?? '0', '--db-check-interval') / 1000),
    skipDbUpdate: f.skipDbUpdate ?? false,
    dbSources: f.dbSource,
    registry: {
      insecure: f.insecure,
      username: f.username ?? process.env['CUSTOMS_USERNAME'],
      password: f.password ?? process.env['CUSTOMS_PASSWORD'],
    },
    ...(config ? { registries: config.registries, webhookSecrets: config.webhookSecrets } : {}),
    logger: new StderrLogger(f.debug ? 'debug' : 'info', f.quiet ?? false),
  };
}

function common(cmd: Command): Command {
  return cmd
    .option(
      '--database <url>',
      'sqlite:PATH (default: a file in the cache dir) or postgres://… (env CUSTOMS_SERVER_DATABASE)',
    )
    .option(
      '--cache-dir <dir>',
      'cache directory: vulnerability database, layer cache, default store (env CUSTOMS_CACHE_DIR)',
    )
    .option('--allow-local-input <dir>', 'allow scan requests to name image archives under this directory')
    .option('--workers <n>', 'scans run at once by this process (server on PostgreSQL: 0 for the API alone)', '1')
    .option('--max-attempts <n>', 'runs of a scan job before it fails', '3')
    .option('--job-timeout <duration>', 'a job running longer counts as abandoned and is retried', '15m')
    .option('--maintenance-interval <duration>', 'PostgreSQL: how often abandoned jobs are looked for', '60s')
    .option('--skip-db-update', 'never build or refresh the vulnerability database for a scan')
    .option('--db-source <src...>', 'OSV export locations for database builds (env CUSTOMS_DB_SOURCE)')
    .option('--insecure', 'allow plain HTTP and self-signed TLS registries')
    .option('--username <user>', 'registry user (env CUSTOMS_USERNAME)')
    .option('--password <pass>', 'registry password (env CUSTOMS_PASSWORD)')
    .option('-q, --quiet', 'errors only')
    .option('-d, --debug', 'debug messages');
}

/** Runs until SIGINT/SIGTERM, then closes cleanly (jobs in flight are retried by the queue). */
async function runUntilSignal(close: () => Promise<void>): Promise<void> {
  // pg-boss's timers do not hold the process open: a worker with nothing else would exit at once.
  const keepAlive = setInterval(() => {}, 1 << 30);
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  clearInterval(keepAlive);
  await close();
}

export function registerServer(program: Command): void {
  common(
    program
      .command('server')
      .description('run the scan API with its store, queue and workers')
      .option('--listen <host:port>', 'address to listen on', '127.0.0.1:8080')
      .option('--token-file <file>', 'file holding the API token (env CUSTOMS_SERVER_TOKEN)')
      .option('--config <file>', 'server config (YAML): registries to watch, webhook secrets')
      .option('--db-check-interval <duration>', 'how often to look for a new vulnerability database (0: never)', '60s'),
  ).action(async (f: Flags) => {
    const opts = await optionsOf(f);
    const { startServer } = await import('../../server/main.js');
    const running = await startServer(opts);
    await runUntilSignal(() => running.close());
  });
  common(program.command('worker').description('run scan workers for a server sharing a PostgreSQL store')).action(
    async (f: Flags) => {
      const opts = await optionsOf(f);
      const { startWorker } = await import('../../server/main.js');
      const running = await startWorker(opts);
      await runUntilSignal(() => running.close());
    },
  );
}
