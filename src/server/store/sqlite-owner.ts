/**
 * One server per SQLite store. Its queue is worked in process (queue/
 * sqlite-queue.ts), so a second server on the same file would be a second
 * set of workers nobody configured, and two watchers re-matching at once: it
 * is refused, naming the first. The owner is a row in `meta` renewed while
 * the server runs; a row whose process is gone (same host, pid not alive) or
 * whose lease lapsed (another host) is taken over, so a killed server
 * restarts at once.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { UserError } from '../../util/errors.js';
import type { ServerStore } from './store.js';

const KEY = 'sqlite_server';
const LEASE_MS = 30_000;

interface Owner {
  host: string;
  pid: number;
  /** This server among others in one process (tests start several). */
  instance: string;
  until: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function holds(o: Owner | undefined, instance: string): o is Owner {
  if (!o || o.instance === instance) return false;
  if (o.host === hostname()) return alive(o.pid);
  return Date.parse(o.until) > Date.now();
}

/** Takes the store for this process or throws; returns the function that lets it go. */
export async function ownSqliteStore(store: ServerStore, file: string): Promise<() => Promise<void>> {
  const instance = randomUUID();
  const me = (): Owner => ({
    host: hostname(),
    pid: process.pid,
    instance,
    until: new Date(Date.now() + LEASE_MS).toISOString(),
  });
  await store.db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('meta').select('value').where('key', '=', KEY).executeTakeFirst();
    const owner = row ? (JSON.parse(row.value) as Owner) : undefined;
    if (holds(owner, instance))
      throw new UserError(
        `${file}: another customs server (pid ${owner.pid} on ${owner.host}) uses this store`,
        'stop it first, or give this one its own --database; on PostgreSQL several servers and workers may share one',
      );
    const value = JSON.stringify(me());
    await trx
      .insertInto('meta')
      .values({ key: KEY, value })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
      .execute();
  });
  const renew = setInterval(() => void store.setMeta(KEY, JSON.stringify(me())).catch(() => {}), LEASE_MS / 3);
  renew.unref();
  return async () => {
    clearInterval(renew);
    await store.db.deleteFrom('meta').where('key', '=', KEY).execute();
  };
}
