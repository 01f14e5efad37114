/**
 * Acceptance (secrets): every secret build-images.sh planted in polyglot
 * (expected/polyglot.secrets.tsv) is found, including the id_rsa deleted by a
 * later layer, the DB_PASSWORD in the config and the GITHUB_TOKEN in history;
 * node-app's .npmrc token too; no output format carries a clear value; and
 * debian-bookworm has no finding at all.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { runCli } from '../support/cli.js';
import { ensureImages, imageForms } from '../support/images.js';
import { ensureDb } from '../support/db.js';

const images = ensureImages(['polyglot', 'node-app', 'debian-bookworm']);

/** The planted kinds and the rule customs reports them under. */
const RULE_OF_KIND: Record<string, string> = {
  'aws-access-key-id': 'aws-access-key-id',
  'aws-secret-access-key': 'aws-secret-access-key',
  'github-pat': 'github-pat',
  password: 'generic-password',
  'db-url-password': 'connection-string-password',
  'private-key-pkcs8': 'private-key',
  'private-key-rsa': 'private-key',
  'private-key-openssh': 'private-key',
  'npm-access-token': 'npm-access-token',
};

interface Secret {
  RuleID: string;
  Match: string;
  Deleted?: boolean;
  Layer?: { DiffID: string };
}
type Found = { target: string; s: Secret }[];

async function scan(name: string, format = 'json'): Promise<{ out: string; found: Found }> {
  if ('skip' in images) throw new Error(images.skip);
  const r = await runCli([
    'image',
    '--input',
    imageForms(images.cache, name).oci,
    '--scanners',
    'secret',
    '-f',
    format,
    '--no-cache',
    '--quiet',
  ]);
  assert.equal(r.code, 0, r.stderr);
  if (format !== 'json') return { out: r.stdout, found: [] };
  const report = JSON.parse(r.stdout) as { Results: { Target: string; Secrets?: Secret[] }[] };
  return {
    out: r.stdout,
    found: report.Results.flatMap((x) => (x.Secrets ?? []).map((s) => ({ target: x.Target, s }))),
  };
}

function planted(name: string): { path: string; kind: string; value: string }[] {
  if ('skip' in images) return [];
  const lines = readFileSync(join(images.cache, 'expected', `${name}.secrets.tsv`), 'utf8')
    .trim()
    .split('\n')
    .slice(1);
  return lines.map((l) => {
    const [path, kind, value] = l.split('\t');
    return { path: path!, kind: kind!, value: value! };
  });
}

describe('secrets in real images', { concurrency: 1 }, () => {
  if ('skip' in images) {
    test('images', (t) => t.skip(images.skip));
    return;
  }
  for (const name of ['polyglot', 'node-app']) {
    test(`${name}: every planted secret is found, masked in every format`, async () => {
      const { out, found } = await scan(name);
      for (const p of planted(name)) {
        const rule = RULE_OF_KIND[p.kind];
        assert.ok(rule, `unknown kind ${p.kind}`);
        const where =
          p.path === 'config:Env' || p.path === 'config:history'
            ? 'image config'
            : p.path.includes('*')
              ? new RegExp(`^${p.path.replace(/\*/g, '[^/]+')}$`)
              : p.path;
        const hit = found.find(
          (f) => f.s.RuleID === rule && (typeof where === 'string' ? f.target === where : where.test(f.target)),
        );
        assert.ok(
          hit,
          `${p.kind} in ${p.path} not found; found: ${found.map((f) => `${f.target}:${f.s.RuleID}`).join(', ')}`,
        );
      }
      const texts = [out, (await scan(name, 'table')).out];
      for (const p of planted(name)) {
        if (p.value.startsWith('-----BEGIN')) continue; // the PEM marker line is not the secret; the key body is
        for (const t of texts) assert.ok(!t.includes(p.value), `${p.kind} value appears unmasked`);
      }
      if (name === 'polyglot') {
        const deleted = found.find((f) => f.target === '/root/.ssh/id_rsa');
        assert.equal(deleted?.s.Deleted, true, 'the whited-out id_rsa is reported as deleted but recoverable');
        assert.ok(deleted?.s.Layer?.DiffID, 'with the layer that still holds it');
      }
    });
  }
  test('debian-bookworm: no findings', async () => {
    const { found } = await scan('debian-bookworm');
    assert.deepEqual(
      found.map((f) => `${f.target}:${f.s.RuleID}`),
      [],
    );
  });
});

describe('secret configuration', { concurrency: 1 }, () => {
  if ('skip' in images) {
    test('images', (t) => t.skip(images.skip));
    return;
  }
  test('--secret-config adds, disables and allows rules; --secret-skip-base skips the base layers', async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'customs-secret-cfg-'));
    try {
      const cfg = join(dir, 'secret.yaml');
      writeFileSync(
        cfg,
        [
          'rules:',
          '  - id: fixture-app-env',
          '    category: Custom',
          '    title: APP_ENV marker',
          '    severity: LOW',
          '    regex: APP_ENV=(?<secret>production)',
          '    keywords: [app_env]',
          'disable-rules: [github-pat]',
          'allow-rules:',
          '  - path: ^srv/app/certs/',
        ].join('\n') + '\n',
      );
      const run = (extra: string[]) =>
        runCli([
          'image',
          '--input',
          imageForms(images.cache, 'polyglot').oci,
          '--scanners',
          'secret',
          '-f',
          'json',
          '--no-cache',
          '--quiet',
          ...extra,
        ]);
      const r = await run(['--secret-config', cfg]);
      assert.equal(r.code, 0, r.stderr);
      const found = (JSON.parse(r.stdout) as { Results: { Target: string; Secrets?: Secret[] }[] }).Results.flatMap(
        (x) => (x.Secrets ?? []).map((s) => ({ target: x.Target, s })),
      );
      assert.ok(
        found.some((f) => f.s.RuleID === 'fixture-app-env'),
        'the added rule fires',
      );
      assert.ok(!found.some((f) => f.s.RuleID === 'github-pat'), 'the disabled rule does not');
      assert.ok(!found.some((f) => f.target.startsWith('/srv/app/certs/')), 'the allowed path is skipped');
      const base = await run(['--secret-skip-base']);
      const baseFound = (JSON.parse(base.stdout) as { Results: { Target: string; Secrets?: Secret[] }[] }).Results.map(
        (x) => x.Target,
      );
      assert.ok(baseFound.includes('/srv/app/.env'), 'layers of the image itself are still scanned');
      const bad = join(dir, 'bad.yaml');
      writeFileSync(bad, 'rules:\n  - id: x\n    regex: "([unclosed"\n');
      const e = await run(['--secret-config', bad]);
      assert.equal(e.code, 1);
      assert.match(e.stderr, /bad\.yaml: \/rules\/0\/regex: invalid regex/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('secrets with the secret scanner off (issue 16 item 4)', { concurrency: 1 }, () => {
  if ('skip' in images) {
    test('images', (t) => t.skip(images.skip));
    return;
  }
  test('polyglot, --scanners vuln -f json: no planted value in the output, the --debug log or the cache', async () => {
    const { mkdtempSync, mkdirSync, readdirSync, rmSync, statSync, symlinkSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const db = ensureDb();
    if ('skip' in db) return;
    const dir = mkdtempSync(join(tmpdir(), 'customs-vuln-mask-'));
    try {
      const cache = join(dir, 'cache');
      mkdirSync(cache);
      symlinkSync(join(db.cacheDir, 'db'), join(cache, 'db'));
      const r = await runCli([
        'image',
        '--input',
        imageForms(images.cache, 'polyglot').dockerArchive,
        '--scanners',
        'vuln',
        '-f',
        'json',
        '--cache-dir',
        cache,
        '--skip-db-update',
        '--debug',
      ]);
      assert.equal(r.code, 0, r.stderr);
      const values = planted('polyglot')
        .map((p) => (p.path === 'config:Env' ? p.value.slice(p.value.indexOf('=') + 1) : p.value))
        .filter((v) => !v.startsWith('-----BEGIN'));
      assert.ok(values.length >= 4, 'polyglot plants secrets to look for');
      const env = (JSON.parse(r.stdout) as { Metadata: { ImageConfig: { config: { Env: string[] } } } }).Metadata
        .ImageConfig.config.Env;
      assert.ok(
        env.some((e) => /^DB_PASSWORD=\*+$/.test(e)),
        `the config copy keeps the variable, masked: ${env.join(' ')}`,
      );
      for (const v of values) {
        assert.ok(!r.stdout.includes(v), `${v.slice(0, 8)}… appears in clear in the report`);
        assert.ok(!r.stderr.includes(v), `${v.slice(0, 8)}… appears in clear in the --debug log`);
      }
      const files = readdirSync(join(cache, 'layers'), { recursive: true })
        .map((f) => join(cache, 'layers', String(f)))
        .filter((f) => statSync(f).isFile());
      assert.ok(files.length > 0, 'the scan wrote its cache');
      for (const f of files)
        for (const v of values)
          assert.ok(!readFileSync(f, 'latin1').includes(v), `${v.slice(0, 8)}… in cache file ${f}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
