/** Turns what the user named into an Image: a registry reference, a local engine's image, a container or a local path. */
import type { Logger } from '../util/log.js';
import { openLocalImage } from './archive/index.js';
import { openContainerFromEngines, LOCAL_ENGINES } from './engine/index.js';
import { DEFAULT_IMAGE_SOURCES, type ImageSourceName } from './engine/local-engine.js';
import { openSaveStream } from './engine/save-stream.js';
import { openFromSources } from './engine/sources.js';
import type { ConfigCache } from './engine/api-engine.js';
import type { Image } from './image.js';
import { openRegistryImage } from './registry/index.js';

export interface OpenImageOptions {
  ref?: string;
  input?: string;
  /** A container (id, id prefix or name) in a local engine. */
  container?: string;
  /** Where to look for `ref`, in order (`--image-src`; default docker, podman, containerd, remote). */
  imageSources?: readonly ImageSourceName[];
  platform?: string;
  username?: string;
  password?: string;
  /** `HOST=USER:PASS` entries, each used for its registry only. */
  registryAuth?: string[];
  stdinPassword?: string;
  insecure?: boolean;
  /** One registry request's time limit. */
  timeoutMs?: number;
  /** Most layers accepted (`--max-layers`); checked from the manifest, before any layer is read. */
  maxLayers?: number;
  /** Most bytes of a `docker save` stream (an engine's export, stdin) spooled to a private temp file. */
  maxSpoolBytes?: number;
  /** Most paths in a container's change list. */
  maxEntries?: number;
  /** Where `input: '-'` reads from (default the process's stdin). */
  stdin?: NodeJS.ReadableStream;
  /** Configs of engine images read before (the layer cache), so a rescan whose layers are all cached exports nothing. */
  configCache?: ConfigCache;
  signal?: AbortSignal;
  logger: Logger;
}

export async function openImageSource(opts: OpenImageOptions): Promise<Image> {
  const engineOptions = {
    platform: opts.platform,
    maxLayers: opts.maxLayers,
    maxSpoolBytes: opts.maxSpoolBytes,
    maxEntries: opts.maxEntries,
    configCache: opts.configCache,
    signal: opts.signal,
    logger: opts.logger,
  };
  if (opts.container !== undefined)
    return openContainerFromEngines(opts.container, opts.imageSources ?? DEFAULT_IMAGE_SOURCES, engineOptions);
  if (opts.input === '-')
    return openSaveStream((opts.stdin ?? process.stdin) as import('node:stream').Readable, {
      what: 'stdin (--input -)',
      name: '-',
      ...engineOptions,
      maxBytes: opts.maxSpoolBytes,
    });
  if (opts.input) return openLocalImage(opts.input, { platform: opts.platform, maxLayers: opts.maxLayers });
  const ref = opts.ref!;
  return openFromSources(
    ref,
    opts.imageSources ?? DEFAULT_IMAGE_SOURCES,
    LOCAL_ENGINES,
    () => openRegistryImage(ref, opts),
    engineOptions,
  );
}
