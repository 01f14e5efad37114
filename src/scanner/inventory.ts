/**
 * Image → inventory: layer facts (cached or walked), merged bottom-up, turned
 * into the artifact. Every scanner works on what this returns.
 */
import { osSupport, analyzersFor } from '../analyzer/registry.js';
import { buildArtifact, type Artifact } from '../artifact/artifact.js';
import { FileLayerCache, noLayerCache } from '../artifact/layer-cache.js';
import { mergeLayers } from '../artifact/merge.js';
import type { Image } from '../source/image.js';
import { collectLayerFacts, type LayerStats } from './layers.js';
import type { ScanOptions } from './options.js';

export async function inventoryImage(image: Image, opts: ScanOptions): Promise<{ artifact: Artifact; stats: LayerStats }> {
  const cache = opts.cacheDir ? new FileLayerCache(opts.cacheDir, (m) => opts.logger.warn(m)) : noLayerCache;
  let done = 0;
  const { facts, stats } = await collectLayerFacts(image, {
    analyzers: analyzersFor(opts.scanners),
    cache,
    limits: opts.limits,
    parallel: opts.parallel,
    logger: opts.logger,
    onLayerDone: (_layer, fromCache) => opts.onLayerDone?.(++done, image.layers.length, fromCache),
  });
  if (cache instanceof FileLayerCache && opts.cacheMaxBytes !== undefined) cache.prune(opts.cacheMaxBytes);
  const merged = mergeLayers(facts);
  const artifact = buildArtifact(image, merged, osSupport, { includeDevDeps: opts.includeDevDeps });
  return { artifact, stats };
}
