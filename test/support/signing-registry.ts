/**
 * A registry on loopback for signature tests: images and cosign signature
 * artifacts are "pushed" into it, the signatures exactly as cosign stores
 * them per its specs/SIGNATURE_SPEC.md (simple-signing JSON payload blob, an
 * ECDSA/RSA (SHA-256) or Ed25519 signature base64 in the layer annotation
 * `dev.cosignproject.cosign/signature`, an OCI manifest at `sha256-<hex>.sig`).
 * Images carry a real Alpine-like root layer, so they can be scanned too.
 */
import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  parsePublicKey,
  SIGNATURE_ANNOTATION,
  SIMPLE_SIGNING_TYPE,
  signatureTag,
  type PublicKeyFile,
} from '../../src/source/signature/index.js';
import { alpineRoot } from '../hostile/corpus/content.js';
import { gzipLayer } from '../hostile/corpus/image-writer.js';
import { rawTar } from '../hostile/corpus/tar-writer.js';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const sha256 = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** A registry holding pushed manifests (by tag and digest) and blobs, per repository. */
export class SigningRegistry {
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
    // The seed file makes each image's digest its own.
    const layer = gzipLayer(rawTar([...alpineRoot(), { name: 'etc/image-seed', type: 'file', body: seed }]));
    const config = Buffer.from(
      JSON.stringify({
        architecture: 'amd64',
        os: 'linux',
        rootfs: { type: 'layers', diff_ids: [layer.diffId] },
        history: [{ created_by: 'ADD root /' }],
      }),
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
        layers: [{ mediaType: layer.mediaType, digest: this.pushBlob(layer.blob), size: layer.blob.length }],
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

export function ecdsaPair(): { privateKey: KeyObject; pub: PublicKeyFile; pem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  return { privateKey, pub: parsePublicKey(pem, 'cosign.pub'), pem };
}
