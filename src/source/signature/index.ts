/** Verifying cosign signatures of registry images (see cosign.ts). */
export {
  checkPayload,
  describeVerification,
  signatureTag,
  verifyCosignSignatures,
  SIGNATURE_ANNOTATION,
  SIMPLE_SIGNING_TYPE,
  type SignatureCheck,
  type SignatureVerification,
  type VerifyOptions,
} from './cosign.js';
export { parsePublicKey, readPublicKey, verifyWithKey, type PublicKeyFile } from './keys.js';
