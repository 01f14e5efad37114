/**
 * A container as a scan target: its image as the engine holds it, plus its
 * writable layer (writable-layer.ts) on top, attributed to the container, so
 * a package installed or a secret written at run time is found in the layer
 * named after it.
 */
import type { ContainerIdentity, Image, LayerSource } from '../image.js';
import { UserError } from '../../util/errors.js';
import type { ApiEngine, ApiEngineLookupOptions } from './api-engine.js';
import { changeSet, writableLayerTar } from './writable-layer.js';

export interface ContainerLookupOptions extends ApiEngineLookupOptions {
  /** Most paths in the change list (`--max-entries-per-layer`). */
  maxEntries?: number;
}

const DEFAULT_MAX_ENTRIES = 2_000_000;

/** Opens container `ref` (id, id prefix or name) through `engine`; undefined when the engine has no such container. */
export async function openContainer(
  engine: ApiEngine,
  ref: string,
  options: ContainerLookupOptions,
): Promise<Image | undefined> {
  const api = engine.api();
  const info = await api.inspectContainer(ref);
  if (!info) return undefined;
  if (typeof info.Id !== 'string' || typeof info.Image !== 'string')
    throw new UserError(`${engine.name}: container ${ref}: the engine's description has no Id or Image`);
  const name = (info.Name ?? '').replace(/^\//, '') || info.Id.slice(0, 12);
  const imageInspect = await api.inspectImage(info.Image);
  if (!imageInspect)
    throw new UserError(
      `${engine.name}: container ${name} runs image ${info.Image}, which the engine no longer holds`,
      'the image was removed; scan the container after re-creating it',
    );
  // Asked before the image is exported, so that a container gone meanwhile costs nothing.
  const changes = changeSet(await api.changes(info.Id), options.maxEntries ?? DEFAULT_MAX_ENTRIES);
  const image = await engine.openInspected(api, info.Image, imageInspect, options);
  const container: ContainerIdentity = {
    id: info.Id,
    name,
    image: typeof info.Config?.Image === 'string' ? info.Config.Image : info.Image,
    imageId: info.Image,
    startedAt: info.State?.StartedAt,
    engine: engine.name,
  };
  const layerId = `container:${info.Id}`;
  const writable: LayerSource = {
    index: image.layers.length,
    // Not a content digest: the layer changes while the container runs, so it is walked every time and never cached.
    digest: layerId,
    diffId: layerId,
    createdBy: `container ${name} (${info.Id.slice(0, 12)}): files changed since it was created`,
    open: async () => writableLayerTar(await api.exportContainer(info.Id), changes),
  };
  options.logger.debug(
    `${engine.name} container ${name}: ${changes.changed.size} path(s) added or changed, ${changes.deleted.length} deleted`,
  );
  return { ...image, name, layers: [...image.layers, writable], container };
}
