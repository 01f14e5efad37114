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
import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import {
  parsePublicKey,
  SIGNATURE_ANNOTATION,
  SIMPLE_SIGNING_TYPE,
  signatureTag,
  verifyCosignSignatures,
  type PublicKeyFile,
} from '../../src/source/signature/index.js';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const sha256 = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** A registry holding pushed manifests (by tag and digest) and blobs, per repository. */
class LoopbackRegistry {
  readonly manifests = new Map<string, Buffer>();
  readonly blobs = new Map<string, Buffer>();
  private server!: Server;
  host = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const m = /^\/v2\/(.+)\/(manifests|blobs)\/([^/]+)$/.exec(req.url ?? '');
      const body = m && (m[2] === 'manifests' ? this.manifests.get(`${m[1]}:${m[3]}`) : this.blobs.get(m[3]!));
      if (!body) {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"errors":[{"code":"MANIFEST_UNKNOWN"}]}');
        return;
      }
      res.writeHead(200, { 'content-type': m[2] === 'manifests' ? OCI_MANIFEST : 'application/octet-stream' });
      res.end(body);
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.host = `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
  close(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }
  pushBlob(b: Buffer): string {
    const d = sha256(b);
    this.blobs.set(d, b);
    return d;
  }
  /** Stores a manifest under its digest and, when given, a tag; returns its digest. */
  pushManifest(repo: string, doc: unknown, tag?: string): string {
    const body = Buffer.from(JSON.stringify(doc));
    const d = sha256(body);
    this.manifests.set(`${repo}:${d}`, body);
    if (tag) this.manifests.set(`${repo}:${tag}`, body);
    return d;
  }
  /** A small one-layer image (the content does not matter to signatures). */
  pushImage(repo: string, tag: string, seed: string): string {
    const layer = this.pushBlob(Buffer.from(`layer ${seed}`));
    const config = Buffer.from(
      JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [layer] } }),
    );
    return this.pushManifest(
      repo,
      {
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        config: {
          mediaType: 'application/vnd.oci.image.config.v1+json',
          digest: this.pushBlob(config),
          size: config.length,
        },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: layer, size: 10 }],
      },
      tag,
    );
  }
  /** Signs as `cosign sign --key` does: payload blob, signature annotation, manifest at sha256-<hex>.sig. */
  pushSignature(
    repo: string,
    imageDigest: string,
    privateKey: KeyObject,
    opts: { payloadDigest?: string; tamper?: boolean } = {},
  ): void {
    const payload = Buffer.from(
      JSON.stringify({
        critical: {
          identity: { 'docker-reference': `${this.host}/${repo}` },
          image: { 'docker-manifest-digest': opts.payloadDigest ?? imageDigest },
          type: 'cosign container image signature',
        },
        optional: null,
      }),
    );
    // ECDSA and RSA sign a SHA-256 digest; Ed25519 signs the message itself.
    const algorithm = privateKey.asymmetricKeyType === 'ed25519' ? null : 'sha256';
    const signature = sign(algorithm, payload, privateKey).toString('base64');
    // A tampered payload: the stored bytes differ from the ones signed (its digest is recomputed, as an attacker would).
    const stored = opts.tamper
      ? Buffer.from(payload.toString().replace('cosign container', 'cosign  container'))
      : payload;
    const config = Buffer.from('{"architecture":"","os":"","config":{},"rootfs":{"type":"layers","diff_ids":[]}}');
    this.pushManifest(
      repo,
      {
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        config: {
          mediaType: 'application/vnd.oci.image.config.v1+json',
          digest: this.pushBlob(config),
          size: config.length,
        },
        layers: [
          {
            mediaType: SIMPLE_SIGNING_TYPE,
            digest: this.pushBlob(stored),
            size: stored.length,
            annotations: { [SIGNATURE_ANNOTATION]: signature },
          },
        ],
      },
      signatureTag(imageDigest),
    );
  }
}

function ecdsaPair(): { privateKey: KeyObject; pub: PublicKeyFile } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    privateKey,
    pub: parsePublicKey(publicKey.export({ type: 'spki', format: 'pem' }).toString(), 'cosign.pub'),
  };
}

describe('cosign signature verification', () => {
  const registry = new LoopbackRegistry();
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
