/**
 * The analyzer contract. The layer walk offers every file path to every
 * analyzer's `required()`; only when one says yes are the file's bytes read
 * (up to `maxFileSize`) and passed to `analyze()`. Output is plain data,
 * cached per layer under a key that includes `name` and `version`.
 */
import type { OSInfo } from '../artifact/os.js';
import type { Application, Package } from '../artifact/package.js';

export interface FileInfo {
  /** Image path, normalised, no leading slash (`var/lib/dpkg/status`). */
  path: string;
  size: number;
  /** Unix mode bits (permission + setuid/setgid), without the file type. */
  mode: number;
}

export interface AnalyzerFile extends FileInfo {
  content: Buffer;
}

export interface AnalyzeContext {
  /** Record a problem with this file; the scan goes on. Names the path and layer for you. */
  warn(message: string): void;
}

/** Packages read from one file. */
export interface PackageSet {
  /** Result type (`debian`, `node-pkg`, …). */
  type: string;
  /** Image path of the file they came from. */
  filePath: string;
  packages: Package[];
}

/** A package's owned paths as AnalyzerOutput.ownedFiles holds them. A path with a newline in it cannot be listed and is left out. */
export function ownedFileList(paths: string[]): string {
  return paths.filter((p) => !p.includes('\n')).join('\n');
}

/** The paths of an ownedFiles entry. */
export function ownedPaths(list: string): string[] {
  return list ? list.split('\n') : [];
}

/** What an analyzer found in one file. All fields optional; plain JSON only. */
export interface AnalyzerOutput {
  os?: OSInfo;
  packageSets?: PackageSet[];
  /**
   * Files owned by OS packages (dpkg `info/*.list`, apk `R:` lines, rpm
   * file lists), keyed by the owning package name: image paths, no leading
   * slash, one per line (see ownedFileList). One string per package, not an
   * array: a Debian image owns ~10^5 paths, read back from the layer cache
   * on every rescan, where one string parses in a fraction of the time of
   * as many small ones and leaves the collector a handful of objects.
   */
  ownedFiles?: Record<string, string>;
  /** Applications described by project manifests. */
  applications?: Application[];
  /** Extra facts for later scanners (secrets, config files…), keyed by kind. */
  extra?: Record<string, unknown>;
}

export interface Analyzer {
  /** Unique, stable name (`dpkg`, `apk`, `npm-package-json`). */
  readonly name: string;
  /** Bump when the output for the same input changes: part of the layer-cache key. */
  readonly version: number;
  /** Largest file this analyzer reads; bigger files are skipped with a warning. */
  readonly maxFileSize: number;
  /** Decides from the path (and size/mode) alone whether the file is wanted. Must be cheap. */
  required(path: string, info: FileInfo): boolean;
  /**
   * `file.content` belongs to the walk, which releases its memory once this
   * settles: the output must hold no view of it (it is plain data, cached as JSON).
   */
  analyze(file: AnalyzerFile, ctx: AnalyzeContext): AnalyzerOutput | undefined | Promise<AnalyzerOutput | undefined>;
}

export const MiB = 1024 * 1024;
