/**
 * Keyed cosign signature verification against a registry on loopback. The
 * signature artifacts are built exactly as cosign stores them, following
 * cosign's specs/SIGNATURE_SPEC.md: the simple-signing JSON payload pushed as a
 * blob, an ECDSA P-256 / SHA-256 signature (DER, base64) made with a key
 * generated here, and an OCI image manifest at the tag `sha256-<hex>.sig`
 * whose layer (media type application/vnd.dev.cosign.simplesigning.v1+json)
 * carries the signature in the `dev.cosignproject.cosign/signature` annotation.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { parsePublicKey, signatureTag, verifyCosignSignatures } from '../../src/source/signature/index.js';
import { ecdsaPair, SigningRegistry } from '../support/signing-registry.js';

describe('cosign signature verification', () => {
  const registry = new SigningRegistry();
  const signer = ecdsaPair();
  const stranger = ecdsaPair();
  before(() => registry.start());
  after(() => registry.close());

  test('a signature made as cosign makes it verifies, naming the key', async () => {
    const digest = registry.pushImage('app/good', 'v1', 'good');
    registry.pushSignature('app/good', digest, signer.privateKey);
    const v = await verifyCosignSignatures(`${registry.host}/app/good:v1`, { keys: [stranger.pub, signer.pub] });
    assert.equal(v.Verified, true, v.Reason);
    assert.equal(v.Digest, digest);
    assert.deepEqual(v.VerifiedBy, ['cosign.pub']);
    assert.equal(v.SignatureTag, `${registry.host}/app/good:${signatureTag(digest)}`);
    assert.equal(v.Reason, undefined);
  });

  test('RSA and Ed25519 keys verify too', async () => {
    for (const type of ['rsa', 'ed25519'] as const) {
      const pair =
        type === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ed25519');
      const repo = `app/${type}`;
      const digest = registry.pushImage(repo, 'v1', type);
      registry.pushSignature(repo, digest, pair.privateKey);
      const pub = parsePublicKey(pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(), `${type}.pub`);
      const v = await verifyCosignSignatures(`${registry.host}/${repo}:v1`, { keys: [pub] });
      assert.equal(v.Verified, true, `${type}: ${v.Reason}`);
    }
  });

  test('a tampered payload fails', async () => {
    const digest = registry.pushImage('app/tampered', 'v1', 'tampered');
    registry.pushSignature('app/tampered', digest, signer.privateKey, { tamper: true });
    const v = await verifyCosignSignatures(`${registry.host}/app/tampered:v1`, { keys: [signer.pub] });
    assert.equal(v.Verified, false);
    assert.match(v.Reason!, /no given key verifies the signature/);
  });

  test('a wrong key fails', async () => {
    const digest = registry.pushImage('app/wrongkey', 'v1', 'wrongkey');
    registry.pushSignature('app/wrongkey', digest, signer.privateKey);
    const v = await verifyCosignSignatures(`${registry.host}/app/wrongkey:v1`, { keys: [stranger.pub] });
    assert.equal(v.Verified, false);
    assert.match(v.Reason!, /no given key verifies the signature \(tried cosign\.pub\)/);
  });

  test('a payload naming another digest fails, even under a valid signature', async () => {
    const digest = registry.pushImage('app/other', 'v1', 'other');
    const elsewhere = registry.pushImage('app/other', 'v2', 'elsewhere');
    registry.pushSignature('app/other', digest, signer.privateKey, { payloadDigest: elsewhere });
    const v = await verifyCosignSignatures(`${registry.host}/app/other:v1`, { keys: [signer.pub] });
    assert.equal(v.Verified, false);
    assert.equal(v.Reason, `the signature is for ${elsewhere}, not this image (${digest})`);
    assert.equal(v.Checks[0]!.Key, 'cosign.pub');
  });

  test('a missing .sig tag fails with the tag it looked for', async () => {
    const digest = registry.pushImage('app/unsigned', 'v1', 'unsigned');
    const v = await verifyCosignSignatures(`${registry.host}/app/unsigned:v1`, { keys: [signer.pub] });
    assert.equal(v.Verified, false);
    assert.equal(v.Reason, `no cosign signature: ${registry.host}/app/unsigned:${signatureTag(digest)} does not exist`);
  });

  test('a signature layer whose blob does not match its digest fails', async () => {
    const digest = registry.pushImage('app/swapped', 'v1', 'swapped');
    registry.pushSignature('app/swapped', digest, signer.privateKey);
    const manifest = JSON.parse(registry.manifests.get(`app/swapped:${signatureTag(digest)}`)!.toString()) as {
      layers: { digest: string }[];
    };
    registry.blobs.set(manifest.layers[0]!.digest, Buffer.from('{"critical":{}}'));
    const v = await verifyCosignSignatures(`${registry.host}/app/swapped:v1`, { keys: [signer.pub] });
    assert.equal(v.Verified, false);
    assert.match(v.Reason!, /the payload blob does not match its digest/);
  });

  test('a file that is not a PEM public key is refused before any request', () => {
    assert.throws(() => parsePublicKey('not a key', 'bad.pub'), /bad\.pub: not a PEM public key/);
  });
});
