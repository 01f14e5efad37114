/**
 * The queue on PostgreSQL: pg-boss, so that `customs worker` processes on
 * other machines share it. A `singleton` queue runs one job per lock key at
 * a time; a job whose worker died expires after the job timeout and pg-boss
 * retries it; one that fails its last attempt goes to a dead-letter queue,
 * where the server marks its scan failed.
 */
import PgBoss from 'pg-boss';
import type { JobHandler, JobQueue, QueueSettings, ScanJob } from './queue.js';

const QUEUE = 'customs-scan';
const DEAD = 'customs-scan-dead';

export interface PgBossOptions extends QueueSettings {
  connectionString: string;
  /** How often pg-boss looks for expired jobs (default 60 s). */
  maintenanceIntervalSeconds?: number;
  onError?: (e: Error) => void;
}

export class PgBossQueue implements JobQueue {
  private constructor(
    private readonly boss: PgBoss,
    private readonly settings: QueueSettings,
  ) {}

  static async start(opts: PgBossOptions): Promise<PgBossQueue> {
    const boss = new PgBoss({
      connectionString: opts.connectionString,
      maintenanceIntervalSeconds: opts.maintenanceIntervalSeconds ?? 60,
      monitorStateIntervalSeconds: opts.maintenanceIntervalSeconds ?? 60,
    });
    boss.on('error', (e) => opts.onError?.(e));
    await boss.start();
    const queue = {
      name: QUEUE,
      policy: 'singleton' as const,
      retryLimit: Math.max(0, opts.maxAttempts - 1),
      retryDelay: 5,
      retryBackoff: true,
      expireInSeconds: opts.jobTimeoutSeconds,
      deadLetter: DEAD,
    };
    await boss.createQueue(DEAD);
    await boss.createQueue(QUEUE, queue);
    // createQueue keeps an existing queue's settings: bring them to this configuration.
    await boss.updateQueue(QUEUE, queue);
    return new PgBossQueue(boss, opts);
  }

  async enqueue(job: ScanJob): Promise<void> {
    await this.boss.send(QUEUE, job, { id: job.scanId, singletonKey: job.lockKey });
  }

  async depth(): Promise<number> {
    return this.boss.getQueueSize(QUEUE);
  }

  async work(handler: JobHandler, concurrency: number, onLost: (job: ScanJob) => Promise<void>): Promise<void> {
    const retryLimit = Math.max(0, this.settings.maxAttempts - 1);
    for (let i = 0; i < Math.max(1, concurrency); i++)
      await this.boss.work<ScanJob>(
        QUEUE,
        { batchSize: 1, pollingIntervalSeconds: 1, includeMetadata: true },
        async (jobs) => {
          for (const j of jobs) await handler(j.data, { number: j.retryCount + 1, final: j.retryCount >= retryLimit });
        },
      );
    await this.boss.work<ScanJob>(DEAD, { batchSize: 1, pollingIntervalSeconds: 2 }, async (jobs) => {
      for (const j of jobs) await onLost(j.data);
    });
  }

  async stop(): Promise<void> {
    await this.boss.stop({ graceful: true, wait: true, timeout: 10_000 });
  }
}
