/**
 * Image → inventory: layer facts (cached or walked), merged bottom-up, turned
 * into the artifact. Every scanner works on what this returns.
 */
import { osSupport, analyzersFor } from '../analyzer/registry.js';
import { buildArtifact } from '../artifact/artifact.js';
import { type Artifact } from '../model/artifact.js';
import { FileLayerCache, noLayerCache } from '../artifact/layer-cache.js';
import { mergeLayers } from '../artifact/merge.js';
import type { Image } from '../source/image.js';
import { baseLayerCount } from '../source/base-layers.js';
import { collectLayerFacts, type LayerStats } from './layers.js';
import type { ScanOptions } from './options.js';

export async function inventoryImage(
  image: Image,
  opts: ScanOptions,
): Promise<{ artifact: Artifact; stats: LayerStats }> {
  const cache = opts.cacheDir ? new FileLayerCache(opts.cacheDir, (m) => opts.logger.warn(m)) : noLayerCache;
  if (!image.layers.length) opts.logger.warn(`${image.name} has no layers: there is nothing to inventory`);
  let done = 0;
  let bytesDone = 0;
  const totalBytes = image.layers.reduce((n, l) => n + (l.size ?? 0), 0);
  const secretStats = { files: 0, ms: 0 };
  const base = opts.secretSkipBase ? baseLayerCount(image.config) : 0;
  if (base) opts.logger.info(`secret scanning skips the ${base} base-image layer(s)`);
  const { facts, stats } = await collectLayerFacts(image, {
    analyzers: analyzersFor(opts.scanners, {
      secretConfig: opts.secretConfig,
      secretStats,
      configFiles: opts.directory ?? false,
    }),
    pathSkip: opts.skip,
    skip: base ? (layer, a) => layer.index < base && a.name.startsWith('secret') : undefined,
    cache,
    limits: opts.limits,
    parallel: opts.parallel,
    logger: opts.logger,
    signal: opts.signal,
    onLayerDone: (layer, fromCache) =>
      opts.onLayerDone?.(++done, image.layers.length, fromCache, (bytesDone += layer.size ?? 0), totalBytes),
  });
  if (opts.scanners.includes('secret'))
    opts.logger.debug(
      `secret scanner: ${secretStats.files} file(s) read in ${secretStats.ms.toFixed(0)} ms (cached layers excluded)`,
    );
  if (cache instanceof FileLayerCache && opts.cacheMaxBytes !== undefined) cache.pruneIfWritten(opts.cacheMaxBytes);
  const merged = mergeLayers(facts);
  const artifact = buildArtifact(image, merged, osSupport, { includeDevDeps: opts.includeDevDeps });
  opts.logger.debug(
    `inventory: ${artifact.packages.length} packages from ${image.layers.length} layers (${stats.walked} walked, ${stats.cached} from the cache)`,
  );
  return { artifact, stats };
}
