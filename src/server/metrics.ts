/**
 * Prometheus metrics (prom-client, one registry per server): scans by
 * outcome, their durations, queue depth and findings by severity across the
 * latest scan of every image (read from the store when scraped).
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { JobQueue } from './queue/queue.js';
import type { ServerStore } from './store/store.js';

export class ServerMetrics {
  readonly registry = new Registry();
  readonly scans: Counter<'outcome' | 'kind'>;
  readonly duration: Histogram<'kind'>;

  constructor(store: ServerStore, queue: JobQueue | undefined) {
    collectDefaultMetrics({ register: this.registry, prefix: 'customs_server_' });
    this.scans = new Counter({
      name: 'customs_scans_total',
      help: 'Scans and re-matches finished by this process, by outcome',
      labelNames: ['outcome', 'kind'],
      registers: [this.registry],
    });
    this.duration = new Histogram({
      name: 'customs_scan_duration_seconds',
      help: 'Time from a scan job starting to its results being stored',
      labelNames: ['kind'],
      buckets: [0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600],
      registers: [this.registry],
    });
    new Gauge({
      name: 'customs_queue_depth',
      help: 'Scan jobs waiting to run',
      registers: [this.registry],
      async collect() {
        if (queue) this.set(await queue.depth());
      },
    });
    new Gauge({
      name: 'customs_findings',
      help: "Vulnerability findings in every image's latest scan, by severity",
      labelNames: ['severity'],
      registers: [this.registry],
      async collect() {
        const counts = await store.latestCountsBySeverity();
        for (const [severity, n] of Object.entries(counts)) this.set({ severity }, n);
      },
    });
  }
}
