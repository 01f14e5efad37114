/**
 * Index once, re-match on change: two images are scanned against database
 * A; database B (built into the server's cache dir, as `customs db update`
 * does) changes one advisory so it no longer matches, adds one, and leaves
 * one about a package neither image holds. A re-match touches only the image
 * holding the changed packages and records the new finding and the fixed
 * one; the other image is not matched again; a full re-match matches both.
 * The advisories are written here in the shape of the Debian OSV records in
 * ../shared/osv (DEBIAN-CVE-…, `upstream`, Debian:12 ECOSYSTEM ranges).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { updateDatabase } from '../../src/api/database-admin.js';
import { startServer } from '../../src/server/main.js';
import { gzipLayer, writeDockerArchive } from '../hostile/corpus/image-writer.js';
import { rawTar } from '../hostile/corpus/tar-writer.js';
import { zipCorpus } from '../support/osv-zip.js';
import { writeSmallBookwormImage } from '../support/small-image.js';
import { api, serverOptions } from './support.js';

function advisory(cve: string, pkg: string, fixed: string): string {
  return JSON.stringify({
    schema_version: '1.7.0',
    id: `DEBIAN-${cve}`,
    modified: '2026-01-01T00:00:00Z',
    published: '2026-01-01T00:00:00Z',
    upstream: [cve],
    details: `Test advisory ${cve} for ${pkg}.`,
    affected: [
      {
        package: { ecosystem: 'Debian:12', name: pkg, purl: `pkg:deb/debian/${pkg}?arch=source&distro=bookworm` },
        ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed }] }],
      },
    ],
  });
}

/** A bookworm image with one package no advisory here names. */
function writeOtherImage(dir: string): string {
  const status = 'Package: base-files\nStatus: install ok installed\nVersion: 12.4+deb12u5\nArchitecture: amd64\n';
  const tar = rawTar([
    { name: 'etc/os-release', body: 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n' },
    { name: 'var/lib/dpkg/status', body: status },
  ]);
  const file = join(dir, 'other.tar');
  writeDockerArchive(file, 'other-bookworm', { layers: [gzipLayer(tar)] });
  return file;
}

interface History {
  entries: {
    scan: { kind: string };
    new: { vulnerability_id: string; pkg_name: string }[];
    fixed: { vulnerability_id: string; pkg_name: string }[];
  }[];
}

test('a database change re-matches only the inventories it touches, recording new and fixed', async () => {
  const root = mkdtempSync(join(tmpdir(), 'customs-server-rematch-'));
  try {
    const cache = join(root, 'cache');
    const corpusA = join(root, 'osv-a');
    const corpusB = join(root, 'osv-b');
    zipCorpus(corpusA, 'Debian', {
      'DEBIAN-CVE-2099-0001.json': advisory('CVE-2099-0001', 'expat', '2.5.0-1+deb12u1'),
      'DEBIAN-CVE-2099-0002.json': advisory('CVE-2099-0002', 'openssl', '3.0.99-1'),
    });
    zipCorpus(corpusB, 'Debian', {
      // Now fixed before the installed version: no longer a finding.
      'DEBIAN-CVE-2099-0001.json': advisory('CVE-2099-0001', 'expat', '2.4.0-1'),
      'DEBIAN-CVE-2099-0002.json': advisory('CVE-2099-0002', 'openssl', '3.0.99-1'),
      'DEBIAN-CVE-2099-0003.json': advisory('CVE-2099-0003', 'zlib', '1:1.3-1'),
    });
    await updateDatabase({ cacheDir: cache, sources: [corpusA], kevSource: 'none' });
    const images = join(root, 'images');
    mkdirSync(images);
    const small = writeSmallBookwormImage(images);
    const other = writeOtherImage(images);
    const server = await startServer(
      serverOptions({ database: `sqlite:${join(root, 'store.db')}`, cacheDir: cache, allowLocalInput: images }),
    );
    try {
      const c = api(server.url!);
      const digests: string[] = [];
      for (const image of [small, other]) {
        const { id } = (await (await c.post('/api/v1/scans', { image })).json()) as { id: string };
        const scan = await c.waitForScan(id);
        assert.equal(scan.status, 'done', scan.error);
        digests.push(scan.digest!);
      }
      const [smallDigest, otherDigest] = digests as [string, string];
      const before = (await (await c.get('/api/v1/vulnerabilities/CVE-2099-0001')).json()) as {
        images: { digest: string }[];
      };
      assert.deepEqual(
        before.images.map((i) => i.digest),
        [smallDigest],
      );

      // Same database: nothing to re-match.
      const unchanged = (await (await c.post('/api/v1/rematch', {})).json()) as { rematched: string[] };
      assert.deepEqual(unchanged.rematched, []);

      await updateDatabase({ cacheDir: cache, sources: [corpusB], kevSource: 'none' });
      const summary = (await (await c.post('/api/v1/rematch', {})).json()) as {
        rematched: string[];
        changedPackages: number;
      };
      assert.deepEqual(summary.rematched, [smallDigest], 'only the image holding expat and zlib');
      assert.equal(summary.changedPackages, 2, 'expat and zlib changed; openssl did not');

      const history = (await (await c.get(`/api/v1/images/${smallDigest}/history`)).json()) as History;
      assert.deepEqual(
        history.entries.map((e) => e.scan.kind),
        ['scan', 'rematch'],
      );
      const last = history.entries[1]!;
      assert.deepEqual(
        last.new.map((n) => `${n.pkg_name} ${n.vulnerability_id}`),
        ['zlib1g CVE-2099-0003'],
      );
      assert.deepEqual(
        last.fixed.map((n) => `${n.pkg_name} ${n.vulnerability_id}`),
        ['libexpat1 CVE-2099-0001'],
      );
      const otherHistory = (await (await c.get(`/api/v1/images/${otherDigest}/history`)).json()) as History;
      assert.equal(otherHistory.entries.length, 1, 'the untouched image was not matched again');

      // The latest report and the vulnerability index follow the re-match.
      const report = (await (await c.get(`/api/v1/images/${smallDigest}`)).json()) as {
        Results?: { Vulnerabilities?: { VulnerabilityID: string }[] }[];
      };
      const ids = (report.Results ?? []).flatMap((r) => (r.Vulnerabilities ?? []).map((v) => v.VulnerabilityID));
      assert.deepEqual(ids, ['CVE-2099-0003']);
      const now = (await (await c.get('/api/v1/vulnerabilities/CVE-2099-0001')).json()) as { images: unknown[] };
      assert.equal(now.images.length, 0);
      const metrics = await (await c.get('/metrics')).text();
      assert.match(metrics, /^customs_scans_total\{outcome="done",kind="rematch"\} 1$/m);

      // A full re-match matches every stored inventory, and finds nothing new.
      const full = (await (await c.post('/api/v1/rematch', { full: true })).json()) as { rematched: string[] };
      assert.deepEqual(full.rematched.sort(), [...digests].sort());
      const after = (await (await c.get(`/api/v1/images/${smallDigest}/history`)).json()) as History;
      assert.equal(after.entries.length, 3);
      assert.deepEqual(after.entries[2]!.new, []);
      assert.deepEqual(after.entries[2]!.fixed, []);
    } finally {
      await server.close();
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
