/** Everything a scan can be told, with the library's defaults. */
import type { WalkLimits } from '../layer/limits.js';
import { defaultWalkLimits } from '../layer/limits.js';
import type { Logger } from '../util/log.js';
import { silentLogger } from '../util/log.js';
import type { ScannerName } from '../model/scanners.js';

export interface ScanOptions {
  scanners: ScannerName[];
  /** Where layer results (and the vulnerability database) live; undefined = no layer cache. */
  cacheDir?: string;
  /** Bytes the layer cache may hold after a scan (LRU pruning). */
  cacheMaxBytes?: number;
  /** Layers walked at once. */
  parallel: number;
  includeDevDeps: boolean;
  limits: WalkLimits;
  logger: Logger;
  /** `--secret-config`: rules added, disabled, allowed. */
  secretConfig?: import('../analyzer/secret/config-file.js').SecretConfig;
  /** `--secret-skip-base`: no secret scanning in the base image's layers. */
  secretSkipBase?: boolean;
  /** A directory target: its configuration files are checked (with `misconfig`), it has no image config. */
  directory?: boolean;
  /** `--skip-dirs`/`--skip-files` for image layers: skipped files are not read (directories skip them themselves). */
  skip?: import('../layer/path-skip.js').PathSkipper;
  /** Cancels the scan: checked between layers, and a layer being read stops reading. */
  signal?: AbortSignal;
  /** Called as layers finish, for progress display. */
  /** `bytes` of `totalBytes`: the declared blob sizes of the layers finished, of all (0 when unknown). */
  onLayerDone?: (done: number, total: number, fromCache: boolean, bytes: number, totalBytes: number) => void;
}

export function defaultScanOptions(overrides: Partial<ScanOptions> = {}): ScanOptions {
  return {
    scanners: ['vuln'],
    parallel: 2,
    includeDevDeps: false,
    limits: defaultWalkLimits,
    logger: silentLogger,
    ...overrides,
  };
}
