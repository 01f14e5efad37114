/**
 * `--image-src`: each source is asked in order until one holds the image.
 * An engine that answers "not here" or cannot be asked is passed over, and
 * remembered, so that an image found nowhere gets one message saying where
 * customs looked and why each place failed (led by the registry's own error
 * when the registry was asked, so its status and hint read as they do alone). An engine that finds the image
 * but cannot give it (another platform, a corrupt export) stops the search:
 * scanning some other copy instead would be a silent surprise.
 */
import type { Image } from '../image.js';
import { UserError } from '../../util/errors.js';
import type { EngineLookupOptions, ImageSourceName, LocalEngine } from './local-engine.js';
import { EngineUnreachable } from './local-engine.js';

export const IMAGE_SOURCE_NAMES: readonly ImageSourceName[] = ['docker', 'podman', 'containerd', 'remote'];

/** Parses `docker,podman,remote`; unknown or repeated names are errors naming them. */
export function parseImageSources(list: string | readonly string[]): ImageSourceName[] {
  const names = (typeof list === 'string' ? list.split(',') : list).map((s) => s.trim()).filter(Boolean);
  if (!names.length) throw new UserError('--image-src: no source given', `use any of ${IMAGE_SOURCE_NAMES.join(',')}`);
  const out: ImageSourceName[] = [];
  for (const n of names) {
    if (!(IMAGE_SOURCE_NAMES as readonly string[]).includes(n))
      throw new UserError(`--image-src: unknown source "${n}"`, `use any of ${IMAGE_SOURCE_NAMES.join(',')}`);
    if (!out.includes(n as ImageSourceName)) out.push(n as ImageSourceName);
  }
  return out;
}

/** Where one source failed, for the "found nowhere" message. */
export interface SourceMiss {
  source: ImageSourceName;
  why: string;
}

export function notFoundAnywhere(what: string, misses: readonly SourceMiss[], hint: string): UserError {
  return new UserError(`${what} not found: ${misses.map((m) => `${m.source}: ${m.why}`).join('; ')}`, hint);
}

/**
 * Asks each source in `sources` order. `engines` are the local engines this
 * build has (a source named in `sources` without an engine here is reported
 * as not available); `remote` opens from the registry.
 */
export async function openFromSources<O extends EngineLookupOptions>(
  reference: string,
  sources: readonly ImageSourceName[],
  engines: readonly LocalEngine[],
  remote: () => Promise<Image>,
  options: O,
): Promise<Image> {
  const misses: SourceMiss[] = [];
  let remoteError: UserError | undefined;
  for (const source of sources) {
    options.signal?.throwIfAborted();
    if (source === 'remote') {
      try {
        return await remote();
      } catch (e) {
        if (!(e instanceof UserError) || sources.length === 1) throw e;
        remoteError = e;
        continue;
      }
    }
    const engine = engines.find((e) => e.name === source);
    if (!engine) {
      misses.push({ source, why: 'not available in this build of customs' });
      continue;
    }
    try {
      const image = await engine.open(reference, options);
      if (image) {
        options.logger.info(`${reference}: scanning the image ${source} holds`);
        return image;
      }
      misses.push({ source, why: 'not found' });
    } catch (e) {
      if (!(e instanceof EngineUnreachable)) throw e;
      misses.push({ source, why: `unreachable: ${e.reason}` });
    }
  }
  // The registry's own message (its status, its hint) leads, as it reads without engines; the engines follow.
  if (remoteError)
    throw new UserError(
      `${remoteError.message}; also looked in ${misses.map((m) => `${m.source} (${m.why})`).join(', ')}`,
    );
  throw notFoundAnywhere(
    `image ${reference}`,
    misses,
    'check the name (docker images, podman images), start the engine, or choose where to look with --image-src',
  );
}
