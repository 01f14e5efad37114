/**
 * What one layer holds, as plain data: the layer walk produces it, the layer
 * cache stores it, the merge consumes it.
 */
import type { AnalyzerOutput } from '../analyzer/types.js';

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
