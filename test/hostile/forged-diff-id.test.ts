/**
 * Cache poisoning through forged diff_ids (issue 22): an image whose config
 * claims debian-bookworm's base-layer diff_id for a harmless layer of its
 * own. Scanned before or after the real debian-bookworm with the same cache,
 * it is refused as mismatched and the real image keeps its full report.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli, type CliRun } from '../support/cli.js';
import { ensureImages, imageForms } from '../support/images.js';
import { readLayout } from '../support/oci-layout.js';
import { ALPINE_PACKAGES, alpineRoot } from './corpus/content.js';
import { gzipLayer, plainLayer, writeDockerArchive, writeOciLayout } from './corpus/image-writer.js';
import { rawTar } from './corpus/tar-writer.js';
import { makeSandbox, removeSandbox, type Sandbox } from './sandbox.js';

interface Report {
  Metadata?: { OS?: { Family?: string } };
  Results?: { Packages?: { Name: string; Version: string }[] }[];
}

const images = ensureImages(['debian-bookworm']);

function packages(run: CliRun): string[] {
  const r = JSON.parse(run.stdout) as Report;
  return (r.Results ?? [])
    .flatMap((x) => x.Packages ?? [])
    .map((p) => `${p.Name}@${p.Version}`)
    .sort();
}

function cacheEntries(sb: Sandbox): number {
  try {
    return readdirSync(join(sb.cache, 'layers'), { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('.json')).length;
  } catch {
    return 0;
  }
}

describe('forged diff_ids cannot poison the layer cache', { concurrency: 1 }, () => {
  if ('skip' in images) {
    test('images', (t) => t.skip(images.skip));
    return;
  }
  const genuine = `oci:${imageForms(images.cache, 'debian-bookworm').oci}`;
  let forged: Record<string, string>;
  let baseline: string[];
  const sb = makeSandbox();
  after(() => removeSandbox(sb));
  const scan = (input: string, ...extra: string[]): Promise<CliRun> =>
    runCli(['image', '--input', input, '--scanners', 'none', '--list-all-pkgs', '-f', 'json', '-q', ...extra], {
      env: sb.env,
      cwd: sb.work,
      timeoutMs: 240_000,
    });

  before(async () => {
    const debianBase = readLayout(imageForms(images.cache, 'debian-bookworm').oci).config.rootfs.diff_ids[0]!;
    const harmless = rawTar(alpineRoot());
    const gz = { ...gzipLayer(harmless), diffId: debianBase };
    const plain = { ...plainLayer(harmless), diffId: debianBase };
    forged = {
      oci: join(sb.work, 'forged.oci'),
      docker25: join(sb.work, 'forged.docker25.tar'),
      ociPlain: join(sb.work, 'forged-plain.oci'),
      legacy: join(sb.work, 'forged.legacy.tar'),
    };
    writeOciLayout(forged.oci!, 'forged', { layers: [gz] });
    writeDockerArchive(forged.docker25!, 'forged', { layers: [gz] });
    writeOciLayout(forged.ociPlain!, 'forged-plain', { layers: [plain] });
    writeDockerArchive(forged.legacy!, 'forged-legacy', { layers: [plain] });
    const run = await scan(genuine, '--no-cache');
    assert.equal(run.code, 0, run.stderr);
    baseline = packages(run);
    assert.ok(baseline.length > 50, `debian-bookworm lists its packages (${baseline.length})`);
  });

  test('the forged image is refused in every form, and nothing is cached for it', async () => {
    for (const input of [`oci:${forged.oci}`, `docker-archive:${forged.docker25}`, `oci:${forged.ociPlain}`]) {
      const run = await scan(input);
      assert.equal(run.code, 1, `${input}: ${run.stderr}`);
      assert.match(
        run.stderr,
        /customs: error: layer sha256:[0-9a-f]{64} \(#1 of .*\): the diff_id does not match the layer's content/,
      );
    }
    // The legacy form names the layer by its diff_id, so the blob's own digest check refuses it first.
    const legacy = await scan(`docker-archive:${forged.legacy}`);
    assert.equal(legacy.code, 1, legacy.stderr);
    assert.match(legacy.stderr, /customs: error: layer sha256:[0-9a-f]{64} of .*: digest mismatch/);
    assert.equal(cacheEntries(sb), 0);
  });

  test('the genuine image scanned after it, with the same cache, gives its full report', async () => {
    const cold = await scan(genuine);
    assert.equal(cold.code, 0, cold.stderr);
    assert.equal((JSON.parse(cold.stdout) as Report).Metadata?.OS?.Family, 'debian');
    assert.deepEqual(packages(cold), baseline);
    assert.ok(cacheEntries(sb) > 0, 'the verified layer is cached');
  });

  test('the forged image scanned after the genuine one still misses the cache and is refused', async () => {
    const run = await scan(`oci:${forged.oci}`);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /the diff_id does not match the layer's content/);
    const warm = await scan(genuine);
    assert.equal(warm.code, 0, warm.stderr);
    assert.deepEqual(packages(warm), baseline);
  });

  test('the harmless layer under its own diff_id scans as what it is', async () => {
    const honest = join(sb.work, 'honest.oci');
    writeOciLayout(honest, 'honest', { layers: [gzipLayer(rawTar(alpineRoot()))] });
    const run = await scan(`oci:${honest}`);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(packages(run).length, ALPINE_PACKAGES);
  });
});
