/**
 * Keyed cosign signatures of a registry image, read as cosign's
 * SIGNATURE_SPEC stores them: an OCI manifest at the tag
 * `sha256-<hex>.sig` beside the image, one layer per signature, each layer a
 * simple-signing JSON payload whose base64 signature sits in the layer's
 * `dev.cosignproject.cosign/signature` annotation. Keyless (Fulcio/Rekor)
 * signatures are out of scope: only the given public keys are trusted.
 */
import { createHash } from 'node:crypto';
import type { SignatureCheck, SignatureVerification } from '../../model/signature.js';
import { UserError } from '../../util/errors.js';
import { isDigest } from '../archive/verify.js';
import { RegistryClient, type ClientOptions } from '../registry/client.js';
import { readBody } from '../registry/http.js';
import { formatReference, parseReference, type ImageReference } from '../registry/reference.js';
import { verifyWithKey, type PublicKeyFile } from './keys.js';

export const SIMPLE_SIGNING_TYPE = 'application/vnd.dev.cosign.simplesigning.v1+json';
export const SIGNATURE_ANNOTATION = 'dev.cosignproject.cosign/signature';
const COSIGN_TYPE = 'cosign container image signature';

/** Bounds on what a stranger's registry can make us read. */
const MAX_SIG_MANIFEST_BYTES = 1024 * 1024;
const MAX_PAYLOAD_BYTES = 256 * 1024;
const MAX_SIGNATURE_LAYERS = 64;

export interface VerifyOptions extends ClientOptions {
  keys: PublicKeyFile[];
  /** The manifest digest to verify; resolved from the reference's tag when absent. */
  digest?: string;
}

interface SigDescriptor {
  mediaType?: string;
  digest?: string;
  size?: number;
  annotations?: Record<string, string>;
}

function sha256(b: Buffer): string {
  return `sha256:${createHash('sha256').update(b).digest('hex')}`;
}

/** The tag cosign stores the signatures of `digest` under (spec: tag-based discovery). */
export function signatureTag(digest: string): string {
  return `${digest.replace(':', '-')}.sig`;
}

/**
 * What the simple-signing payload must say for this image: its type is
 * cosign's, and its manifest digest is the image's. The spec tells verifiers
 * to ignore docker-reference (an image may be copied between registries), so a
 * reference naming another repository is allowed, but one that is not a
 * string, or that pins another digest, is refused.
 */
export function checkPayload(payload: Buffer, digest: string): string | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(payload.toString('utf8'));
  } catch {
    return 'the signed payload is not JSON';
  }
  const critical = (doc as { critical?: unknown } | null)?.critical as
    { type?: unknown; image?: Record<string, unknown>; identity?: Record<string, unknown> } | undefined;
  if (!critical || typeof critical !== 'object') return 'the signed payload has no "critical" section';
  if (critical.type !== COSIGN_TYPE) return `the signed payload's type is not "${COSIGN_TYPE}"`;
  const named = critical.image?.['docker-manifest-digest'];
  if (typeof named !== 'string') return 'the signed payload names no docker-manifest-digest';
  if (named !== digest) return `the signature is for ${named}, not this image (${digest})`;
  const reference = critical.identity?.['docker-reference'];
  if (reference !== undefined && typeof reference !== 'string')
    return 'the signed payload has a docker-reference that is not a string';
  const pinned = typeof reference === 'string' ? /@(sha256:[0-9a-f]{64})$/.exec(reference)?.[1] : undefined;
  if (pinned && pinned !== digest) return `the signed docker-reference pins ${pinned}, not ${digest}`;
  return undefined;
}

/** The digest a tag (or digest) reference names, as the registry serves its manifest. */
async function resolveDigest(client: RegistryClient, ref: ImageReference, name: string): Promise<string> {
  const reference = ref.digest ?? ref.tag!;
  const { body } = await client.manifest(reference, 4 * 1024 * 1024);
  const digest = sha256(body);
  if (ref.digest && ref.digest !== digest)
    throw new UserError(
      `${name}: manifest ${ref.digest} has digest ${digest}`,
      'the registry returned altered content',
    );
  return digest;
}

async function checkLayer(
  client: RegistryClient,
  layer: SigDescriptor,
  digest: string,
  keys: PublicKeyFile[],
  name: string,
): Promise<SignatureCheck> {
  const id = typeof layer.digest === 'string' ? layer.digest : '(no digest)';
  const fail = (Reason: string): SignatureCheck => ({ Layer: id, Verified: false, Reason });
  if (layer.mediaType !== SIMPLE_SIGNING_TYPE)
    return fail(`layer media type ${String(layer.mediaType)} is not cosign's`);
  if (!isDigest(id)) return fail('the layer has an invalid digest');
  const signature = layer.annotations?.[SIGNATURE_ANNOTATION];
  if (typeof signature !== 'string' || !/^[A-Za-z0-9+/=\s]{1,8192}$/.test(signature))
    return fail(`the layer has no base64 ${SIGNATURE_ANNOTATION} annotation`);
  if (typeof layer.size === 'number' && layer.size > MAX_PAYLOAD_BYTES)
    return fail(`the payload declares ${layer.size} bytes, over the ${MAX_PAYLOAD_BYTES} limit`);
  const res = await client.blob(id);
  const payload = await readBody(res, MAX_PAYLOAD_BYTES, `${name}: signature payload ${id}`, client.timeoutMs);
  if (sha256(payload) !== id) return fail(`the payload blob does not match its digest ${id}`);
  const sig = Buffer.from(signature, 'base64');
  const key = keys.find((k) => verifyWithKey(k, payload, sig));
  if (!key) return fail(`no given key verifies the signature (tried ${keys.map((k) => k.name).join(', ')})`);
  const wrong = checkPayload(payload, digest);
  if (wrong) return { ...fail(wrong), Key: key.name };
  return { Layer: id, Verified: true, Key: key.name };
}

/**
 * Verifies the cosign signatures of `refText` with `opts.keys`. A missing
 * .sig tag or no valid signature is a result (Verified false, with a reason),
 * not an error: the caller decides whether it fails the scan. Network and
 * auth failures are errors, as for the image itself.
 */
export async function verifyCosignSignatures(refText: string, opts: VerifyOptions): Promise<SignatureVerification> {
  if (opts.keys.length === 0) throw new UserError('no public key to verify signatures with', 'pass --key cosign.pub');
  const ref = parseReference(refText);
  const name = formatReference(ref);
  const client = new RegistryClient(ref, opts);
  const digest = opts.digest ?? (await resolveDigest(client, ref, name));
  const tag = signatureTag(digest);
  const result = (Reason: string | undefined, Checks: SignatureCheck[] = []): SignatureVerification => {
    const VerifiedBy = [...new Set(Checks.filter((c) => c.Verified).map((c) => c.Key!))];
    return {
      Verified: VerifiedBy.length > 0,
      Digest: digest,
      SignatureTag: `${ref.registry}/${ref.repository}:${tag}`,
      VerifiedBy,
      Checks,
      ...(VerifiedBy.length > 0 ? {} : { Reason: Reason ?? 'no signature verified' }),
    };
  };

  let body: Buffer;
  try {
    body = (await client.manifest(tag, MAX_SIG_MANIFEST_BYTES)).body;
  } catch (e) {
    if (e instanceof UserError && /HTTP 404/.test(e.message))
      return result(`no cosign signature: ${ref.registry}/${ref.repository}:${tag} does not exist`);
    throw e;
  }
  let doc: { layers?: unknown };
  try {
    doc = JSON.parse(body.toString('utf8')) as { layers?: unknown };
  } catch {
    return result(`the signature manifest ${tag} is not JSON`);
  }
  if (!Array.isArray(doc.layers) || doc.layers.length === 0)
    return result(`the signature manifest ${tag} has no layers`);
  if (doc.layers.length > MAX_SIGNATURE_LAYERS)
    return result(`the signature manifest has ${doc.layers.length} layers, over the ${MAX_SIGNATURE_LAYERS} limit`);
  const checks: SignatureCheck[] = [];
  for (const layer of doc.layers as SigDescriptor[])
    checks.push(await checkLayer(client, layer ?? {}, digest, opts.keys, name));
  const reasons = [...new Set(checks.map((c) => c.Reason).filter((r): r is string => !!r))];
  return result(reasons.join('; '), checks);
}

/** One line for a human: who verified, or why not. */
export function describeVerification(v: SignatureVerification): string {
  return v.Verified
    ? `signature verified for ${v.Digest} by ${v.VerifiedBy.join(', ')}`
    : `signature NOT verified for ${v.Digest}: ${v.Reason ?? 'no signature verified'}`;
}
