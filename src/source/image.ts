/**
 * The one shape every source (registry, docker-archive, OCI layout/archive,
 * rootfs) produces. Layers are opened lazily as streams, so a layer whose
 * facts are cached is never read.
 */
import type { Readable } from 'node:stream';
import { LimitError, UserError } from '../util/errors.js';
import { isDigest } from './archive/verify.js';

import type { ImageConfig } from '../model/image-config.js';

export interface LayerSource {
  /** Position in the image, 0 = base. */
  index: number;
  /** Digest of the blob as stored (compressed for registries/OCI; equal to diffID for plain tars). */
  digest: string;
  /** Digest of the uncompressed tar, from the config's rootfs.diff_ids. */
  diffId: string;
  /** Declared size of the blob in bytes, when known. */
  size?: number;
  mediaType?: string;
  /** The history line that made this layer (empty layers already skipped). */
  createdBy: string;
  /**
   * Opens the blob as a stream. The stream errors if the bytes do not match
   * `digest` when the source can verify it (`verifiesDigest`).
   */
  open(hints?: OpenHints): Promise<Readable>;
  /** True when `open()`'s stream always ends in an error unless its bytes hash to `digest` (registries, archives, OCI layouts). */
  verifiesDigest?: boolean;
}

/** What the walk will do with a layer's files, for sources that can leave the rest unread. */
export interface OpenHints {
  /** True for a regular file some analyzer reads; a directory source leaves the others out of its stream. */
  wants?: (path: string, info: { size: number; mode: number }) => boolean;
}

export interface Image {
  /** What the user named: a reference, a path. */
  name: string;
  /** Config digest (`sha256:…`). */
  id: string;
  repoTags: string[];
  repoDigests: string[];
  /** Digest of the image manifest, when the source has one (registries, OCI layouts; not legacy `docker save` tars). */
  manifestDigest?: string;
  /** An OCI layout's `org.opencontainers.image.ref.name` when it is a bare tag (`1.0`), not a full reference. */
  refName?: string;
  config: ImageConfig;
  /**
   * A directory (rootfs, fs, repo) has no image config: `config` is a
   * stand-in, and checks that read a config (user, health check, history)
   * do not apply.
   */
  configless?: boolean;
  /** A git repository's origin URL (credentials masked), branch and HEAD commit (`customs repo`). */
  repository?: { url?: string; branch?: string; commit?: string };
  layers: LayerSource[];
  /** Raw manifest, for reports that want it. */
  manifest?: unknown;
  /** Set when the target is a container: its writable layer is the last layer. */
  container?: ContainerIdentity;
  /** Releases resources (temporary files, open archives). */
  close(): Promise<void>;
}

/** Which container a scan read, as its engine states it. */
export interface ContainerIdentity {
  id: string;
  name: string;
  /** The image as the container was created from it (`alpine:3.20`). */
  image: string;
  imageId: string;
  /** RFC 3339, as the engine reports it. */
  startedAt?: string;
  engine: string;
}

/** Pairs diffIDs with history lines: history entries with `empty_layer` make no layer. */
export function createdByPerLayer(config: ImageConfig, layerCount: number): string[] {
  const nonEmpty = (config.history ?? []).filter((h) => !h.empty_layer);
  const out: string[] = [];
  for (let i = 0; i < layerCount; i++) out.push(nonEmpty[i]?.created_by ?? '');
  return out;
}

/**
 * Layers accepted in one image unless `--max-layers` says otherwise. Each
 * layer costs a walk (or cache lookups) and its facts in memory; a crafted
 * manifest of 20,000 empty layers took 30 s and 156 MB. Docker's overlay
 * driver stops at 127, so honest images stay far below.
 */
export const DEFAULT_MAX_LAYERS = 500;

/** Refuses an image with more layers than `max`, before its config or any layer is read. */
export function checkLayerCount(count: number, max: number | undefined, what: string): void {
  const limit = max ?? DEFAULT_MAX_LAYERS;
  if (count > limit)
    throw new LimitError(`${what}: ${count} layers`, 'max layers', limit, 'raise --max-layers if the image is genuine');
}

/**
 * The config's diff_ids, one per layer, each a digest the walk can verify
 * the layer's content against (see scanner/layers.ts): a missing or
 * malformed one is refused here rather than left unverified.
 */
export function diffIdsFor(config: ImageConfig, layerCount: number, what: string): string[] {
  const diffIds: unknown = config.rootfs?.diff_ids ?? [];
  if (!Array.isArray(diffIds))
    throw new UserError(`${what}: the config's rootfs.diff_ids is not a list`, 'the image is corrupt');
  if (diffIds.length !== layerCount) {
    throw new UserError(
      `${what}: the config lists ${diffIds.length} diff_ids but the manifest ${layerCount} layers`,
      'the image is corrupt',
    );
  }
  for (const d of diffIds) {
    if (typeof d !== 'string' || !isDigest(d))
      throw new UserError(`${what}: invalid diff_id "${String(d).slice(0, 80)}"`, 'the image config is corrupt');
  }
  return diffIds as string[];
}
