/**
 * What a caller of the library asks for: one typed request per scan, with
 * every value already parsed. The CLI turns flags and environment into a
 * request at its edge; the server and tests build one directly.
 */
import type { Gates } from '../policy/gates.js';
import type { PolicyOptions } from '../policy/rego/policies.js';
import type { ScannerName } from '../model/scanners.js';
import type { Severity } from '../model/report.js';
import type { Logger } from '../util/log.js';
import type { ImageSourceName } from '../source/engine/local-engine.js';

/** What to scan: exactly one of these. */
export interface ScanTarget {
  /** A registry reference (`alpine:3.20`, `registry:5000/app@sha256:…`). */
  image?: string;
  /** A local image: `docker save` tar, OCI archive or OCI layout dir (`docker-archive:`, `oci-archive:`, `oci:` prefixes); `-` reads a `docker save` stream from stdin. */
  input?: string;
  /** A container (id, id prefix or name) in a local engine: its image plus its writable layer. */
  container?: string;
  /**
   * Where `image` (or `container`) is looked for, in order (Trivy's `--image-src`; default
   * docker, podman, containerd, remote). An image found nowhere is one error naming each place.
   */
  imageSources?: ImageSourceName[];
  /** Where `input: '-'` reads from (default the process's stdin). */
  stdin?: NodeJS.ReadableStream;
  /** An unpacked root filesystem. */
  rootfs?: string;
  /** A CycloneDX or SPDX document. */
  sbom?: string;
  /** A project directory (or one file): lockfiles, configuration files and secrets; `.gitignore` honoured. */
  fs?: string;
  /** A git repository: a local checkout, or a URL cloned (shallow) into a temp dir for the scan. */
  repo?: string;
  /** For a repository URL: the revision to clone (one of them). */
  repoRevision?: { branch?: string; tag?: string; commit?: string };
  /** The platform to pick from a multi-platform image (default `linux/amd64`). */
  platform?: string;
  registry?: RegistryOptions;
}

export interface RegistryOptions {
  username?: string;
  password?: string;
  /** Plain HTTP and self-signed TLS allowed. */
  insecure?: boolean;
  /** `HOST=USER:PASS` entries, each sent to its registry only (`HOST=USER` takes stdinPassword). */
  registryAuth?: string[];
  /** The password for `HOST=USER` entries (the CLI reads it from stdin). */
  stdinPassword?: string;
  /** One registry request's time limit (default 60 s). */
  timeoutMs?: number;
}

/** Bounds on hostile input; each defaults to the value in README's Limits table. */
export interface ScanLimits {
  /** Layers an image may have (default 500); checked from the manifest before any layer is read. */
  maxLayers?: number;
  maxLayerBytes?: number;
  maxCompressionRatio?: number;
  maxEntriesPerLayer?: number;
  /** Memory for file contents: one file read takes at most budget / (2 × parallel). */
  memoryBudgetBytes?: number;
  maxSbomBytes?: number;
  maxSbomComponents?: number;
}

/** Progress of the slow steps, for a display; the core never writes to a terminal itself. */
export interface ScanProgress {
  stage: 'database' | 'layers';
  message: string;
  /** Steps finished of `total` (layers; ecosystems of the database source), when known. */
  done?: number;
  total?: number;
  unit?: 'layers' | 'ecosystems';
  /** Bytes behind the finished steps (the layers' declared blob sizes) of `totalBytes`. */
  bytes?: number;
  totalBytes?: number;
}

export interface ScanRequest extends ScanTarget {
  /** Default `['vuln']`; `[]` for the inventory alone. */
  scanners?: ScannerName[];
  /** Severities kept in the report (default all). */
  severities?: Severity[];
  ignoreUnfixed?: boolean;
  /** Only findings in CISA's Known Exploited Vulnerabilities catalog. */
  kevOnly?: boolean;
  /** Package kinds matched (default both). */
  pkgTypes?: ('os' | 'library')[];
  includeDevDeps?: boolean;
  matchOsOwned?: boolean;
  /** Ignore-rule file; undefined looks for .customsignore, .trivyignore, .trivyignore.yaml in the working dir; false for none. */
  ignoreFile?: string | false;
  /** OpenVEX / CycloneDX VEX files or directories. */
  vex?: string[];
  /**
   * `--skip-dirs` / `--skip-files`: globs (`**` for any depth) of paths not
   * scanned, relative to the directory (fs, rootfs, repo) or to `/` (image
   * layers); never read.
   */
  skipDirs?: string[];
  skipFiles?: string[];
  /** Secret rules to add, disable or allow (YAML file). */
  secretConfig?: string;
  secretSkipBase?: boolean;
  /** SPDX ids classified forbidden. */
  licenseForbidden?: string[];
  securityGates?: Gates;
  /**
   * Rego policies (`--policy`, `--data`, `--namespace`): compiled before any slow work, evaluated over
   * the scan's input document (schema/policy-input/image.json); deny/violation results fail the `policy` gate.
   */
  policies?: PolicyOptions;
  /** Where the database and layer cache live (default: CUSTOMS_CACHE_DIR, else ~/.cache/customs). */
  cacheDir?: string;
  /** Read and write per-layer results and findings (default true). */
  layerCache?: boolean;
  /** Prune the layer cache beyond this size after a scan that wrote to it (default 2 GiB). */
  cacheMaxBytes?: number;
  /** OSV export locations (default: CUSTOMS_DB_SOURCE, else osv.dev). */
  dbSources?: string[];
  /** CISA's KEV catalog for database builds (default: CUSTOMS_KEV_SOURCE, else CISA's URL; `none` without). */
  kevSource?: string;
  /** FIRST's EPSS scores for database builds (default: CUSTOMS_EPSS_SOURCE). */
  epssSource?: string;
  /** Refresh a database older than this (default: CUSTOMS_DB_MAX_AGE, else 24 h; 0 never). */
  dbMaxAgeMs?: number;
  /** Never build or refresh the database. */
  skipDbUpdate?: boolean;
  /** Layers analysed at once (default 2). */
  parallel?: number;
  limits?: ScanLimits;
  /** Give up after this long (default 10 minutes; 0 for never). */
  timeoutMs?: number;
  /** Cancels the scan. */
  signal?: AbortSignal;
  logger?: Logger;
  onProgress?: (p: ScanProgress) => void;
}
