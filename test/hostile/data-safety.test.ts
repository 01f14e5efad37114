/**
 * What a killed or concurrent customs leaves behind: a `db update` and a
 * cache-filling scan are killed (SIGKILL) at random points, then the old
 * database and a cache-using scan must still give the right answers; two
 * scans sharing one cold cache must both finish with identical reports.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../support/cli.js';
import { cliPath } from '../support/paths.js';
import { alpineRoot } from './corpus/content.js';
import { gzipLayer, writeOciLayout } from './corpus/image-writer.js';
import { rawTar } from './corpus/tar-writer.js';
import { makeZip } from './corpus/zip-writer.js';
import { makeSandbox, removeSandbox, type Sandbox } from './sandbox.js';

const KILLS = 6;

/** The report without its timestamp, for comparing runs. */
function stable(stdout: string): unknown {
  const r = JSON.parse(stdout) as Record<string, unknown>;
  delete r['CreatedAt'];
  return r;
}

function osvExport(dir: string, records: number): void {
  mkdirSync(join(dir, 'Alpine'), { recursive: true });
  const entries = Array.from({ length: records }, (_, i) => ({
    name: `ALPINE-${i}.json`,
    data: Buffer.from(
      JSON.stringify({
        id: i === 0 ? 'CVE-2025-0001' : `CVE-2025-${10000 + i}`,
        modified: '2026-01-01T00:00:00Z',
        affected: [
          {
            package: { ecosystem: 'Alpine:v3.20', name: i === 0 ? 'musl' : `pkg${i}` },
            ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '99.0-r0' }] }],
          },
        ],
      }),
    ),
  }));
  writeFileSync(join(dir, 'Alpine', 'all.zip'), makeZip(entries));
}

/** Starts customs and SIGKILLs it after `ms`; resolves with how it ended. */
function killAfter(
  args: string[],
  env: Record<string, string>,
  ms: number,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], { env: { ...process.env, ...env }, stdio: 'ignore' });
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
  });
}

/** Deterministic "random" kill points, spread over the run's duration. */
function killPoints(totalMs: number): number[] {
  return Array.from({ length: KILLS }, (_, i) => Math.round((((i * 7919) % 97) / 97) * totalMs) + 20);
}

describe('data safety', { concurrency: 1 }, () => {
  let sb: Sandbox;
  let image: string;
  before(() => {
    sb = makeSandbox();
    osvExport(join(sb.root, 'osv-small'), 1);
    osvExport(join(sb.root, 'osv-big'), 20_000);
    // Six distinct layers so a scan writes many cache entries over its run.
    const layers = Array.from({ length: 6 }, (_, i) =>
      gzipLayer(rawTar([...alpineRoot(), { name: `data/${i}.bin`, body: Buffer.alloc(2_000_000 + i, i) }])),
    );
    image = join(sb.root, 'image.oci');
    writeOciLayout(image, 'data-safety', { layers });
  });
  after(() => removeSandbox(sb));

  const status = async (cache: string): Promise<{ ecosystems: Record<string, { records: number }> }> => {
    const r = await runCli(['db', 'status', '--json', '--cache-dir', cache], { env: sb.env });
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as { ecosystems: Record<string, { records: number }> };
  };

  test('a db update killed at any point leaves the old database whole', async () => {
    const cache = join(sb.root, 'db-cache');
    const first = await runCli(['db', 'update', '--source', join(sb.root, 'osv-small'), '--cache-dir', cache], {
      env: sb.env,
    });
    assert.equal(first.code, 0, first.stderr);
    const t0 = Date.now();
    const probe = await runCli(
      ['db', 'update', '--source', join(sb.root, 'osv-big'), '--cache-dir', join(sb.root, 'probe-cache')],
      { env: sb.env },
    );
    assert.equal(probe.code, 0, probe.stderr);
    const full = Date.now() - t0;
    let killed = 0;
    for (const ms of killPoints(full)) {
      const end = await killAfter(
        ['db', 'update', '--source', join(sb.root, 'osv-big'), '--cache-dir', cache, '-q'],
        sb.env,
        ms,
      );
      if (end.signal === 'SIGKILL') killed++;
      const records = (await status(cache)).ecosystems['Alpine']?.records;
      // Killed: the old database (1 record). Finished before the kill: the new one, whole.
      assert.ok(records === 1 || records === 20_000, `after a kill at ${ms} ms the database holds ${records} records`);
      if (records === 20_000) {
        const again = await runCli(['db', 'update', '--source', join(sb.root, 'osv-small'), '--cache-dir', cache], {
          env: sb.env,
        });
        assert.equal(again.code, 0, again.stderr);
      }
    }
    assert.ok(killed >= KILLS / 2, `${killed} of ${KILLS} updates were killed mid-way (the rest finished first)`);
    const sbom = join(sb.root, 'musl.cdx.json');
    writeFileSync(
      sbom,
      JSON.stringify({
        bomFormat: 'CycloneDX',
        specVersion: '1.6',
        version: 1,
        components: [
          { type: 'operating-system', name: 'alpine', version: '3.20.3' },
          { type: 'library', name: 'musl', version: '1.2.5-r0', purl: 'pkg:apk/alpine/musl@1.2.5-r0?distro=3.20.3' },
        ],
      }),
    );
    const scan = await runCli(['sbom', sbom, '--cache-dir', cache, '--skip-db-update', '-f', 'json'], { env: sb.env });
    assert.equal(scan.code, 0, scan.stderr);
    assert.match(scan.stdout, /CVE-2025-0001/, 'the surviving database still matches');
    const leftovers = readdirSync(join(cache, 'db')).filter((f) => f.includes('.tmp-'));
    await runCli(['db', 'update', '--source', join(sb.root, 'osv-small'), '--cache-dir', cache], { env: sb.env });
    assert.deepEqual(
      readdirSync(join(cache, 'db')).filter((f) => f.includes('.tmp-')),
      [],
      `temp files of killed updates (${leftovers.length}) are removed by the next update`,
    );
  });

  test('a scan killed while filling the layer cache leaves a cache the next scan can use', async () => {
    const args = ['image', '--input', `oci:${image}`, '--scanners', 'secret', '-f', 'json', '--list-all-pkgs'];
    const reference = await runCli([...args, '--no-cache'], { env: sb.env });
    assert.equal(reference.code, 0, reference.stderr);
    const cache = join(sb.root, 'layer-cache');
    const t0 = Date.now();
    const probe = await runCli([...args, '--cache-dir', join(sb.root, 'probe-layer-cache')], { env: sb.env });
    assert.equal(probe.code, 0);
    const full = Date.now() - t0;
    for (const ms of killPoints(full)) {
      await killAfter([...args, '--cache-dir', cache], sb.env, ms);
      const run = await runCli([...args, '--cache-dir', cache], { env: sb.env });
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(
        stable(run.stdout),
        stable(reference.stdout),
        `the report after a kill at ${ms} ms equals the uncached one`,
      );
      assert.doesNotMatch(run.stderr, /unreadable/, 'no half-written cache entry was ever read');
    }
  });

  test('two scans sharing one cold cache both finish with the same report', async () => {
    const cache = join(sb.root, 'shared-cache');
    const args = [
      'image',
      '--input',
      `oci:${image}`,
      '--scanners',
      'secret',
      '-f',
      'json',
      '--list-all-pkgs',
      '--cache-dir',
      cache,
    ];
    const [a, b] = await Promise.all([
      runCli(args, { env: sb.env, timeoutMs: 120_000 }),
      runCli(args, { env: sb.env, timeoutMs: 120_000 }),
    ]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    assert.deepEqual(stable(a.stdout), stable(b.stdout));
    const warm = await runCli(args, { env: sb.env });
    assert.deepEqual(stable(warm.stdout), stable(a.stdout));
  });

  test('two db updates at once both finish and leave one whole database', async () => {
    const cache = join(sb.root, 'db-race');
    const args = ['db', 'update', '--source', join(sb.root, 'osv-big'), '--cache-dir', cache, '-q'];
    const [a, b] = await Promise.all([runCli(args, { env: sb.env }), runCli(args, { env: sb.env })]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    assert.equal((await status(cache)).ecosystems['Alpine']?.records, 20_000);
  });
});
