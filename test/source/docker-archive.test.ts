/**
 * A docker save archive whose config is not what its name (its digest)
 * says is refused, in both the legacy (`<hex>.json`) and Docker ≥ 25
 * (`blobs/sha256/<hex>`) forms.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { openLocalImage } from '../../src/source/archive/index.js';
import { plainLayer, sha256 } from '../hostile/corpus/image-writer.js';
import { rawTar } from '../hostile/corpus/tar-writer.js';

const work = mkdtempSync(join(tmpdir(), 'customs-docker-archive-'));
after(() => rmSync(work, { recursive: true, force: true }));

function archive(file: string, configName: (digestHex: string) => string, swapConfig: boolean): void {
  const layer = plainLayer(rawTar([{ name: 'etc/hostname', body: 'x\n' }]));
  const config = Buffer.from(
    JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [layer.diffId] } }),
  );
  const stored = swapConfig
    ? Buffer.from(
        JSON.stringify({
          architecture: 'amd64',
          os: 'linux',
          config: { User: 'root' },
          rootfs: { type: 'layers', diff_ids: [layer.diffId] },
        }),
      )
    : config;
  const name = configName(sha256(config).slice('sha256:'.length));
  const layerName = `${layer.diffId.slice('sha256:'.length)}/layer.tar`;
  writeFileSync(
    file,
    rawTar([
      { name, body: stored },
      { name: layerName, body: layer.blob },
      { name: 'manifest.json', body: JSON.stringify([{ Config: name, RepoTags: ['t:latest'], Layers: [layerName] }]) },
    ]),
  );
}

for (const [form, configName] of [
  ['legacy', (hex: string) => `${hex}.json`],
  ['docker25', (hex: string) => `blobs/sha256/${hex}`],
] as const) {
  test(`${form}: a config that does not hash to its name is refused; the genuine one opens`, async () => {
    const good = join(work, `${form}-good.tar`);
    archive(good, configName, false);
    const img = await openLocalImage(good);
    assert.equal(img.layers.length, 1);
    const bad = join(work, `${form}-bad.tar`);
    archive(bad, configName, true);
    await assert.rejects(openLocalImage(bad), /digest mismatch.*re-export it/);
  });
}
