/**
 * containerd as a local image engine (`--image-src containerd`): the image
 * is looked up by name in one namespace through containerd's gRPC API and
 * read from its content store, blob by blob, each verified against its
 * digest. Nothing is exported to a temporary file and no snapshot is
 * mounted: the layers are the compressed blobs the registry served.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { openOciLayout } from '../archive/oci.js';
import { UserError } from '../../util/errors.js';
import type { Image } from '../image.js';
import { ContainerdClient, grpcDetails, grpcStatusName, type ContainerdDescriptor } from './containerd-client.js';
import { containerdNameCandidates } from './containerd-names.js';
import {
  resolveContainerdSettings,
  type ContainerdSettings,
  type ResolvedContainerdSettings,
} from './containerd-settings.js';
import { ContainerdStore } from './containerd-store.js';
import { EngineUnreachable, type EngineLookupOptions, type LocalEngine } from './local-engine.js';

export type { ContainerdSettings } from './containerd-settings.js';

/**
 * Why the socket cannot be used, asked of the filesystem first: a missing
 * socket or one this user may not open is named as such, not as a gRPC
 * "connection failed".
 */
function checkSocket(socket: string): void {
  try {
    if (!statSync(socket).isSocket()) throw new EngineUnreachable('containerd', `${socket} is not a socket`);
    accessSync(socket, constants.R_OK | constants.W_OK);
  } catch (e) {
    if (e instanceof EngineUnreachable) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR')
      throw new EngineUnreachable(
        'containerd',
        `no socket at ${socket} (is containerd running? CONTAINERD_ADDRESS names another socket)`,
      );
    if (code === 'EACCES' || code === 'EPERM')
      throw new EngineUnreachable('containerd', `not permitted to open ${socket} (run as root, or as its group)`);
    throw new EngineUnreachable('containerd', `${socket}: ${(e as Error).message}`);
  }
}

/** A failed lookup, in one line: containerd was not there, did not answer, or refused. */
function unreachable(settings: ResolvedContainerdSettings, e: unknown): EngineUnreachable {
  const status = grpcStatusName(e);
  const details = grpcDetails(e);
  if (status === 'DEADLINE_EXCEEDED')
    return new EngineUnreachable(
      'containerd',
      `${settings.socket} did not answer within ${Math.round(settings.timeoutMs / 1000)} s`,
    );
  if (status === 'PERMISSION_DENIED' || /EACCES|EPERM/.test(details))
    return new EngineUnreachable('containerd', `not permitted to use ${settings.socket}: ${details}`);
  return new EngineUnreachable(
    'containerd',
    `cannot ask ${settings.socket}${status ? ` (${status})` : ''}: ${details} (is it containerd's socket?)`,
  );
}

/** The first of the names the user's reference may be stored under that the namespace holds. */
async function findImage(
  client: ContainerdClient,
  names: string[],
  settings: ResolvedContainerdSettings,
  signal: AbortSignal | undefined,
): Promise<{ name: string; target: ContainerdDescriptor } | undefined> {
  for (const name of names) {
    let target: ContainerdDescriptor | undefined;
    try {
      target = await client.getImage(name);
    } catch (e) {
      if (signal?.aborted) throw e;
      throw unreachable(settings, e);
    }
    if (target) return { name, target };
  }
  return undefined;
}

/** Each layer's blob is asked for before the scan starts, so an image whose layers are gone fails at once. */
async function checkLayersPresent(store: ContainerdStore, image: Image): Promise<void> {
  for (const layer of image.layers) {
    const stored = await store.storedSize(layer.digest);
    if (layer.size !== undefined && stored !== layer.size)
      throw new UserError(
        `${store.what}: layer ${layer.digest} is ${stored} bytes in the content store, the manifest says ${layer.size}`,
        'the content store is corrupt; pull the image again',
      );
  }
}

async function openFromContainerd(
  reference: string,
  options: EngineLookupOptions,
  settings: ResolvedContainerdSettings,
): Promise<Image | undefined> {
  checkSocket(settings.socket);
  const client = new ContainerdClient(settings.socket, settings.namespace, settings.timeoutMs, options.signal);
  let image: Image | undefined;
  try {
    const names = containerdNameCandidates(reference);
    const found = await findImage(client, names, settings, options.signal);
    if (!found) {
      options.logger.debug(
        `containerd (${settings.socket}, namespace ${settings.namespace}): no image named ${names.join(' or ')}`,
      );
      return undefined;
    }
    const what = `containerd ${found.name} (namespace ${settings.namespace})`;
    options.logger.debug(`${what}: target ${found.target.mediaType} ${found.target.digest}`);
    const store = new ContainerdStore(client, what, found.name, found.target);
    const layout = await openOciLayout(store, {
      name: reference,
      platform: options.platform,
      maxLayers: options.maxLayers,
    });
    await checkLayersPresent(store, layout);
    image = {
      ...layout,
      // A name that pins a digest is the registry's digest of this image (CRI stores `repo@sha256:…` names).
      repoTags: found.name.includes('@') ? [] : layout.repoTags,
      repoDigests: found.name.includes('@') ? [found.name] : [],
      close: () => {
        client.close();
        return Promise.resolve();
      },
    };
    return image;
  } finally {
    if (!image) client.close();
  }
}

/** A containerd engine with explicit settings (a `--containerd-namespace` flag); unset ones come from the environment. */
export function createContainerdEngine(settings: ContainerdSettings = {}): LocalEngine {
  return {
    name: 'containerd',
    // The environment is read at each lookup, not when the module loads.
    open: async (reference, options) => openFromContainerd(reference, options, resolveContainerdSettings(settings)),
  };
}

/** containerd at CONTAINERD_ADDRESS (default /run/containerd/containerd.sock), namespace CONTAINERD_NAMESPACE (default `default`). */
export const containerdEngine: LocalEngine = createContainerdEngine();
