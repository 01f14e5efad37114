/**
 * One scan job, as a worker runs it: the scan through the library (the same
 * code as `customs image`), then its report, inventory and findings stored
 * in one transaction. A job already done (its worker died after storing,
 * before the queue heard) is not run again.
 */
import { scanReport, type ScanOutcome } from '../api/scan.js';
import { inventoryNameKeys } from '../api/rematch.js';
import type { ScanRequest } from '../api/request.js';
import { errorMessage } from '../util/errors.js';
import { parseImageName } from './image-name.js';
import { checkLocalInput, isLocalInput } from './local-input.js';
import type { ServerMetrics } from './metrics.js';
import type { ServerOptions } from './options.js';
import type { Attempt, ScanJob } from './queue/queue.js';
import { findingsOf } from './store/findings.js';
import type { ScanResult, ServerStore } from './store/store.js';

/** The request a server scan makes: vulnerabilities only, every finding kept (filters apply when reading). */
export function scanRequestFor(ref: string, opts: ServerOptions, signal?: AbortSignal): ScanRequest {
  const target = isLocalInput(ref) ? { input: checkLocalInput(ref, opts.allowLocalInput) } : { image: ref };
  return {
    ...target,
    registry: opts.registry,
    scanners: ['vuln'],
    ignoreFile: false,
    cacheDir: opts.cacheDir,
    skipDbUpdate: opts.skipDbUpdate,
    dbSources: opts.dbSources,
    logger: opts.logger,
    signal,
  };
}

/** What the store keeps of an outcome. The redaction values are secrets in clear: never stored (the model is already masked). */
export function resultOf(ref: string, outcome: ScanOutcome, dbBuiltAt?: string): ScanResult {
  const meta = outcome.report.metadata;
  const digest = meta.manifestDigest ?? meta.repoDigests[0]?.split('@')[1] ?? meta.imageId ?? '';
  const name = parseImageName(isLocalInput(ref) ? (meta.repoTags[0] ?? meta.refName ?? 'local/unnamed') : ref);
  return {
    digest,
    registry: isLocalInput(ref) && !meta.repoTags.length ? 'local' : name.registry,
    repository: name.repository,
    tag: name.tag,
    report: JSON.stringify({ report: outcome.report, eosl: outcome.eosl }),
    ...(outcome.inventory
      ? { inventory: { body: JSON.stringify(outcome.inventory), nameKeys: inventoryNameKeys(outcome.inventory) } }
      : {}),
    findings: findingsOf(outcome.report),
    dbBuiltAt,
  };
}

export function scanJobHandler(store: ServerStore, opts: ServerOptions, metrics?: ServerMetrics) {
  return async (job: ScanJob, attempt: Attempt): Promise<void> => {
    const scan = await store.scan(job.scanId);
    if (!scan || scan.status === 'done' || scan.status === 'failed') return;
    const started = process.hrtime.bigint();
    await store.markRunning(job.scanId);
    try {
      const outcome = await scanReport(scanRequestFor(scan.image, opts));
      const result = resultOf(scan.image, outcome);
      if (!result.digest) throw new Error('the image has no digest or id to store it under');
      await store.recordResult(job.scanId, result);
      metrics?.scans.inc({ outcome: 'done', kind: 'scan' });
      metrics?.duration.observe({ kind: 'scan' }, Number(process.hrtime.bigint() - started) / 1e9);
      await store.audit({ actor: 'worker', action: 'scan', resource: scan.image, result: `done ${result.digest}` });
    } catch (e) {
      const message = errorMessage(e);
      opts.logger.warn(`scan ${job.scanId} of ${scan.image}, attempt ${attempt.number}: ${message}`);
      if (attempt.final) {
        await store.markFailed(job.scanId, message);
        metrics?.scans.inc({ outcome: 'failed', kind: 'scan' });
        await store.audit({ actor: 'worker', action: 'scan', resource: scan.image, result: `failed: ${message}` });
        return;
      }
      await store.markRetrying(job.scanId, `attempt ${attempt.number} failed: ${message}`);
      throw e;
    }
  };
}

/** A job lost on its final attempt (its worker died each time): its scan is failed, not left running. */
export function lostJobHandler(store: ServerStore, metrics?: ServerMetrics) {
  return async (job: ScanJob): Promise<void> => {
    await store.markFailed(job.scanId, 'the worker running it stopped on every attempt');
    metrics?.scans.inc({ outcome: 'lost', kind: 'scan' });
  };
}
