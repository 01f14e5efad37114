/** What the routes work with: the store, the queue, metrics, options, and the re-match entry point. */
import type { ServerMetrics } from '../metrics.js';
import type { ServerOptions } from '../options.js';
import type { JobQueue } from '../queue/queue.js';
import type { RematchSummary } from '../rematch.js';
import type { ServerStore } from '../store/store.js';

export interface ServerContext {
  store: ServerStore;
  queue: JobQueue;
  metrics: ServerMetrics;
  opts: ServerOptions;
  rematch(full: boolean): Promise<RematchSummary>;
  /** Whether the vulnerability database is present (readiness). */
  databaseReady(): boolean;
}
