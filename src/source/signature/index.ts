/** Verifying cosign signatures of registry images (see cosign.ts). */
export {
  checkPayload,
  describeVerification,
  signatureTag,
  verifyCosignSignatures,
  SIGNATURE_ANNOTATION,
  SIMPLE_SIGNING_TYPE,
  type VerifyOptions,
} from './cosign.js';
export { parsePublicKey, readPublicKey, verifyWithKey, type PublicKeyFile } from './keys.js';
export type { SignatureCheck, SignatureVerification } from '../../model/signature.js';
