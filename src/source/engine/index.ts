/**
 * The local engines this build has, in one list: `--image-src` picks from it
 * by name, so a new engine is one line here.
 */
import type { Image } from '../image.js';
import { UserError } from '../../util/errors.js';
import { dockerEngine, podmanEngine, type ApiEngine } from './api-engine.js';
import { containerdEngine } from './containerd.js';
import { openContainer, type ContainerLookupOptions } from './container.js';
import type { ImageSourceName, LocalEngine } from './local-engine.js';
import { EngineUnreachable } from './local-engine.js';
import { notFoundAnywhere, type SourceMiss } from './sources.js';

export const LOCAL_ENGINES: readonly LocalEngine[] = [dockerEngine, podmanEngine, containerdEngine];

/** Engines that can show a container's writable layer (the Docker Engine API). */
const CONTAINER_ENGINES: readonly ApiEngine[] = [dockerEngine, podmanEngine];

/** Asks each engine in `sources` order about container `ref`; the first answer wins, one message naming each engine otherwise. */
async function firstEngineWith<T>(
  ref: string,
  sources: readonly ImageSourceName[],
  signal: AbortSignal | undefined,
  ask: (engine: ApiEngine) => Promise<T | undefined>,
): Promise<T> {
  const misses: SourceMiss[] = [];
  for (const source of sources.filter((s) => s !== 'remote')) {
    signal?.throwIfAborted();
    const engine = CONTAINER_ENGINES.find((e) => e.name === source);
    if (!engine) {
      misses.push({ source, why: "cannot show a container's changes (only docker and podman can)" });
      continue;
    }
    try {
      const found = await ask(engine);
      if (found !== undefined) return found;
      misses.push({ source, why: 'no such container' });
    } catch (e) {
      if (!(e instanceof EngineUnreachable)) throw e;
      misses.push({ source, why: `unreachable: ${e.reason}` });
    }
  }
  if (!misses.length) throw new UserError(`container ${ref}: no engine to ask`, 'name docker or podman in --image-src');
  throw notFoundAnywhere(`container ${ref}`, misses, 'list running containers with docker ps / podman ps');
}

/** Opens container `ref` from the first engine in `sources` order that has it. */
export function openContainerFromEngines(
  ref: string,
  sources: readonly ImageSourceName[],
  options: ContainerLookupOptions,
): Promise<Image> {
  return firstEngineWith(ref, sources, options.signal, (engine) => openContainer(engine, ref, options));
}

/** Which engine holds container `ref`: a cheap check before any slow work (one inspect per engine asked). */
export function findContainer(ref: string, sources: readonly ImageSourceName[]): Promise<ImageSourceName> {
  return firstEngineWith(ref, sources, undefined, async (engine) =>
    (await engine.api().inspectContainer(ref)) ? engine.name : undefined,
  );
}

/**
 * Running containers in every reachable engine of `sources`, each with the
 * engine that runs it (for `customs container --all`); an error only when no
 * engine could be asked.
 */
export async function runningContainers(
  sources: readonly ImageSourceName[],
): Promise<{ engine: ImageSourceName; id: string }[]> {
  const misses: SourceMiss[] = [];
  const found: { engine: ImageSourceName; id: string }[] = [];
  let reached = false;
  for (const source of sources) {
    const engine = CONTAINER_ENGINES.find((e) => e.name === source);
    if (!engine) continue;
    try {
      for (const id of await engine.api().runningContainers()) found.push({ engine: source, id });
      reached = true;
    } catch (e) {
      if (!(e instanceof EngineUnreachable)) throw e;
      misses.push({ source, why: `unreachable: ${e.reason}` });
    }
  }
  if (!reached)
    throw new UserError(
      `no container engine to list running containers from: ${misses.map((m) => `${m.source}: ${m.why}`).join('; ') || 'none named in --image-src'}`,
      'start docker or podman, or set DOCKER_HOST / CONTAINER_HOST',
    );
  return found;
}
