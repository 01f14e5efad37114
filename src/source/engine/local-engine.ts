/**
 * A container engine on this host that may hold an image by name: Docker,
 * Podman or containerd. `--image-src` lists which are asked, in order, before
 * a registry; each answers "here it is", "not here", or "could not be asked"
 * (so the one message for an image found nowhere can say why at each place).
 */
import type { Logger } from '../../util/log.js';
import type { Image } from '../image.js';

export type EngineName = 'docker' | 'podman' | 'containerd';

/** Where to look for an image, in `--image-src` order; `remote` is the registry. */
export type ImageSourceName = EngineName | 'remote';

export const DEFAULT_IMAGE_SOURCES: readonly ImageSourceName[] = ['docker', 'podman', 'containerd', 'remote'];

export interface EngineLookupOptions {
  /** `os/arch[/variant]`; an engine holding another platform's image under that name says so. */
  platform?: string;
  /** Most layers accepted (`--max-layers`), checked before any layer is read. */
  maxLayers?: number;
  signal?: AbortSignal;
  logger: Logger;
}

export interface LocalEngine {
  readonly name: EngineName;
  /**
   * Opens the image if this engine holds it under `reference`; undefined when
   * it does not. Throws `EngineUnreachable` when the engine cannot be asked
   * (no socket, refused, not permitted).
   */
  open(reference: string, options: EngineLookupOptions): Promise<Image | undefined>;
}

/** The engine could not be asked at all; `reason` is one line for the user. */
export class EngineUnreachable extends Error {
  constructor(
    readonly engine: EngineName,
    readonly reason: string,
  ) {
    super(`${engine}: ${reason}`);
    this.name = 'EngineUnreachable';
  }
}
