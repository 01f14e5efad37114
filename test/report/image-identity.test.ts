/**
 * The image's name and purl in SBOMs: from the registry reference, the
 * archive's RepoTags or an OCI tag, never the local path; the manifest
 * digest when one is known, else the image ID, flagged.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { imageIdentity, localName } from '../../src/report/image-identity.js';
import type { Report } from '../../src/model/report.js';

const id = `sha256:${'a'.repeat(64)}`;
const manifest = `sha256:${'b'.repeat(64)}`;
const report = (
  artifactName: string,
  md: Partial<Report['metadata']>,
  artifactType: Report['artifactType'] = 'container_image',
): Report => ({
  schemaVersion: 2,
  createdAt: '',
  artifactName,
  artifactType,
  results: [],
  warnings: [],
  metadata: { diffIds: [], repoTags: [], repoDigests: [], imageId: id, imageConfig: { architecture: 'arm64' }, ...md },
});

test('a registry image: its reference, the manifest digest and repository_url as Trivy writes them', () => {
  const r = report('alpine:3.20', {
    repoTags: ['index.docker.io/library/alpine:3.20'],
    repoDigests: [`index.docker.io/library/alpine@${manifest}`],
    manifestDigest: manifest,
  });
  assert.deepEqual(imageIdentity(r), {
    name: 'index.docker.io/library/alpine:3.20',
    purl: `pkg:oci/alpine@${manifest}?arch=arm64&repository_url=index.docker.io%2Flibrary%2Falpine`,
    purlDigest: 'manifest',
  });
});

test('a docker save tar: its RepoTags name it; with no manifest digest the image ID is used and said so', () => {
  const r = report('/builds/runner/tmp/polyglot.tar', { repoTags: ['registry.example.com:5000/team/polyglot:2.1'] });
  assert.deepEqual(imageIdentity(r), {
    name: 'registry.example.com:5000/team/polyglot:2.1',
    purl: `pkg:oci/polyglot@${id}?arch=arm64&repository_url=registry.example.com:5000%2Fteam%2Fpolyglot`,
    purlDigest: 'config',
  });
});

test('an untagged archive or layout: the file name without its folder, and no invented registry', () => {
  assert.deepEqual(
    imageIdentity(report('oci:/home/u/images/node-app:1.0', { manifestDigest: manifest, refName: '1.0' })),
    { name: 'node-app:1.0', purl: `pkg:oci/node-app@${manifest}?arch=arm64`, purlDigest: 'manifest' },
  );
  assert.equal(imageIdentity(report('/tmp/x/rootfs', {}, 'filesystem')).name, 'rootfs');
  assert.equal(localName('docker-archive:/a/b/c.tar.gz'), 'c');
});
