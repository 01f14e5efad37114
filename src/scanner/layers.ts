/**
 * Gets the facts of every layer: from the layer cache where it has them,
 * otherwise by walking the layer once with just the analyzers whose results
 * are missing. Layers are walked in parallel by a bounded pool.
 */
import type { Readable } from 'node:stream';
import type { Analyzer } from '../analyzer/types.js';
import type { LayerCache } from '../artifact/layer-cache.js';
import type { AnalyzerLayerFacts, LayerFacts, LayerStructure } from '../model/facts.js';
import { checkDiffId, verifiableAlgorithm } from '../layer/content-digest.js';
import { openTarStream } from '../layer/decompress.js';
import type { WalkLimits } from '../layer/limits.js';
import type { PathSkipper } from '../layer/path-skip.js';
import { fileCap, walkLayer } from '../layer/walk.js';
import type { Image, LayerSource } from '../source/image.js';
import { errorMessage, UserError } from '../util/errors.js';
import type { Logger } from '../util/log.js';

/** Bump when the walk's structure output changes. */
const WALKER_VERSION = 1;

export interface LayerScanOptions {
  analyzers: readonly Analyzer[];
  /** Analyzers not to run on a given layer (e.g. secrets in base-image layers). */
  skip?: (layer: LayerSource, analyzer: Analyzer) => boolean;
  cache: LayerCache;
  limits: WalkLimits;
  /** `--skip-dirs`/`--skip-files`: files no analyzer reads (part of the cache key of analyzer results). */
  pathSkip?: PathSkipper;
  parallel: number;
  logger: Logger;
  signal?: AbortSignal;
  onLayerDone?: (layer: LayerSource, fromCache: boolean) => void;
}

export interface LayerStats {
  walked: number;
  cached: number;
}

export async function collectLayerFacts(
  image: Image,
  opts: LayerScanOptions,
): Promise<{ facts: LayerFacts[]; stats: LayerStats }> {
  const facts = new Array<LayerFacts>(image.layers.length);
  const stats: LayerStats = { walked: 0, cached: 0 };
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < image.layers.length) {
      opts.signal?.throwIfAborted();
      const layer = image.layers[next++]!;
      const analyzers = opts.skip ? opts.analyzers.filter((a) => !opts.skip!(layer, a)) : opts.analyzers;
      const { value, fromCache } = await factsForLayer(image, layer, { ...opts, analyzers });
      facts[layer.index] = value;
      if (fromCache) stats.cached++;
      else stats.walked++;
      opts.onLayerDone?.(layer, fromCache);
    }
  };
  const pool = Math.max(1, Math.min(opts.parallel, image.layers.length));
  await Promise.all(Array.from({ length: pool }, worker));
  return { facts, stats };
}

/**
 * Cache keys name what the walk verified: the blob digest (checked by the
 * source as the blob streams) and the diff_id (checked against the hash of
 * the uncompressed tar). Entries are written only after both checks pass,
 * so a hit by (digest, diff_id) before any read is a hit on content that
 * was hashed to exactly that pair; an image claiming another layer's
 * diff_id over a blob of its own misses, is walked and fails the check.
 */
function layerKey(layer: LayerSource): string {
  return `${layer.digest}\0${layer.diffId}\0verified`;
}
function structureKey(layer: LayerSource): string {
  return `${layerKey(layer)}\0structure\0${WALKER_VERSION}`;
}
/** The effective size cap is part of the key: a smaller --memory-budget skips files, so its facts differ. */
function analyzerKey(layer: LayerSource, a: Analyzer, limits: WalkLimits, skip: PathSkipper | undefined): string {
  const key = `${layerKey(layer)}\0${a.name}\0${a.version}\0${fileCap(a, limits)}`;
  return skip?.fingerprint ? `${key}\0skip\0${skip.fingerprint}` : key;
}

async function factsForLayer(
  image: Image,
  layer: LayerSource,
  opts: LayerScanOptions,
): Promise<{ value: LayerFacts; fromCache: boolean }> {
  // A layer without a verifiable diff_id (a rootfs directory has none) is walked every time and never cached.
  const algorithm = verifiableAlgorithm(layer.diffId);
  const useCache = algorithm !== undefined && verifiableAlgorithm(layer.digest) !== undefined;
  const cachedStructure = useCache ? opts.cache.get<LayerStructure>(structureKey(layer)) : undefined;
  const cachedAnalyzers = new Map<string, AnalyzerLayerFacts>();
  const missing: Analyzer[] = [];
  for (const a of opts.analyzers) {
    const hit = useCache
      ? opts.cache.get<AnalyzerLayerFacts>(analyzerKey(layer, a, opts.limits, opts.pathSkip))
      : undefined;
    if (hit) cachedAnalyzers.set(a.name, hit);
    else missing.push(a);
  }
  if (cachedStructure && missing.length === 0) {
    return {
      value: { structure: cachedStructure, analyzers: opts.analyzers.map((a) => cachedAnalyzers.get(a.name)!) },
      fromCache: true,
    };
  }

  const layerName = `layer ${layer.digest} (#${layer.index + 1} of ${image.name})`;
  let walked: LayerFacts;
  let contentDigest: string;
  let blob: Readable | undefined;
  try {
    // A directory source leaves out files no analyzer wants (never read); an image's tar holds them anyway.
    blob = await layer.open({
      wants: (path, info) =>
        !opts.pathSkip?.skipsFile(path) &&
        missing.some((a) => {
          try {
            return a.required(path, { path, ...info });
          } catch {
            return false;
          }
        }),
    });
    stopOnAbort(blob, opts.signal);
    // A plain tar verified by the source against a blob digest equal to its diff_id needs no second hash.
    const blobVerifiedAs = layer.verifiesDigest && layer.digest === layer.diffId ? layer.digest : undefined;
    const tar = await openTarStream(blob, opts.limits, layerName, { algorithm, blobVerifiedAs });
    walked = await walkLayer(tar, { analyzers: missing, limits: opts.limits, layerName, skip: opts.pathSkip });
    // The stream has ended, so the source's own blob digest check has passed too.
    contentDigest = await tar.contentDigest();
  } catch (e) {
    if (e instanceof UserError) throw e;
    opts.signal?.throwIfAborted();
    // A tar that breaks is often a blob that was altered: say so when its digest confirms it.
    const verdict = blob ? await finishReading(blob) : undefined;
    if (verdict instanceof UserError) throw verdict;
    throw new UserError(
      `${layerName}: cannot read the layer: ${errorMessage(e)}`,
      'the image is corrupt or truncated; re-pull or re-export it',
    );
  }
  if (algorithm) checkDiffId(layerName, layer.diffId, contentDigest);
  if (useCache) {
    opts.cache.put(structureKey(layer), walked.structure);
    for (const f of walked.analyzers) {
      const a = missing.find((m) => m.name === f.analyzer)!;
      opts.cache.put(analyzerKey(layer, a, opts.limits, opts.pathSkip), f);
    }
  }
  const byName = new Map(walked.analyzers.map((f) => [f.analyzer, f]));
  return {
    value: {
      structure: walked.structure,
      analyzers: opts.analyzers.map((a) => cachedAnalyzers.get(a.name) ?? byName.get(a.name)!),
    },
    fromCache: false,
  };
}

/** A cancelled scan stops reading the layer: the walk then fails with the stream's error. */
function stopOnAbort(blob: Readable, signal: AbortSignal | undefined): void {
  if (!signal) return;
  const stop = (): void => {
    blob.destroy(signal.reason instanceof Error ? signal.reason : new Error('the scan was cancelled'));
  };
  if (signal.aborted) {
    stop();
    return;
  }
  signal.addEventListener('abort', stop, { once: true });
  blob.once('close', () => signal.removeEventListener('abort', stop));
}

/** Reads what is left of a blob so its digest check runs; resolves with the error it ends in, if any. */
function finishReading(blob: Readable): Promise<Error | undefined> {
  if (blob.errored) return Promise.resolve(blob.errored);
  if (blob.readableEnded) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    blob.once('error', resolve);
    blob.once('end', () => resolve(undefined));
    blob.once('close', () => resolve(blob.errored ?? undefined));
    blob.unpipe();
    blob.resume();
  });
}
