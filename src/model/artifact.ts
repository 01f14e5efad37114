/**
 * The artifact: one image's inventory after its layers were merged, and the
 * merged facts it came from (kept for attribution, secrets and config checks).
 */
import type { AnalyzerOutput } from './facts.js';
import type { OSInfo } from './os.js';
import type { Application, LayerRef, Package } from './package.js';

export interface FactVersion {
  layerIndex: number;
  output?: AnalyzerOutput;
}

export interface MergedFact {
  analyzer: string;
  path: string;
  /** The versions of this file's facts, bottom to top, since it last appeared. The last is current. */
  history: FactVersion[];
}

export interface MergedLayers {
  /** Facts of files present in the final filesystem. */
  current: MergedFact[];
  /** Facts of files hidden by a later layer (still readable from their own layer). */
  removed: MergedFact[];
  /** Symlinks of the final filesystem. */
  symlinks: Map<string, string>;
  /** setuid/setgid files of the final filesystem, with the layer that holds them. */
  setidFiles: { path: string; mode: number; layerIndex: number }[];
  warnings: string[];
}

export interface Artifact {
  os?: OSInfo;
  packages: Package[];
  /** Applications whose projects hold some of `packages` (see artifact/sightings.ts: projectOf). */
  applications: ApplicationOf[];
  layers: LayerRef[];
  merged: MergedLayers;
  warnings: string[];
}

/** The distribution-specific steps, supplied by the OS analyzers. */
export interface OsSupport {
  resolveOS(found: { path: string; os: OSInfo }[]): OSInfo | undefined;
  osPackagePurl(pkg: Package, os: OSInfo | undefined): string;
  eolInfo(os: OSInfo, now: Date): { eolDate?: string; eosl: boolean };
}

/** An application and its project directory (`app`), as artifact/sightings.ts projectOf gives it for its packages. */
export interface ApplicationOf extends Application {
  project: string;
}
