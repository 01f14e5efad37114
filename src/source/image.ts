/**
 * The one shape every source (registry, docker-archive, OCI layout/archive,
 * rootfs) produces. Layers are opened lazily as streams, so a layer whose
 * facts are cached is never read.
 */
import type { Readable } from 'node:stream';

/** The OCI image configuration, the fields customs reads (others are kept as-is). */
export interface ImageConfig {
  architecture?: string;
  os?: string;
  variant?: string;
  created?: string;
  author?: string;
  config?: {
    User?: string;
    Env?: string[];
    Cmd?: string[] | null;
    Entrypoint?: string[] | null;
    WorkingDir?: string;
    Labels?: Record<string, string> | null;
    ExposedPorts?: Record<string, object> | null;
    Volumes?: Record<string, object> | null;
    Healthcheck?: { Test?: string[] } | null;
    StopSignal?: string;
    [key: string]: unknown;
  };
  rootfs?: { type: string; diff_ids: string[] };
  history?: HistoryEntry[];
  [key: string]: unknown;
}

export interface HistoryEntry {
  created?: string;
  created_by?: string;
  author?: string;
  comment?: string;
  empty_layer?: boolean;
}

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
  /** Digest of the image manifest, when the source has one (registries, OCI layouts; not legacy `docker save` tars). */
  manifestDigest?: string;
  /** An OCI layout's `org.opencontainers.image.ref.name` when it is a bare tag (`1.0`), not a full reference. */
  refName?: string;
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
