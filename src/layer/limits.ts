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
}

export const defaultWalkLimits: WalkLimits = {
  maxLayerBytes: 64 * 1024 ** 3,
  maxCompressionRatio: 1000,
  ratioGraceBytes: 256 * 1024 ** 2,
  maxEntriesPerLayer: 2_000_000,
};
