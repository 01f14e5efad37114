/**
 * Docker and Podman as image sources: both speak the Docker Engine API
 * (Podman through `podman system service`), so one implementation serves
 * both, each with its own way of finding the socket (endpoint.ts).
 *
 * The engine is asked first (`GET /images/{name}/json`): "not here", the
 * platform, and the layer count are known before any byte of the image is
 * read. Then the image is exported once (`GET /images/{name}/get`) and read
 * as the archive it is (save-stream.ts). Layers are still hashed against
 * their diff_ids by the walk before anything is cached (scanner/layers.ts):
 * an engine is as much a stranger as an archive.
 */
import { parsePlatform, platformMatches, platformString } from '../archive/platform.js';
import { checkLayerCount, type Image } from '../image.js';
import { UserError } from '../../util/errors.js';
import { EngineApi, type ImageInspect } from './engine-api.js';
import { dockerEndpoint, podmanEndpoint, type Endpoint } from './endpoint.js';
import type { EngineLookupOptions, EngineName, LocalEngine } from './local-engine.js';
import { openSaveStream } from './save-stream.js';

export interface ApiEngineLookupOptions extends EngineLookupOptions {
  /** Most bytes of the save stream spooled (see save-stream.ts). */
  maxSpoolBytes?: number;
}

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

  /** Exports an image the engine has already described. */
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
    const diffIds = inspect.RootFS?.Layers ?? [];
    checkLayerCount(diffIds.length, options.maxLayers, what);
    options.logger.debug(`${what}: found at ${api.endpoint.describe} (${inspect.Id}); exporting it`);
    const image = await openSaveStream(await api.saveImage(reference), {
      what,
      name: reference,
      platform: options.platform,
      maxLayers: options.maxLayers,
      maxBytes: options.maxSpoolBytes,
      signal: options.signal,
    });
    // The export is by name: a retag between the two calls would give another image than the one inspected.
    const same =
      image.id === inspect.Id ||
      (diffIds.length === image.layers.length && image.layers.every((l, i) => l.diffId === diffIds[i]));
    if (!same) {
      await image.close();
      throw new UserError(`${what} changed while it was being read`, 'scan again');
    }
    return {
      ...image,
      repoTags: (inspect.RepoTags ?? []).filter((t) => typeof t === 'string' && t !== '<none>:<none>'),
      repoDigests: (inspect.RepoDigests ?? []).filter((t) => typeof t === 'string' && t !== '<none>@<none>'),
    };
  }
}

export const dockerEngine = new ApiEngine('docker', () => dockerEndpoint());
export const podmanEngine = new ApiEngine('podman', () => podmanEndpoint());
