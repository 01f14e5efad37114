/**
 * Distribution advisories are about source packages: a binary whose version
 * differs from its source's is matched by the source version, and reported
 * with its own (binary) version. The packages are a real dpkg status file
 * (test/fixtures/os/dpkg-source-split, from Debian's archive); the advisories
 * are the real Debian records for postgresql-common, read from ../shared/osv
 * at test time, beside one written here that the source version does fall in.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { dpkgStatusAnalyzer } from '../../../src/analyzer/os/dpkg.js';
import type { OSInfo } from '../../../src/model/os.js';
import type { Package } from '../../../src/model/package.js';
import { matchVulnerabilities } from '../../../src/detect/vuln/matcher.js';
import { packageFromPurl } from '../../../src/source/sbom/purl-package.js';
import type { OsvRecord } from '../../../src/vulndb/osv.js';
import { DbWriter, VulnDb } from '../../../src/vulndb/store.js';
import { osvDir } from '../../support/db.js';
import { fixture } from '../../support/paths.js';

const work = mkdtempSync(join(tmpdir(), 'customs-srcver-'));
after(() => rmSync(work, { recursive: true, force: true }));
const bookworm: OSInfo = { family: 'debian', name: '12.9', versionId: '12' };
const REAL = ['DEBIAN-CVE-2016-1255', 'DEBIAN-CVE-2017-8806', 'DEBIAN-CVE-2019-3466'];

async function packages(): Promise<Package[]> {
  const content = readFileSync(fixture('os', 'dpkg-source-split', 'status'));
  const path = 'var/lib/dpkg/status';
  const out = await dpkgStatusAnalyzer.analyze(
    { path, size: content.length, mode: 0o644, content },
    { warn: (m) => assert.fail(m) },
  );
  return out?.packageSets?.flatMap((s) => s.packages) ?? [];
}

function buildDb(records: OsvRecord[]): VulnDb {
  const path = join(work, `db-${Math.random().toString(36).slice(2)}.db`);
  const w = new DbWriter(path);
  w.transaction(() => {
    for (const r of records) w.addRecord('Debian', r);
  });
  w.finish({
    builtAt: new Date().toISOString(),
    sources: ['test'],
    ecosystems: { Debian: { records: records.length, skipped: 0, withdrawn: 0 } },
    enrichedCves: 0,
  });
  return new VulnDb(path);
}

function realRecords(): OsvRecord[] {
  const script =
    'import json,sys,zipfile\nz=zipfile.ZipFile(sys.argv[1])\nprint(json.dumps([json.loads(z.read(n+".json")) for n in sys.argv[2:]]))';
  return JSON.parse(
    execFileSync('python3', ['-c', script, join(osvDir, 'Debian', 'all.zip'), ...REAL], { encoding: 'utf8' }),
  ) as OsvRecord[];
}

test('the dpkg analyzer reads the source package and its version from `Source: name (version)`', async () => {
  const client = (await packages()).find((p) => p.name === 'postgresql-client')!;
  assert.deepEqual(
    [client.version, client.srcName, client.srcVersion],
    ['15+248+deb12u2', 'postgresql-common', '248+deb12u2'],
  );
});

test(
  'postgresql-client 15+248+deb12u2 is matched by postgresql-common 248+deb12u2: fixes in 178, 188, 210 do not apply',
  { skip: existsSync(join(osvDir, 'Debian', 'all.zip')) ? false : `${osvDir} not found` },
  async () => {
    const records = realRecords();
    assert.deepEqual(
      records.map((r) => r.id),
      REAL,
    );
    // Matched by the binary version, each of these would be reported: 15+248+deb12u2 sorts below 178.
    const open: OsvRecord = {
      id: 'TEST-SRCVER-1',
      aliases: ['CVE-2099-0248'],
      affected: [
        {
          package: { ecosystem: 'Debian:12', name: 'postgresql-common' },
          ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '248+deb12u3' }] }],
        },
      ],
    };
    const db = buildDb([...records, open]);
    try {
      const { vulnerabilities, warnings } = matchVulnerabilities(db, await packages(), bookworm, {
        matchOsOwned: false,
      });
      assert.deepEqual(warnings, []);
      const got = vulnerabilities
        .map((v) => `${v.pkgName} ${v.installedVersion} ${v.id} fixed ${v.fixedVersion}`)
        .sort();
      assert.deepEqual(got, [
        'postgresql-client 15+248+deb12u2 CVE-2099-0248 fixed 248+deb12u3',
        'postgresql-common 248+deb12u2 CVE-2099-0248 fixed 248+deb12u3',
      ]);
    } finally {
      db.close();
    }
  },
);

test('without a source version (apk, or a dpkg paragraph with no Source) the binary version is compared', async () => {
  const pkgs = (await packages()).map((p) => ({ ...p, srcVersion: undefined }));
  const rec: OsvRecord = {
    id: 'TEST-SRCVER-2',
    affected: [
      {
        package: { ecosystem: 'Debian:12', name: 'postgresql-common' },
        ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '178' }] }],
      },
    ],
  };
  const db = buildDb([rec]);
  try {
    const { vulnerabilities } = matchVulnerabilities(db, pkgs, bookworm, { matchOsOwned: false });
    assert.deepEqual(
      vulnerabilities.map((v) => v.pkgName),
      ['postgresql-client'],
    );
  } finally {
    db.close();
  }
});

test("an SBOM's purl `upstream` gives the source version: `name@version`, and rpm's source rpm file name with the binary's epoch", () => {
  const deb = packageFromPurl(
    'pkg:deb/debian/postgresql-client@15%2B248%2Bdeb12u2?arch=all&upstream=postgresql-common%40248%2Bdeb12u2&distro=debian-12',
    {},
    'sbom.json',
  )!;
  assert.deepEqual([deb.version, deb.srcName, deb.srcVersion], ['15+248+deb12u2', 'postgresql-common', '248+deb12u2']);
  const rpm = packageFromPurl(
    'pkg:rpm/rocky/bind-libs@9.16.23-18.el9_4.6?arch=x86_64&epoch=32&upstream=bind-9.16.23-18.el9_4.6.src.rpm&distro=rocky-9.4',
    {},
    'sbom.json',
  )!;
  assert.deepEqual(
    [rpm.version, rpm.srcName, rpm.srcVersion],
    ['32:9.16.23-18.el9_4.6', 'bind', '32:9.16.23-18.el9_4.6'],
  );
  const apk = packageFromPurl(
    'pkg:apk/alpine/libssl3@3.3.2-r0?arch=x86_64&upstream=openssl&distro=3.20.3',
    {},
    'sbom.json',
  )!;
  assert.deepEqual([apk.srcName, apk.srcVersion], ['openssl', undefined]);
});
