/** Turns what the user named into an Image: a registry reference or a local path. */
import type { Logger } from '../util/log.js';
import { openLocalImage } from './archive/index.js';
import type { Image } from './image.js';
import { openRegistryImage } from './registry/index.js';

export interface OpenImageOptions {
  ref?: string;
  input?: string;
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
  logger: Logger;
}

export async function openImageSource(opts: OpenImageOptions): Promise<Image> {
  if (opts.input) return openLocalImage(opts.input, { platform: opts.platform, maxLayers: opts.maxLayers });
  return openRegistryImage(opts.ref!, opts);
}
