/**
 * The analyzer contract. The layer walk offers every file path to every
 * analyzer's `required()`; only when one says yes are the file's bytes read
 * (up to `maxFileSize`) and passed to `analyze()`. Output is plain data,
 * cached per layer under a key that includes `name` and `version`.
 */
import type { AnalyzerOutput } from '../model/facts.js';

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
  warn: (message: string) => void;
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
