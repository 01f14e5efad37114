/**
 * db update: every non-withdrawn record of every ecosystem lands in the
 * database (counted independently with Python's zipfile), malformed records
 * cost one warning each and nothing else, and a `kill -9` mid-update leaves
 * the previous database working.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runCli } from '../support/cli.js';
import { ensureDb, osvDir } from '../support/db.js';
import { zipCorpus } from '../support/osv-zip.js';
import { cliPath } from '../support/paths.js';

const work = mkdtempSync(join(tmpdir(), 'customs-dbtest-'));
after(() => rmSync(work, { recursive: true, force: true }));

test('record counts per ecosystem equal the non-withdrawn records of the zips', async (t) => {
  const db = ensureDb();
  if ('skip' in db) {
    t.skip(db.skip);
    return;
  }
  const count = execFileSync(
    'python3',
    [
      '-c',
      `import json,os,zipfile
d=${JSON.stringify(osvDir)}
out={}
for e in sorted(os.listdir(d)):
  p=os.path.join(d,e,'all.zip')
  if not os.path.exists(p): continue
  z=zipfile.ZipFile(p); n=0
  for name in z.namelist():
    if name.endswith('.json') and not json.loads(z.read(name)).get('withdrawn'): n+=1
  out[e]=n
print(json.dumps(out))`,
    ],
    { encoding: 'utf8', maxBuffer: 16 << 20 },
  );
  const expected = JSON.parse(count) as Record<string, number>;
  const r = await runCli(['db', 'status', '--json', '--cache-dir', db.cacheDir]);
  assert.equal(r.code, 0, r.stderr);
  const status = JSON.parse(r.stdout) as { ecosystems: Record<string, { records: number; skipped: number }> };
  const got = Object.fromEntries(Object.entries(status.ecosystems).map(([k, v]) => [k, v.records]));
  assert.deepEqual(got, expected);
  assert.ok(Object.values(status.ecosystems).every((e) => e.skipped === 0));
});

test('malformed records and unsafe entries are skipped with one warning each; the rest loads', async () => {
  const src = join(work, 'bad-osv');
  zipCorpus(src, 'PyPI', {
    'GOOD-1.json': JSON.stringify({
      id: 'GOOD-1',
      affected: [
        {
          package: { ecosystem: 'PyPI', name: 'Django' },
          ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2.2.1' }] }],
        },
      ],
    }),
    'BAD-JSON.json': '{"id": "BAD-JSON", ',
    'BAD-RANGE.json': JSON.stringify({
      id: 'BAD-RANGE',
      affected: [{ package: { ecosystem: 'PyPI', name: 'x' }, ranges: [{ type: 'WEIRD', events: [] }] }],
    }),
    '../../escape.json': JSON.stringify({ id: 'ESCAPE' }),
    'GONE.json': JSON.stringify({ id: 'GONE', withdrawn: '2024-01-01T00:00:00Z', affected: [] }),
  });
  zipCorpus(join(work, 'bad-osv'), 'NotAnEcosystem/..', {});
  const cache = join(work, 'bad-cache');
  const r = await runCli(['db', 'update', '--source', src, '--cache-dir', cache]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /PyPI\/all\.zip: BAD-JSON\.json: bad JSON/);
  assert.match(r.stderr, /PyPI\/all\.zip: BAD-RANGE\.json: unknown range type "WEIRD"/);
  assert.match(r.stderr, /PyPI\/all\.zip: \.\.\/\.\.\/escape\.json: unsafe entry name/);
  assert.ok(!existsSync(join(work, 'escape.json')) && !existsSync(join(tmpdir(), 'escape.json')));
  const s = await runCli(['db', 'status', '--json', '--cache-dir', cache]);
  const status = JSON.parse(s.stdout) as {
    ecosystems: Record<string, { records: number; skipped: number; withdrawn: number }>;
  };
  assert.deepEqual(status.ecosystems['PyPI'], { records: 1, skipped: 3, withdrawn: 1 });
});

test('kill -9 in the middle of an update leaves the previous database usable', async (t) => {
  const db = ensureDb();
  if ('skip' in db) {
    t.skip(db.skip);
    return;
  }
  const cache = join(work, 'kill-cache');
  const first = await runCli([
    'db',
    'update',
    '--source',
    osvDir,
    '--ecosystems',
    'Alpine,Go',
    '--cache-dir',
    cache,
    '--quiet',
  ]);
  assert.equal(first.code, 0, first.stderr);
  const before = (await runCli(['db', 'status', '--json', '--cache-dir', cache])).stdout;
  const child = spawn(
    process.execPath,
    [cliPath, 'db', 'update', '--source', osvDir, '--cache-dir', cache, '--quiet'],
    { stdio: 'ignore' },
  );
  // Kill once the new database file exists and is being written.
  for (let i = 0; i < 200 && !readdirSync(join(cache, 'db')).some((f) => f.includes('.tmp-')); i++)
    await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => setTimeout(r, 1500));
  child.kill('SIGKILL');
  await new Promise((r) => child.on('close', r));
  const after = await runCli(['db', 'status', '--json', '--cache-dir', cache]);
  assert.equal(after.code, 0, after.stderr);
  assert.equal(after.stdout, before, 'the old database is unchanged and readable');
  const again = await runCli([
    'db',
    'update',
    '--source',
    osvDir,
    '--ecosystems',
    'Alpine',
    '--cache-dir',
    cache,
    '--quiet',
  ]);
  assert.equal(again.code, 0, again.stderr);
  assert.deepEqual(
    readdirSync(join(cache, 'db')).filter((f) => f.includes('.tmp-')),
    [],
    'the next update removes what the killed one left',
  );
});

test('export and import carry the database as one file and its digest, checked before it is swapped in', async (t) => {
  const db = ensureDb();
  if ('skip' in db) {
    t.skip(db.skip);
    return;
  }
  const file = join(work, 'export.db');
  const ex = await runCli(['db', 'export', file, '--cache-dir', db.cacheDir]);
  assert.equal(ex.code, 0, ex.stderr);
  const target = join(work, 'airgap');
  const im = await runCli(['db', 'import', file, '--cache-dir', target]);
  assert.equal(im.code, 0, im.stderr);
  const a = JSON.parse((await runCli(['db', 'status', '--json', '--cache-dir', db.cacheDir])).stdout) as {
    ecosystems: unknown;
  };
  const b = JSON.parse((await runCli(['db', 'status', '--json', '--cache-dir', target])).stdout) as {
    ecosystems: unknown;
  };
  assert.deepEqual(b.ecosystems, a.ecosystems);
  const junk = join(work, 'junk.db');
  execFileSync('sh', ['-c', `head -c 100000 /dev/urandom > ${junk}`]);
  const unsealed = await runCli(['db', 'import', junk, '--cache-dir', target]);
  assert.equal(unsealed.code, 1);
  assert.match(unsealed.stderr, /junk\.db: no junk\.db\.sha256 beside it/);
  // A digest beside it (anyone can make one) gets it as far as the database checks.
  execFileSync('sh', ['-c', `sha256sum ${junk} > ${junk}.sha256`]);
  const bad = await runCli(['db', 'import', junk, '--cache-dir', target]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /junk\.db: (not a customs database|the database is damaged|schema version)/);
  assert.deepEqual(
    (JSON.parse((await runCli(['db', 'status', '--json', '--cache-dir', target])).stdout) as { ecosystems: unknown })
      .ecosystems,
    a.ecosystems,
  );
});
