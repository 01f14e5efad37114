/**
 * Bounds on the work one image may cause. Each has a default and a CLI flag;
 * the error that reports a hit names the flag.
 */
export interface WalkLimits {
  /** Decompressed bytes one layer may expand to. */
  maxLayerBytes: number;
  /** Largest decompressed/compressed ratio tolerated once past `ratioGraceBytes`. */
  maxCompressionRatio: number;
  ratioGraceBytes: number;
  /** Tar entries in one layer. */
  maxEntriesPerLayer: number;
  /** Largest file read into memory for an analyzer (besides each analyzer's own cap); set by --memory-budget. */
  maxFileBytes: number;
}

/** The share of `--memory-budget` one file read may take: each parallel layer walk may hold one file and its parsed form. */
export function fileBytesForBudget(budgetBytes: number, parallel: number): number {
  return Math.floor(budgetBytes / (2 * Math.max(1, parallel)));
}

export const defaultWalkLimits: WalkLimits = {
  maxLayerBytes: 64 * 1024 ** 3,
  maxCompressionRatio: 1000,
  ratioGraceBytes: 256 * 1024 ** 2,
  maxEntriesPerLayer: 2_000_000,
  maxFileBytes: 256 * 1024 ** 2,
};

export const DEFAULT_MEMORY_BUDGET = 1024 ** 3;
