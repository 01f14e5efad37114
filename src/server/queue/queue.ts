/**
 * The scan queue as the server and workers use it, whichever store holds
 * it: jobs survive restarts, a job whose worker dies is handed out again,
 * and two jobs with the same lock key (one image) never run at once.
 */
export interface ScanJob {
  /** The scans row this job fills in (also the job's id). */
  scanId: string;
  /** Jobs sharing a key run one at a time: the image reference, or its digest when the reference pins one. */
  lockKey: string;
}

export interface Attempt {
  /** 1 for the first run. */
  number: number;
  /** No retry follows when this one fails. */
  final: boolean;
}

export type JobHandler = (job: ScanJob, attempt: Attempt) => Promise<void>;

export interface QueueSettings {
  /** Runs of one job before it is failed for good (default 3). */
  maxAttempts: number;
  /** How long a job may run before it counts as abandoned and is handed out again (default 15 min). */
  jobTimeoutSeconds: number;
}

export const defaultQueueSettings: QueueSettings = { maxAttempts: 3, jobTimeoutSeconds: 15 * 60 };

export interface JobQueue {
  enqueue(job: ScanJob): Promise<void>;
  /**
   * Runs jobs, `concurrency` at a time, until stopped. A handler that throws
   * leaves the job to be retried (or failed on the final attempt); a job
   * whose worker vanished is retried after its timeout, and `onLost` hears of
   * one that was lost on its final attempt.
   */
  work(handler: JobHandler, concurrency: number, onLost: (job: ScanJob) => Promise<void>): Promise<void>;
  /** Jobs waiting to run. */
  depth(): Promise<number>;
  stop(): Promise<void>;
}

/** The key for a reference: its digest when it pins one (two names of one digest then share it), else the reference. */
export function lockKeyOf(ref: string): string {
  const at = ref.lastIndexOf('@sha256:');
  return at >= 0 ? ref.slice(at + 1) : ref;
}
