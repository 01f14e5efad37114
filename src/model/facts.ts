/**
 * What one layer holds, as plain data: the layer walk produces it, the layer
 * cache stores it, the merge consumes it.
 */
import type { OSInfo } from './os.js';
import type { Application, Package } from './package.js';

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

/** One analyzer's result for one file. `output` is absent when the file yielded nothing. */
export interface FileAnalysis {
  path: string;
  output?: AnalyzerOutput;
  /** Problems with this file (already naming the file). */
  warnings?: string[];
}

/** One analyzer's results over one layer: the unit the layer cache stores. */
export interface AnalyzerLayerFacts {
  analyzer: string;
  files: FileAnalysis[];
}

/** The layer's own structure, independent of analyzers. */
export interface LayerStructure {
  /** Paths deleted by `.wh.NAME` entries. */
  whiteouts: string[];
  /** Directories whose lower-layer contents are hidden (`.wh..wh..opq`). */
  opaqueDirs: string[];
  /** Symlinks: path → target, as written. */
  symlinks: Record<string, string>;
  /** Regular files with the setuid or setgid bit (CIS 4.8). */
  setidFiles: { path: string; mode: number }[];
  /** Entries seen, for statistics. */
  entries: number;
  /** Problems with the layer as a whole or with entries no analyzer reads. */
  warnings: string[];
}

export interface LayerFacts {
  structure: LayerStructure;
  analyzers: AnalyzerLayerFacts[];
}
