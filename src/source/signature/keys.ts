/**
 * Public keys for cosign verification: PEM SPKI files (what
 * `cosign generate-key-pair` writes to cosign.pub), ECDSA (P-256 by
 * default), RSA or Ed25519. Read and parsed before any registry traffic so a
 * bad key file fails at once.
 */
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { UserError } from '../../util/errors.js';

export interface PublicKeyFile {
  /** How the report names the key: its file path. */
  name: string;
  key: KeyObject;
}

const MAX_KEY_BYTES = 64 * 1024;

/** Parses one PEM public key; `name` says where it came from. */
export function parsePublicKey(pem: string, name: string): PublicKeyFile {
  let key: KeyObject;
  try {
    key = createPublicKey({ key: pem, format: 'pem' });
  } catch (e) {
    throw new UserError(
      `${name}: not a PEM public key (${(e as Error).message})`,
      'pass the cosign.pub written by `cosign generate-key-pair` (or `cosign public-key`)',
    );
  }
  const type = key.asymmetricKeyType;
  if (type !== 'ec' && type !== 'rsa' && type !== 'ed25519')
    throw new UserError(`${name}: ${String(type)} keys are not supported`, 'use an ECDSA, RSA or Ed25519 key');
  return { name, key };
}

export function readPublicKey(path: string): PublicKeyFile {
  let size: number;
  try {
    size = statSync(path).size;
  } catch (e) {
    throw new UserError(`${path}: cannot read the key (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (size > MAX_KEY_BYTES) throw new UserError(`${path}: ${size} bytes is too large for a public key`);
  return parsePublicKey(readFileSync(path, 'utf8'), path);
}

/**
 * Whether `signature` signs `payload` under the key, with SHA-256 as cosign
 * uses for ECDSA and RSA (PKCS#1 v1.5); Ed25519 signs the message itself.
 * A malformed signature is a failed verification, not an error.
 */
export function verifyWithKey(k: PublicKeyFile, payload: Buffer, signature: Buffer): boolean {
  try {
    if (k.key.asymmetricKeyType === 'ed25519') return verify(null, payload, k.key, signature);
    return verify('sha256', payload, k.key, signature);
  } catch {
    return false;
  }
}
