/**
 * Local images: `docker-archive:PATH[:TAG]`, `oci-archive:PATH[:TAG]`,
 * `oci:DIR[:TAG]`, or a bare path whose kind is detected from its content.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Image } from '../image.js';
import { UserError } from '../../util/errors.js';
import { openDockerArchive } from './docker-archive.js';
import { openOciLayout } from './oci.js';
import { DirStore, TarStore } from './store.js';

export interface LocalImageOptions {
  platform?: string;
  maxLayers?: number;
}

/** `PATH:TAG` where the tail after the last `:` is a tag and PATH exists without it. */
function splitTag(spec: string): { path: string; tag?: string } {
  if (existsSync(spec)) return { path: spec };
  const i = spec.lastIndexOf(':');
  if (i > 0 && !spec.slice(i + 1).includes('/') && existsSync(spec.slice(0, i)))
    return { path: spec.slice(0, i), tag: spec.slice(i + 1) };
  return { path: spec };
}

export async function openLocalImage(input: string, opts: LocalImageOptions = {}): Promise<Image> {
  const m = /^(docker-archive|oci-archive|oci):(.*)$/.exec(input);
  const kind = m?.[1];
  const { path, tag } = splitTag(m ? m[2]! : input);
  if (!existsSync(path)) throw new UserError(`${input}: no such file or directory`);
  const what = input;

  if (statSync(path).isDirectory()) {
    if (kind && kind !== 'oci') throw new UserError(`${input}: ${kind} expects a file, this is a directory`);
    if (!existsSync(join(path, 'oci-layout')) || !existsSync(join(path, 'index.json'))) {
      throw new UserError(
        `${input}: not an OCI image layout (no oci-layout/index.json)`,
        'for an unpacked filesystem use `customs rootfs DIR`',
      );
    }
    return openOciLayout(new DirStore(path, what), {
      name: input,
      tag,
      platform: opts.platform,
      maxLayers: opts.maxLayers,
    });
  }
  if (kind === 'oci') throw new UserError(`${input}: oci: expects a directory; for a tar use oci-archive:`);
  return openImageTar(path, {
    what,
    name: input,
    kind: kind as 'docker-archive' | 'oci-archive' | undefined,
    tag,
    platform: opts.platform,
    maxLayers: opts.maxLayers,
  });
}

export interface ImageTarOptions extends LocalImageOptions {
  /** Names the archive in messages. */
  what: string;
  /** The image's name in the report. */
  name: string;
  /** Forces one layout; undefined detects it. */
  kind?: 'docker-archive' | 'oci-archive';
  tag?: string;
}

/** A `docker save` tar (legacy or Docker ≥ 25) or an OCI archive, read in place through its tar index. */
export async function openImageTar(path: string, opts: ImageTarOptions): Promise<Image> {
  const { what, name, kind, tag } = opts;
  const store = await TarStore.load(path, what);
  const dockerStyle = store.has('manifest.json');
  const ociStyle = store.has('index.json') && store.has('oci-layout');
  if (kind === 'docker-archive' || (!kind && dockerStyle)) {
    if (!dockerStyle)
      throw new UserError(`${what}: no manifest.json in the archive`, 'not a docker save archive; try oci-archive:');
    return openDockerArchive(store, { name, tag, platform: opts.platform, maxLayers: opts.maxLayers });
  }
  if (kind === 'oci-archive' || (!kind && ociStyle)) {
    if (!ociStyle) throw new UserError(`${what}: no index.json/oci-layout in the archive`, 'not an OCI archive');
    return openOciLayout(store, { name, tag, platform: opts.platform, maxLayers: opts.maxLayers });
  }
  throw new UserError(
    `${what}: not an image archive (no manifest.json, no OCI index.json)`,
    'use docker save / skopeo copy to export the image',
  );
}
