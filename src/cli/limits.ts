/**
 * The bounds a scan runs under, from flags (or the config file): layer
 * size, compression ratio, tar entries, SBOM size and components, and a
 * deadline for the whole scan. Every bound's error names its flag.
 */
import { DEFAULT_MEMORY_BUDGET, defaultWalkLimits, fileBytesForBudget, type WalkLimits } from '../layer/limits.js';
import { DEFAULT_MAX_LAYERS } from '../source/image.js';
import { defaultSbomLimits, type SbomLimits } from '../source/sbom/read.js';
import type { Logger } from '../util/log.js';
import { parseDuration, positiveInt } from './flag-values.js';
import type { ScanFlags } from './scan-flags.js';

export function walkLimits(flags: ScanFlags, parallel: number): WalkLimits {
  const budget = positiveInt(flags.memoryBudget, '--memory-budget') ?? DEFAULT_MEMORY_BUDGET;
  return {
    ...defaultWalkLimits,
    maxLayerBytes: positiveInt(flags.maxLayerSize, '--max-layer-size') ?? defaultWalkLimits.maxLayerBytes,
    maxCompressionRatio: positiveInt(flags.maxCompressionRatio, '--max-compression-ratio') ?? defaultWalkLimits.maxCompressionRatio,
    maxEntriesPerLayer: positiveInt(flags.maxEntriesPerLayer, '--max-entries-per-layer') ?? defaultWalkLimits.maxEntriesPerLayer,
    maxFileBytes: fileBytesForBudget(budget, parallel),
  };
}

/** `--max-layers`: the most layers an image may have (the source checks it from the manifest). */
export function maxLayers(flags: ScanFlags): number {
  return positiveInt(flags.maxLayers, '--max-layers') ?? DEFAULT_MAX_LAYERS;
}

export function sbomLimits(flags: ScanFlags): SbomLimits {
  return {
    maxBytes: positiveInt(flags.maxSbomSize, '--max-sbom-size') ?? defaultSbomLimits.maxBytes,
    maxComponents: positiveInt(flags.maxSbomComponents, '--max-sbom-components') ?? defaultSbomLimits.maxComponents,
  };
}

/**
 * Ends the process when the scan outlives `--timeout`. A hard exit is safe:
 * every cache and database write is a temp file renamed into place.
 */
export function armScanTimeout(flags: ScanFlags, logger: Logger): () => void {
  const ms = parseDuration(flags.timeout ?? '10m', '--timeout');
  if (!ms) return () => {};
  const timer = setTimeout(() => {
    logger.error(`the scan did not finish within ${flags.timeout} (--timeout); raise --timeout for very large images, or check that the registry or disk is not stalled`);
    process.exit(1);
  }, ms);
  timer.unref();
  return () => clearTimeout(timer);
}
