/**
 * The one shape every source (registry, docker-archive, OCI layout/archive,
 * rootfs) produces. Layers are opened lazily as streams, so a layer whose
 * facts are cached is never read.
 */
import type { Readable } from 'node:stream';

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
   * `digest` when the source can verify it (registries, OCI blobs).
   */
  open(): Promise<Readable>;
}

export interface Image {
  /** What the user named: a reference, a path. */
  name: string;
  /** Config digest (`sha256:…`). */
  id: string;
  repoTags: string[];
  repoDigests: string[];
  config: ImageConfig;
  layers: LayerSource[];
  /** Raw manifest, for reports that want it. */
  manifest?: unknown;
  /** Releases resources (temporary files, open archives). */
  close(): Promise<void>;
}

/** Pairs diffIDs with history lines: history entries with `empty_layer` make no layer. */
export function createdByPerLayer(config: ImageConfig, layerCount: number): string[] {
  const nonEmpty = (config.history ?? []).filter((h) => !h.empty_layer);
  const out: string[] = [];
  for (let i = 0; i < layerCount; i++) out.push(nonEmpty[i]?.created_by ?? '');
  return out;
}
