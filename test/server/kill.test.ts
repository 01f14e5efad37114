/**
 * A worker killed mid-scan loses nothing. On SQLite the server is its own
 * worker: `kill -9` of the server while a scan runs, a restart, and the job
 * is claimed again once its lease lapses and completes. On PostgreSQL two
 * `customs worker` processes share pg-boss's queue: one is killed mid-scan,
 * and every job still ends done, each stored once.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startServer } from '../../src/server/main.js';
import { ServerStore } from '../../src/server/store/store.js';
import { ensureDb } from '../support/db.js';
import { imageCache, imageForms } from '../support/images.js';
import { cliPath } from '../support/paths.js';
import { writeSmallBookwormImage } from '../support/small-image.js';
import { TOKEN, api, cacheWithDb, freePort, serverOptions, startPostgres, type Api } from './support.js';

/** A real image whose uncached scan takes long enough to be killed in the middle. */
function bigImage(): string | undefined {
  const f = imageForms(imageCache, 'debian-bookworm').dockerArchive;
  return existsSync(f) ? f : undefined;
}

const logs: string[] = [];

function customs(args: string[]): ChildProcess {
  const child = spawn(process.execPath, [cliPath, ...args], {
    env: { ...process.env, CUSTOMS_SERVER_TOKEN: TOKEN },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  // Its log is shown when the test fails, for the reason.
  child.stderr.on('data', (c: Buffer) => logs.push(`[${args[0]} ${child.pid}] ${c.toString()}`));
  return child;
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) =>
    child.exitCode !== null || child.signalCode ? resolve() : child.once('exit', () => resolve()),
  );
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function statusOf(c: Api, id: string): Promise<string> {
  const r = await c.get(`/api/v1/scans/${id}`);
  return r.ok ? ((await r.json()) as { status: string }).status : 'unreachable';
}

test('SQLite: the server killed mid-scan; after a restart the job is retried and completes once', async (t) => {
  const db = ensureDb();
  if ('skip' in db) return t.skip(db.skip);
  const image = bigImage();
  if (!image)
    return t.skip(`skipped: ${imageCache}/docker-archive/debian-bookworm.tar not built (test/support/images.ts)`);
  const root = mkdtempSync(join(tmpdir(), 'customs-server-kill-'));
  const children: ChildProcess[] = [];
  try {
    const cache = cacheWithDb(root, db.cacheDir);
    const images = join(root, 'images');
    mkdirSync(images);
    copyFileSync(image, join(images, 'bookworm.tar'));
    const database = `sqlite:${join(root, 'store.db')}`;
    const port = await freePort();
    const args = ['server', '--listen', `127.0.0.1:${port}`, '--database', database, '--cache-dir', cache];
    args.push('--allow-local-input', images, '--job-timeout', '4s', '--skip-db-update', '--db-check-interval', '0');
    const first = customs(args);
    children.push(first);
    const c = api(`http://127.0.0.1:${port}`);
    await until(
      'the server to listen',
      async () => (await c.get('/healthz', null).catch(() => undefined))?.ok === true,
    );
    const posted = (await (await c.post('/api/v1/scans', { image: join(images, 'bookworm.tar') })).json()) as {
      id: string;
    };
    await until('the scan to start', async () => (await statusOf(c, posted.id)) === 'running');
    first.kill('SIGKILL');
    await exited(first);

    const second = customs(args);
    children.push(second);
    await until(
      'the restarted server to listen',
      async () => (await c.get('/healthz', null).catch(() => undefined))?.ok === true,
    );
    const scan = await c.waitForScan(posted.id);
    assert.equal(scan.status, 'done', scan.error);
    assert.equal(scan.attempts, 2, 'the killed attempt and the one that completed');
    const history = (await (await c.get(`/api/v1/images/${scan.digest}/history`)).json()) as { entries: unknown[] };
    assert.equal(history.entries.length, 1, 'stored once');
  } finally {
    for (const child of children) child.kill('SIGKILL');
    await Promise.all(children.map(exited));
    rmSync(root, { recursive: true, force: true });
  }
});

test('PostgreSQL: kill -9 of one of two workers mid-scan; every job ends done, none twice', async (t) => {
  const db = ensureDb();
  if ('skip' in db) return t.skip(db.skip);
  const image = bigImage();
  if (!image)
    return t.skip(`skipped: ${imageCache}/docker-archive/debian-bookworm.tar not built (test/support/images.ts)`);
  const pg = await startPostgres();
  if ('skip' in pg) return t.skip(pg.skip);
  const root = mkdtempSync(join(tmpdir(), 'customs-server-kill-pg-'));
  const children: ChildProcess[] = [];
  try {
    const cache = cacheWithDb(root, db.cacheDir);
    const images = join(root, 'images');
    mkdirSync(images);
    copyFileSync(image, join(images, 'bookworm.tar'));
    writeSmallBookwormImage(images);
    // The API alone in this process; the scans run in worker processes.
    const server = await startServer(
      serverOptions({
        database: pg.url,
        cacheDir: cache,
        allowLocalInput: images,
        workers: 0,
        jobTimeoutSeconds: 6,
        maintenanceIntervalSeconds: 1,
      }),
    );
    try {
      const c = api(server.url!);
      const workerArgs = ['worker', '--database', pg.url, '--cache-dir', cache, '--allow-local-input', images];
      workerArgs.push('--job-timeout', '6s', '--maintenance-interval', '1s', '--skip-db-update');
      const victim = customs(workerArgs);
      children.push(victim);
      const ids: string[] = [];
      for (const name of ['bookworm.tar', 'image.tar', 'bookworm.tar']) {
        const r = (await (await c.post('/api/v1/scans', { image: join(images, name) })).json()) as { id: string };
        ids.push(r.id);
      }
      await until('the first scan to start', async () => (await statusOf(c, ids[0]!)) === 'running').catch(
        async (e) => {
          logs.push(JSON.stringify(await (await c.get(`/api/v1/scans/${ids[0]}`)).json()));
          throw e;
        },
      );
      const survivor = customs(workerArgs);
      children.push(survivor);
      victim.kill('SIGKILL');
      await exited(victim);
      for (const id of ids) {
        const scan = await c.waitForScan(id, 240_000);
        assert.equal(scan.status, 'done', `${id}: ${scan.error}`);
      }
      const first = (await (await c.get(`/api/v1/scans/${ids[0]}`)).json()) as { attempts: number };
      assert.ok(first.attempts >= 2, 'the killed scan ran again');
      // None twice: one report per scan, one scan per request.
      const store = await ServerStore.open(pg.url);
      try {
        const reports = await store.db.selectFrom('reports').select('scan_id').execute();
        assert.deepEqual(reports.map((r) => r.scan_id).sort(), [...ids].sort());
      } finally {
        await store.close();
      }
    } finally {
      await server.close();
    }
  } catch (e) {
    process.stderr.write(logs.join(''));
    throw e;
  } finally {
    for (const child of children) child.kill('SIGKILL');
    await Promise.all(children.map(exited));
    pg.stop();
    rmSync(root, { recursive: true, force: true });
  }
});
