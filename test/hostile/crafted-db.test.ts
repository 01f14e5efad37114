/**
 * A crafted vulnerability database (issue 22): `db import` refuses views,
 * triggers, altered tables and extra indexes, a digest that does not match
 * and a signature that does not verify; a scan refuses a database in its
 * cache that was altered to run code; `db update --source URL` caps
 * redirects and sizes and never follows https to http.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { appendFileSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { runCli, type CliRun } from '../support/cli.js';
import { zipCorpus } from '../support/osv-zip.js';

const work = mkdtempSync(join(tmpdir(), 'customs-crafted-db-'));
after(() => rmSync(work, { recursive: true, force: true }));

const GOOD = JSON.stringify({
  id: 'GOOD-1',
  modified: '2026-01-01T00:00:00Z',
  affected: [
    {
      package: { ecosystem: 'PyPI', name: 'django' },
      ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2.2.1' }] }],
    },
  ],
});

function sha256File(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** What an attacker who can hand over a file can also hand over: a digest that matches it. */
function rewriteDigest(file: string): void {
  writeFileSync(`${file}.sha256`, `${sha256File(file)}  export.db\n`);
}

/** A copy of the export altered by `sql`, with a matching digest beside it. */
function crafted(name: string, exported: string, sql: string): string {
  const file = join(work, `${name}.db`);
  copyFileSync(exported, file);
  const db = new Database(file);
  db.exec(sql);
  db.close();
  rewriteDigest(file);
  return file;
}

async function importInto(file: string, cache: string, ...extra: string[]): Promise<CliRun> {
  return runCli(['db', 'import', file, '--cache-dir', cache, ...extra], { timeoutMs: 60_000 });
}

describe('db import and a database in the cache', { concurrency: 1 }, () => {
  let exported: string;
  const keys = generateKeyPairSync('ed25519');
  const other = generateKeyPairSync('ed25519');
  const privPem = join(work, 'sign.pem');
  const pubPem = join(work, 'verify.pem');
  const otherPub = join(work, 'other.pem');

  before(async () => {
    const src = join(work, 'osv');
    zipCorpus(src, 'PyPI', { 'GOOD-1.json': GOOD });
    const cache = join(work, 'source-cache');
    const up = await runCli(['db', 'update', '--source', src, '--cache-dir', cache, '--quiet']);
    assert.equal(up.code, 0, up.stderr);
    writeFileSync(privPem, keys.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    writeFileSync(pubPem, keys.publicKey.export({ type: 'spki', format: 'pem' }));
    writeFileSync(otherPub, other.publicKey.export({ type: 'spki', format: 'pem' }));
    exported = join(work, 'export.db');
    const ex = await runCli(['db', 'export', exported, '--cache-dir', cache, '--sign-key', privPem]);
    assert.equal(ex.code, 0, ex.stderr);
  });

  test('an export carries its digest and signature, and imports', async () => {
    assert.match(readFileSync(`${exported}.sha256`, 'utf8'), new RegExp(`^${sha256File(exported)}  export\\.db\\n$`));
    const cache = join(work, 'ok-cache');
    const im = await importInto(exported, cache, '--verify-key', pubPem);
    assert.equal(im.code, 0, im.stderr);
    assert.match(im.stdout, /PyPI\s+1\s/);
  });

  const refusals: { name: string; sql: string; message: RegExp }[] = [
    {
      name: 'view',
      sql: "DROP TABLE affected; CREATE VIEW affected AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT 'PyPI' AS ecosystem, 'django' AS name, 'X' AS advisory_id, i AS seq, '{}' AS data FROM n;",
      message: /unexpected view "affected" \(a database customs writes has no views or triggers\)/,
    },
    {
      name: 'trigger',
      sql: 'CREATE TRIGGER t AFTER INSERT ON meta BEGIN DELETE FROM affected; END;',
      message: /unexpected trigger "t"/,
    },
    {
      name: 'extra-column',
      sql: 'ALTER TABLE meta ADD COLUMN extra TEXT;',
      message: /table "meta" is defined differently/,
    },
    { name: 'extra-index', sql: 'CREATE INDEX idx_adv ON advisory (folder);', message: /unexpected index "idx_adv"/ },
    { name: 'missing-table', sql: 'DROP TABLE cve_cvss;', message: /table "cve_cvss" is missing/ },
  ];
  for (const r of refusals) {
    test(`an import with ${r.name} is refused with a message, and the current database stays`, async () => {
      const cache = join(work, `cache-${r.name}`);
      assert.equal((await importInto(exported, cache)).code, 0);
      const before = readFileSync(join(cache, 'db', 'customs.db'));
      const im = await importInto(crafted(r.name, exported, r.sql), cache);
      assert.equal(im.code, 1, im.stderr);
      assert.match(im.stderr, /customs: error: .*\.db: refused: not the layout of a customs database: /);
      assert.match(im.stderr, r.message);
      assert.ok(readFileSync(join(cache, 'db', 'customs.db')).equals(before), 'the installed database is untouched');
    });
  }

  test('a digest that does not match, or no digest file, is refused', async () => {
    const cache = join(work, 'cache-digest');
    const altered = join(work, 'altered.db');
    copyFileSync(exported, altered);
    copyFileSync(`${exported}.sha256`, `${altered}.sha256`);
    appendFileSync(altered, Buffer.alloc(4096));
    const im = await importInto(altered, cache);
    assert.equal(im.code, 1);
    assert.match(im.stderr, /altered\.db: digest mismatch .*export it again/);
    rmSync(`${altered}.sha256`);
    const none = await importInto(altered, cache);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /no altered\.db\.sha256 beside it/);
  });

  test('--verify-key refuses an export signed by another key, altered after signing, or unsigned', async () => {
    const cache = join(work, 'cache-sig');
    const wrongKey = await importInto(exported, cache, '--verify-key', otherPub);
    assert.equal(wrongKey.code, 1);
    assert.match(wrongKey.stderr, /the signature in export\.db\.sig does not verify with .*other\.pem/);
    const altered = crafted('signed-then-altered', exported, "UPDATE meta SET value = '[]' WHERE key = 'sources';");
    copyFileSync(`${exported}.sig`, `${altered}.sig`);
    const tampered = await importInto(altered, cache, '--verify-key', pubPem);
    assert.equal(tampered.code, 1);
    assert.match(tampered.stderr, /does not verify/);
    rmSync(`${altered}.sig`);
    const unsigned = await importInto(altered, cache, '--verify-key', pubPem);
    assert.equal(unsigned.code, 1);
    assert.match(unsigned.stderr, /--verify-key was given but there is no signed-then-altered\.db\.sig/);
  });

  test('a database altered in the cache to hold a view is refused by status and by a scan, not run', async () => {
    const cache = join(work, 'cache-planted');
    mkdirSync(join(cache, 'db'), { recursive: true });
    copyFileSync(crafted('planted', exported, refusals[0]!.sql), join(cache, 'db', 'customs.db'));
    const status = await runCli(['db', 'status', '--cache-dir', cache], { timeoutMs: 30_000 });
    assert.equal(status.code, 1);
    assert.match(status.stderr, /holds view "affected"; customs never writes those/);
    const sbom = join(work, 'sbom.json');
    writeFileSync(
      sbom,
      JSON.stringify({
        bomFormat: 'CycloneDX',
        specVersion: '1.6',
        version: 1,
        components: [{ type: 'library', name: 'django', version: '2.0.0', purl: 'pkg:pypi/django@2.0.0' }],
      }),
    );
    const scan = await runCli(
      ['sbom', sbom, '--scanners', 'vuln', '--cache-dir', cache, '--skip-db-update', '-f', 'json'],
      { timeoutMs: 30_000 },
    );
    assert.equal(scan.code, 1, `the scan ends at once with the refusal, not after a hang: ${scan.stderr}`);
    assert.match(scan.stderr, /holds view "affected"/);
  });
});

describe('db update --source URL', { concurrency: 1 }, () => {
  let plain: Server;
  let tls: Server;
  let plainBase: string;
  let tlsBase: string;
  let hops = 0;
  const certDir = join(work, 'tls');

  before(async () => {
    mkdirSync(certDir, { recursive: true });
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        join(certDir, 'key.pem'),
        '-out',
        join(certDir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    plain = createHttpServer((req: IncomingMessage, res: ServerResponse) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (path.startsWith('/loop/')) {
        hops++;
        res.writeHead(302, { Location: `/loop/${hops}` }).end();
        return;
      }
      if (path === '/huge/ecosystems.txt') {
        res.writeHead(200);
        const line = Buffer.from('PyPI\n'.repeat(50_000));
        for (let i = 0; i < 8; i++) res.write(line);
        res.end();
        return;
      }
      res.writeHead(200).end('PyPI\n');
    });
    await new Promise<void>((r) => plain.listen(0, '127.0.0.1', r));
    plainBase = `http://127.0.0.1:${(plain.address() as AddressInfo).port}`;
    tls = createHttpsServer(
      { key: readFileSync(join(certDir, 'key.pem')), cert: readFileSync(join(certDir, 'cert.pem')) },
      (_req, res) => {
        res.writeHead(302, { Location: `${plainBase}/osv/ecosystems.txt` }).end();
      },
    );
    await new Promise<void>((r) => tls.listen(0, '127.0.0.1', r));
    tlsBase = `https://127.0.0.1:${(tls.address() as AddressInfo).port}`;
  });
  after(async () => {
    for (const s of [plain, tls]) {
      s.closeAllConnections();
      await new Promise<void>((r) => s.close(() => r()));
    }
  });

  const update = (source: string, env: Record<string, string> = {}): Promise<CliRun> =>
    runCli(['db', 'update', '--source', source, '--cache-dir', join(work, 'update-cache'), '--quiet'], {
      env,
      timeoutMs: 60_000,
    });

  test('a redirect loop ends after 5 redirects', async () => {
    const run = await update(`${plainBase}/loop/`);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /more than 5 redirects/);
    assert.ok(hops <= 6, `${hops} redirects followed`);
  });

  test('an ecosystem list larger than 1 MiB is refused', async () => {
    const run = await update(`${plainBase}/huge`);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /huge\/ecosystems\.txt: more than 1048576 bytes/);
  });

  test('an https source redirecting to http is refused', async () => {
    const run = await update(tlsBase, { NODE_EXTRA_CA_CERTS: join(certDir, 'cert.pem') });
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /redirect from https to plain http:\/\/127\.0\.0\.1/);
  });
});
