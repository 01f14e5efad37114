/**
 * The CLI's deadline for a whole scan. The library stops at its own
 * deadline where it can (between layers, while reading one); this ends the
 * process too when work that cannot be interrupted outlives `--timeout`.
 */
import type { Logger } from '../util/log.js';
import { parseDuration } from './flag-values.js';
import type { ScanFlags } from './scan-flags.js';

/**
 * Ends the process when the scan outlives `--timeout`. A hard exit is safe:
 * every cache and database write is a temp file renamed into place.
 */
export function armScanTimeout(flags: ScanFlags, logger: Logger): () => void {
  const ms = parseDuration(flags.timeout ?? '10m', '--timeout');
  if (!ms) return () => {};
  const timer = setTimeout(() => {
    logger.error(
      `the scan did not finish within ${flags.timeout} (--timeout); raise --timeout for very large images, or check that the registry or disk is not stalled`,
    );
    process.exit(1);
  }, ms);
  timer.unref();
  return () => clearTimeout(timer);
}
