/**
 * The outcome of verifying an image's cosign signatures (source/signature),
 * as the report carries it in Metadata.Signatures. PascalCase because it is
 * written to the JSON report as is.
 */

/** One signature layer's outcome: which key verified it, or why none did. */
export interface SignatureCheck {
  /** The payload blob's digest (the layer digest in the .sig manifest). */
  Layer: string;
  Verified: boolean;
  /** The key file that verified the signature (set even when the payload then named another image). */
  Key?: string;
  Reason?: string;
}

export interface SignatureVerification {
  Verified: boolean;
  /** The image manifest digest the signatures must name. */
  Digest: string;
  /** Where the signatures were looked for: registry/repository:sha256-<hex>.sig. */
  SignatureTag: string;
  /** The keys that verified at least one signature naming this image. */
  VerifiedBy: string[];
  Checks: SignatureCheck[];
  /** Why the image is not verified (absent when it is). */
  Reason?: string;
}
