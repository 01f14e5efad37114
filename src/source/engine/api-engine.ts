/**
 * Docker and Podman as image sources: both speak the Docker Engine API
 * (Podman through `podman system service`), so one implementation serves
 * both, each with its own way of finding the socket (endpoint.ts).
 *
 * The engine is asked first (`GET /images/{name}/json`): "not here", the
 * platform, the layer count and the image id are known before any byte of
 * the image is read. An image whose config an earlier scan kept (by id) is
 * exported only if a layer's facts are missing from the cache; otherwise it
 * is exported once (`GET /images/{name}/get`) and read as the archive it is
 * (save-stream.ts). Layers are still hashed against their diff_ids by the
 * walk before anything is cached (scanner/layers.ts): an engine is as much
 * a stranger as an archive.
 */
import { parsePlatform, platformMatches, platformString } from '../archive/platform.js';
import { isDigest } from '../archive/verify.js';
import { checkLayerCount, createdByPerLayer, diffIdsFor, type Image, type LayerSource } from '../image.js';
import type { ImageConfig } from '../../model/image-config.js';
import { UserError } from '../../util/errors.js';
import { EngineApi, type ImageInspect } from './engine-api.js';
import { dockerEndpoint, podmanEndpoint, type Endpoint } from './endpoint.js';
import type { EngineLookupOptions, EngineName, LocalEngine } from './local-engine.js';
import { openSaveStream } from './save-stream.js';

/**
 * Image configs seen before, by image id: JSON values in the layer cache
 * (api/scan.ts passes it in; this layer cannot import the cache itself).
 */
export interface ConfigCache {
  get(key: string): unknown;
  put(key: string, value: unknown): void;
}

export interface ApiEngineLookupOptions extends EngineLookupOptions {
  /** Most bytes of the save stream spooled (see save-stream.ts). */
  maxSpoolBytes?: number;
  /** Where configs of images read before are kept, so a rescan can skip the export (see lazyImage). */
  configCache?: ConfigCache;
}

const configKey = (id: string): string => `engine-config\0${id}`;

export class ApiEngine implements LocalEngine {
  constructor(
    readonly name: EngineName,
    private readonly endpoint: () => Endpoint,
  ) {}

  /** A client for this engine; reading the endpoint may itself fail (a broken context) with EngineUnreachable. */
  api(): EngineApi {
    return new EngineApi(this.name, this.endpoint());
  }

  async open(reference: string, options: ApiEngineLookupOptions): Promise<Image | undefined> {
    const api = this.api();
    const inspect = await api.inspectImage(reference);
    if (!inspect) return undefined;
    return this.openInspected(api, reference, inspect, options);
  }

  /** An image the engine has already described: from its cached config without an export when possible, else exported. */
  async openInspected(
    api: EngineApi,
    reference: string,
    inspect: ImageInspect,
    options: ApiEngineLookupOptions,
  ): Promise<Image> {
    const what = `${this.name} image ${reference}`;
    if (options.platform) {
      const want = parsePlatform(options.platform);
      const got = { os: inspect.Os ?? '', architecture: inspect.Architecture ?? '', variant: inspect.Variant };
      if (!platformMatches(want, got))
        throw new UserError(
          `${what} is ${platformString(got)}, not ${platformString(want)}`,
          `pull that platform into ${this.name} (--platform), or scan the registry's with --image-src remote`,
        );
    }
    const diffIds = layersOf(inspect);
    checkLayerCount(diffIds.length, options.maxLayers, what);
    options.logger.debug(`${what}: found at ${api.endpoint.describe} (${inspect.Id})`);
    const identity = {
      repoTags: (inspect.RepoTags ?? []).filter((t) => typeof t === 'string' && t !== '<none>:<none>'),
      repoDigests: (inspect.RepoDigests ?? []).filter((t) => typeof t === 'string' && t !== '<none>@<none>'),
    };
    const export_ = (): Promise<Image> => this.exportImage(api, reference, inspect, options);
    const lazy = cachedConfig(options.configCache, inspect.Id);
    if (lazy) {
      options.logger.debug(`${what}: config ${inspect.Id} known; exporting only if a layer is not in the cache`);
      return { ...lazyImage(reference, inspect.Id, lazy, diffIds, what, export_), ...identity };
    }
    const image = await export_();
    return { ...image, ...identity };
  }

  /** `docker save` of the one image, checked to be the image inspected; its config is remembered for next time. */
  private async exportImage(
    api: EngineApi,
    reference: string,
    inspect: ImageInspect,
    options: ApiEngineLookupOptions,
  ): Promise<Image> {
    const what = `${this.name} image ${reference}`;
    options.logger.debug(`${what}: exporting it`);
    const image = await openSaveStream(await api.saveImage(reference), {
      what,
      name: reference,
      platform: options.platform,
      maxLayers: options.maxLayers,
      maxBytes: options.maxSpoolBytes,
      signal: options.signal,
    });
    const diffIds = layersOf(inspect);
    // The export is by name: a retag between the two calls would give another image than the one inspected.
    const same =
      image.id === inspect.Id ||
      (diffIds.length === image.layers.length && image.layers.every((l, i) => l.diffId === diffIds[i]));
    if (!same) {
      await image.close();
      throw new UserError(`${what} changed while it was being read`, 'scan again');
    }
    // The archive reader hashed the config to image.id: only a config that is what the engine calls this image is kept.
    if (image.id === inspect.Id) options.configCache?.put(configKey(image.id), image.config);
    return image;
  }
}

/**
 * The config kept for image `id`. It was kept only after the export's config
 * bytes hashed to that id, in the owner-only cache that holds the layer facts
 * verified the same way; lazyImage checks it against the engine's diff_ids.
 */
function cachedConfig(cache: ConfigCache | undefined, id: string): ImageConfig | undefined {
  if (!cache || !isDigest(id)) return undefined;
  const config = cache.get(configKey(id));
  return config && typeof config === 'object' && !Array.isArray(config) ? (config as ImageConfig) : undefined;
}

/**
 * The image from what the engine said (its id and diff_ids) and the config
 * read when it was last exported, with layers that export the image on
 * first use: when every layer's facts are in the layer cache, nothing is
 * exported at all. The layers are keyed as the export's are (a `docker
 * save` layer is the uncompressed tar, its digest its diff_id), and marked
 * unverified so that the walk hashes whatever the export gives against the
 * diff_id before caching it (scanner/layers.ts).
 */
function lazyImage(
  reference: string,
  id: string,
  config: ImageConfig,
  engineDiffIds: string[],
  what: string,
  exportImage: () => Promise<Image>,
): Image {
  const diffIds = diffIdsFor(config, engineDiffIds.length, what);
  if (diffIds.some((d, i) => d !== engineDiffIds[i]))
    throw new UserError(`${what}: the engine's layers differ from its config's diff_ids`, 'the engine is corrupt');
  let exported: Promise<Image> | undefined;
  const createdBy = createdByPerLayer(config, diffIds.length);
  const layers: LayerSource[] = diffIds.map((diffId, index) => ({
    index,
    digest: diffId,
    diffId,
    createdBy: createdBy[index]!,
    async open() {
      const image = await (exported ??= exportImage());
      const layer = image.layers[index];
      if (!layer || layer.diffId !== diffId)
        throw new UserError(`${what}: the export's layer ${index + 1} is not ${diffId}`, 'scan again');
      return layer.open();
    },
  }));
  return {
    name: reference,
    id,
    repoTags: [],
    repoDigests: [],
    config,
    layers,
    close: async () => {
      if (exported) await (await exported.catch(() => undefined))?.close();
    },
  };
}

export const dockerEngine = new ApiEngine('docker', () => dockerEndpoint());
export const podmanEngine = new ApiEngine('podman', () => podmanEndpoint());

/** The engine's diff_ids for the image; anything but a list of strings counts as none (the export then decides). */
function layersOf(inspect: ImageInspect): string[] {
  const layers: unknown = inspect.RootFS?.Layers;
  return Array.isArray(layers) && layers.every((l) => typeof l === 'string') ? layers : [];
}
