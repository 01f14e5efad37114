/**
 * What the server tests share: a throwaway PostgreSQL cluster (Debian's
 * postgresql, run as the postgres user on a free port with its socket in a
 * temp dir), a cache dir holding a copy of the test vulnerability database,
 * server options, and a small HTTP client.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerOptions } from '../../src/server/options.js';
import { MemoryLogger } from '../../src/util/log.js';

const PG_BIN = '/usr/lib/postgresql/15/bin';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface Postgres {
  url: string;
  stop(): void;
}

/** A fresh cluster, or why the test must skip (no PostgreSQL binaries, not root). */
export async function startPostgres(): Promise<Postgres | { skip: string }> {
  if (!existsSync(join(PG_BIN, 'initdb'))) return { skip: `skipped: ${PG_BIN}/initdb not found (Debian postgresql)` };
  if (process.getuid?.() !== 0) return { skip: 'skipped: starting PostgreSQL as the postgres user needs root' };
  const dir = mkdtempSync(join(tmpdir(), 'customs-pg-'));
  chmodSync(dir, 0o755);
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  chownSync(dir, uid, gid);
  const data = join(dir, 'pg');
  const port = await freePort();
  const asPostgres = (cmd: string, args: string[]): void => {
    execFileSync('runuser', ['-u', 'postgres', '--', join(PG_BIN, cmd), ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: 120_000,
    });
  };
  const stop = (): void => {
    try {
      asPostgres('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']);
    } catch {
      // already stopped
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    asPostgres('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8']);
    asPostgres('pg_ctl', [
      '-D',
      data,
      '-l',
      join(dir, 'log'),
      '-w',
      '-o',
      `-p ${port} -k ${dir} -c listen_addresses=''`,
      'start',
    ]);
  } catch (e) {
    stop();
    throw e;
  }
  return { url: `postgres://postgres@localhost/postgres?host=${encodeURIComponent(dir)}&port=${port}`, stop };
}

/** A cache dir of its own with a copy of the test database (servers may not touch the shared one). */
export function cacheWithDb(root: string, sourceCacheDir: string): string {
  const cache = join(root, 'cache');
  mkdirSync(join(cache, 'db'), { recursive: true });
  copyFileSync(join(sourceCacheDir, 'db', 'customs.db'), join(cache, 'db', 'customs.db'));
  return cache;
}

export const TOKEN = 'test-token-0123456789abcdef';

export function serverOptions(
  over: Partial<ServerOptions> & Pick<ServerOptions, 'database' | 'cacheDir'>,
): ServerOptions {
  return {
    listen: { host: '127.0.0.1', port: 0 },
    token: TOKEN,
    workers: 1,
    maxAttempts: 3,
    jobTimeoutSeconds: 60,
    dbCheckIntervalSeconds: 0,
    skipDbUpdate: true,
    registry: {},
    logger: new MemoryLogger(),
    ...over,
  };
}

export interface Api {
  get(path: string, token?: string | null): Promise<Response>;
  post(path: string, body: unknown, token?: string | null): Promise<Response>;
  /** Polls a scan until it is done or failed. */
  waitForScan(
    id: string,
    timeoutMs?: number,
  ): Promise<{ status: string; digest?: string; error?: string; attempts: number }>;
}

export function api(base: string): Api {
  const headers = (token: string | null | undefined): Record<string, string> =>
    token === null ? {} : { authorization: `Bearer ${token ?? TOKEN}` };
  const self: Api = {
    get: (path, token) => fetch(base + path, { headers: headers(token) }),
    post: (path, body, token) =>
      fetch(base + path, {
        method: 'POST',
        headers: { ...headers(token), 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }),
    async waitForScan(id, timeoutMs = 180_000) {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const r = await self.get(`/api/v1/scans/${id}`);
        const scan = (await r.json()) as { status: string; digest?: string; error?: string; attempts: number };
        if (scan.status === 'done' || scan.status === 'failed') return scan;
        if (Date.now() > end) throw new Error(`scan ${id} still ${scan.status} after ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    },
  };
  return self;
}

/** Findings as comparable lines: package, version, id, severity, fixed version. */
export function findingLines(report: {
  Results?: {
    Vulnerabilities?: {
      PkgName: string;
      InstalledVersion: string;
      VulnerabilityID: string;
      Severity: string;
      FixedVersion?: string;
    }[];
  }[];
}): string[] {
  return (report.Results ?? [])
    .flatMap((r) =>
      (r.Vulnerabilities ?? []).map(
        (v) => `${v.PkgName} ${v.InstalledVersion} ${v.VulnerabilityID} ${v.Severity} ${v.FixedVersion ?? ''}`,
      ),
    )
    .sort();
}
