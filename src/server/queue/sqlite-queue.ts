/**
 * The queue on SQLite: a jobs table with leases, worked in process. SQLite
 * is a file on one machine, so the server that owns it is the only worker
 * (no `customs worker` joins it; that needs PostgreSQL and pg-boss), and
 * pg-boss speaks only PostgreSQL. Claims are conditional UPDATEs, which
 * SQLite serialises: a job goes to one claimant. A running job's lease is
 * renewed while it runs; a process killed mid-scan stops renewing, and once
 * the lease lapses the job is claimed again (by the restarted server).
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import type { JobHandler, JobQueue, QueueSettings, ScanJob } from './queue.js';

const IDLE_POLL_MS = 500;

function later(ms: number): string {
  return new Date(Date.now() + ms).toISOString();
}

export class SqliteQueue implements JobQueue {
  private readonly owner = randomUUID();
  private stopped = false;
  private wake: (() => void) | undefined;
  private readonly running = new Set<Promise<void>>();
  private loops: Promise<void>[] = [];

  constructor(
    private readonly db: Kysely<Database>,
    private readonly settings: QueueSettings,
  ) {}

  private get leaseMs(): number {
    return this.settings.jobTimeoutSeconds * 1000;
  }

  async enqueue(job: ScanJob): Promise<void> {
    await this.db
      .insertInto('jobs')
      .values({
        id: job.scanId,
        lock_key: job.lockKey,
        state: 'queued',
        attempts: 0,
        max_attempts: this.settings.maxAttempts,
        lease_until: null,
        owner: null,
        created_at: new Date().toISOString(),
        last_error: null,
      })
      .execute();
    this.wake?.();
  }

  async depth(): Promise<number> {
    const r = await this.db
      .selectFrom('jobs')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('state', '=', 'queued')
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  /** Jobs whose lease lapsed on their final attempt: failed, and reported. */
  private async sweepLost(): Promise<ScanJob[]> {
    const at = new Date().toISOString();
    const lost = await this.db
      .selectFrom('jobs')
      .select(['id', 'lock_key'])
      .where('state', '=', 'running')
      .where('lease_until', '<', at)
      .whereRef('attempts', '>=', 'max_attempts')
      .execute();
    const out: ScanJob[] = [];
    for (const j of lost) {
      const r = await this.db
        .updateTable('jobs')
        .set({ state: 'failed', last_error: 'the worker running it stopped' })
        .where('id', '=', j.id)
        .where('state', '=', 'running')
        .where('lease_until', '<', at)
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) === 1) out.push({ scanId: j.id, lockKey: j.lock_key });
    }
    return out;
  }

  /** Takes the oldest runnable job whose lock key no live job holds; undefined when there is none. */
  private async claim(): Promise<{ job: ScanJob; attempt: number; max: number } | undefined> {
    const at = new Date().toISOString();
    const candidates = await this.db
      .selectFrom('jobs')
      .select(['id', 'lock_key', 'attempts', 'max_attempts'])
      .where((eb) =>
        eb.or([eb('state', '=', 'queued'), eb.and([eb('state', '=', 'running'), eb('lease_until', '<', at)])]),
      )
      .whereRef('attempts', '<', 'max_attempts')
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('jobs as live')
              .select('live.id')
              .whereRef('live.lock_key', '=', 'jobs.lock_key')
              .whereRef('live.id', '!=', 'jobs.id')
              .where('live.state', '=', 'running')
              .where('live.lease_until', '>=', at),
          ),
        ),
      )
      .orderBy('created_at')
      .limit(8)
      .execute();
    for (const c of candidates) {
      const r = await this.db
        .updateTable('jobs')
        .set({ state: 'running', owner: this.owner, lease_until: later(this.leaseMs), attempts: c.attempts + 1 })
        .where('id', '=', c.id)
        .where('attempts', '=', c.attempts)
        .where((eb) =>
          eb.or([eb('state', '=', 'queued'), eb.and([eb('state', '=', 'running'), eb('lease_until', '<', at)])]),
        )
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) === 1)
        return { job: { scanId: c.id, lockKey: c.lock_key }, attempt: c.attempts + 1, max: c.max_attempts };
    }
    return undefined;
  }

  private async runOne(handler: JobHandler, claimed: { job: ScanJob; attempt: number; max: number }): Promise<void> {
    const { job } = claimed;
    const renew = setInterval(
      () => {
        void this.db
          .updateTable('jobs')
          .set({ lease_until: later(this.leaseMs) })
          .where('id', '=', job.scanId)
          .where('owner', '=', this.owner)
          .execute()
          .catch(() => {});
      },
      Math.max(1000, this.leaseMs / 3),
    );
    try {
      await handler(job, { number: claimed.attempt, final: claimed.attempt >= claimed.max });
      await this.db
        .updateTable('jobs')
        .set({ state: 'done', lease_until: null })
        .where('id', '=', job.scanId)
        .execute();
    } catch (e) {
      const final = claimed.attempt >= claimed.max;
      await this.db
        .updateTable('jobs')
        .set({ state: final ? 'failed' : 'queued', lease_until: null, last_error: String(e) })
        .where('id', '=', job.scanId)
        .execute();
    } finally {
      clearInterval(renew);
    }
  }

  work(handler: JobHandler, concurrency: number, onLost: (job: ScanJob) => Promise<void>): Promise<void> {
    const loop = async (): Promise<void> => {
      while (!this.stopped) {
        for (const lost of await this.sweepLost()) await onLost(lost);
        const claimed = await this.claim();
        if (!claimed) {
          await new Promise<void>((resolve) => {
            const t = setTimeout(resolve, IDLE_POLL_MS);
            this.wake = () => {
              clearTimeout(t);
              resolve();
            };
          });
          continue;
        }
        const run = this.runOne(handler, claimed);
        this.running.add(run);
        await run;
        this.running.delete(run);
      }
    };
    this.loops = Array.from({ length: Math.max(1, concurrency) }, () =>
      loop().catch(() => {
        // A store error ends this loop only; the server's readiness reports the store.
      }),
    );
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await Promise.all(this.loops);
  }
}
