/**
 * Writes one image spec as both forms a user hands to `customs image
 * --input`: an OCI image layout directory and a `docker save` archive (the
 * legacy `<id>/layer.tar` form for plain layers, `blobs/sha256/…` for
 * compressed ones, as Docker ≥ 25 writes). Tamper options make the
 * metadata lie in the ways the hostile corpus needs.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { rawTar } from './tar-writer.js';

export interface LayerBlob {
  blob: Buffer;
  diffId: string;
  mediaType: string;
}

const OCI_LAYER = 'application/vnd.oci.image.layer.v1.tar';

export function sha256(b: Buffer | string): string {
  return `sha256:${createHash('sha256').update(b).digest('hex')}`;
}

export function plainLayer(tar: Buffer): LayerBlob {
  return { blob: tar, diffId: sha256(tar), mediaType: OCI_LAYER };
}

export function gzipLayer(tar: Buffer): LayerBlob {
  return { blob: gzipSync(tar), diffId: sha256(tar), mediaType: `${OCI_LAYER}+gzip` };
}

export interface ImageSpec {
  layers: LayerBlob[];
  /** Fields merged over the default config (rootfs and history are derived unless given). */
  config?: Record<string, unknown>;
  /** Bytes stored for a layer instead of its blob, under the blob's own digest (truncation, bit flips). */
  storedBlob?: (index: number, blob: Buffer) => Buffer;
  /** Replaces the config with these bytes (its digest is theirs, so only the content is wrong). */
  rawConfig?: Buffer;
  /** Replaces the manifest (OCI) and manifest.json (docker) with these bytes. */
  rawManifest?: Buffer;
  /** OCI only: index.json points to an index blob that lists itself. */
  selfIndex?: boolean;
}

interface Built {
  config: Buffer;
  configDigest: string;
  blobs: { digest: string; stored: Buffer; layer: LayerBlob }[];
}

function build(spec: ImageSpec, name: string): Built {
  const config =
    spec.rawConfig ??
    Buffer.from(
      JSON.stringify({
        architecture: 'amd64',
        os: 'linux',
        created: '2026-01-01T00:00:00Z',
        config: { User: 'app', Cmd: ['/bin/true'] },
        history: spec.layers.map((_, i) => ({
          created: '2026-01-01T00:00:00Z',
          created_by: `hostile corpus ${name} layer ${i}`,
        })),
        ...spec.config,
        rootfs: {
          type: 'layers',
          diff_ids: spec.layers.map((l) => l.diffId),
          ...(spec.config?.['rootfs'] as object | undefined),
        },
      }),
    );
  return {
    config,
    configDigest: sha256(config),
    blobs: spec.layers.map((layer, i) => ({
      digest: sha256(layer.blob),
      layer,
      stored: spec.storedBlob ? spec.storedBlob(i, layer.blob) : layer.blob,
    })),
  };
}

function hex(digest: string): string {
  return digest.slice('sha256:'.length);
}

export function writeOciLayout(dir: string, name: string, spec: ImageSpec): void {
  const b = build(spec, name);
  const blobs = join(dir, 'blobs', 'sha256');
  mkdirSync(blobs, { recursive: true });
  const put = (data: Buffer, digest = sha256(data)): string => {
    writeFileSync(join(blobs, hex(digest)), data);
    return digest;
  };
  put(b.config);
  for (const l of b.blobs) put(l.stored, l.digest);
  const manifest =
    spec.rawManifest ??
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: {
          mediaType: 'application/vnd.oci.image.config.v1+json',
          digest: b.configDigest,
          size: b.config.length,
        },
        layers: b.blobs.map((l) => ({ mediaType: l.layer.mediaType, digest: l.digest, size: l.layer.blob.length })),
      }),
    );
  let top = { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: put(manifest), size: manifest.length };
  if (spec.selfIndex) {
    // A blob cannot hold its own hash, so the loop is stored under a made-up digest: only a reader that skips verification would follow it.
    const loopDigest = sha256(`self-index ${name}`);
    const loop = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        manifests: [{ mediaType: 'application/vnd.oci.image.index.v1+json', digest: loopDigest, size: 200 }],
      }),
    );
    put(loop, loopDigest);
    top = { mediaType: 'application/vnd.oci.image.index.v1+json', digest: loopDigest, size: loop.length };
  }
  writeFileSync(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  writeFileSync(
    join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [{ ...top, annotations: { 'org.opencontainers.image.ref.name': 'latest' } }],
    }),
  );
}

export function writeDockerArchive(file: string, name: string, spec: ImageSpec): void {
  const b = build(spec, name);
  const entries: { name: string; body: Buffer }[] = [{ name: `${hex(b.configDigest)}.json`, body: b.config }];
  const layerNames = b.blobs.map((l) =>
    l.layer.mediaType === OCI_LAYER ? `${hex(l.layer.diffId)}/layer.tar` : `blobs/sha256/${hex(l.digest)}`,
  );
  const written = new Set<string>();
  b.blobs.forEach((l, i) => {
    if (!written.has(layerNames[i]!)) {
      written.add(layerNames[i]!);
      entries.push({ name: layerNames[i]!, body: l.stored });
    }
  });
  const manifest =
    spec.rawManifest ??
    Buffer.from(
      JSON.stringify([
        { Config: `${hex(b.configDigest)}.json`, RepoTags: [`hostile/${name}:latest`], Layers: layerNames },
      ]),
    );
  entries.push({ name: 'manifest.json', body: manifest });
  writeFileSync(file, rawTar(entries));
}
