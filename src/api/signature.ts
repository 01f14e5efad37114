/**
 * Library entry for cosign signature verification: the public keys are read
 * (and refused when malformed) before any registry request.
 */
import type { SignatureVerification } from '../model/signature.js';
import type { ClientOptions } from '../source/registry/client.js';
import { readPublicKey, verifyCosignSignatures } from '../source/signature/index.js';

export type { ClientOptions } from '../source/registry/client.js';
export { describeVerification } from '../source/signature/index.js';

export interface VerifyRequest {
  /** A registry reference: registry/repository:tag or @sha256:… */
  image: string;
  /** Paths of PEM public keys (cosign.pub); any one of them may verify. */
  keyPaths: string[];
  registry?: ClientOptions;
}

export async function verifyImageSignature(req: VerifyRequest): Promise<SignatureVerification> {
  const keys = req.keyPaths.map(readPublicKey);
  return verifyCosignSignatures(req.image, { ...req.registry, keys });
}
