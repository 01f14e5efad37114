import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { test } from 'node:test';
import { secretAnalyzer } from '../../../src/analyzer/secret/analyzer.js';
import { scanConfigSecrets } from '../../../src/analyzer/secret/config.js';
import { builtinRules } from '../../../src/analyzer/secret/rules.js';
import { compileRules, scanText } from '../../../src/analyzer/secret/scan-text.js';
import { makeSecretAnalyzer } from '../../../src/analyzer/secret/analyzer.js';
import { loadSecretConfig } from '../../../src/analyzer/secret/config-file.js';
import { SecretMatcher } from '../../../src/analyzer/secret/matcher.js';
import { pathSecretValues, redactReport } from '../../../src/analyzer/secret/redact-report.js';
import type { Report } from '../../../src/model/report.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Token-shaped values are derived at run time, so no secret-looking literal sits in the repository.
const b32 = (label: string, n: number) => {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  return [...createHash('sha512').update(label).digest()]
    .slice(0, n)
    .map((b) => alphabet[b % 32])
    .join('');
};
const alnum = (label: string, n: number) => {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return [
    ...createHash('sha512').update(label).digest(),
    ...createHash('sha512')
      .update(label + '2')
      .digest(),
  ]
    .slice(0, n)
    .map((b) => alphabet[b % 62])
    .join('');
};
const AKID = 'AKIA' + b32('akid', 16);
const AWS_SECRET = alnum('aws-secret', 36) + '/x+Q';
const GHP = 'ghp_' + alnum('ghp', 36);
const NPM = 'npm_' + alnum('npm', 36);

const compiled = compileRules(builtinRules);
const rulesOf = (text: string) =>
  scanText(text, compiled)
    .map((h) => h.ruleId)
    .sort();

test('finds the common credentials and masks every one of them', () => {
  const text = [
    `AWS_ACCESS_KEY_ID = "${AKID}"`,
    `aws_secret_access_key = ${AWS_SECRET}`,
    `GITHUB_TOKEN=${GHP}`,
    `//registry.npmjs.org/:_authToken=${NPM}`,
    `DATABASE_URL = "postgres://app:S3cr3t-Value-9@db:5432/app"`,
  ].join('\n');
  const hits = scanText(text, compiled);
  assert.deepEqual(hits.map((h) => h.ruleId).sort(), [
    'aws-access-key-id',
    'aws-secret-access-key',
    'connection-string-password',
    'github-pat',
    'npm-access-token',
  ]);
  for (const h of hits) {
    for (const secret of [AKID, AWS_SECRET, GHP, NPM, 'S3cr3t-Value-9'])
      assert.ok(!h.match.includes(secret), `${h.ruleId} leaks its value: ${h.match}`);
    assert.match(h.match, /\*{8,}/);
  }
  assert.equal(hits.find((h) => h.ruleId === 'github-pat')!.startLine, 3);
});

test('private keys made by the real crypto library are found, over their whole line span', () => {
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 1024,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const { privateKey: pkcs8 } = generateKeyPairSync('ec', {
    namedCurve: 'P-256',
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const hits = scanText(`# key\n${privateKey}`, compiled);
  assert.equal(hits.length, 1);
  assert.equal(hits[0]!.ruleId, 'private-key');
  assert.equal(hits[0]!.startLine, 2);
  assert.ok(hits[0]!.endLine > 10);
  assert.deepEqual(rulesOf(pkcs8), ['private-key']);
  assert.deepEqual(
    rulesOf('-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\n-----END PUBLIC KEY-----'),
    [],
  );
});

test('a legacy .npmrc token (not npm_-shaped) is found by the .npmrc rule, once', () => {
  assert.deepEqual(
    rulesOf(
      `//registry.npmjs.org/:_authToken=${alnum('uuid-ish', 8)}-${alnum('uuid-2', 4)}-${alnum('uuid-3', 12)}\nalways-auth=true`,
    ),
    ['npmrc-auth-token'],
  );
  assert.deepEqual(rulesOf('db_password = "x" // not here\n_authToken=${NPM_TOKEN}'), []);
});

test('code that names a password variable is not a secret', () => {
  assert.deepEqual(
    rulesOf('    $pwd=cwd();\n    my @passwd = getpwnam($name);\n    password = get_password(user)'),
    [],
  );
});

test('placeholders, references and low-entropy values are not secrets', () => {
  assert.deepEqual(
    rulesOf('password = "${DB_PASSWORD}"\npassword: changeme\nPASSWORD=xxxxxxxxxx\npassword = os.environ["PW"]'),
    [],
  );
  assert.deepEqual(rulesOf('aws_access_key_id = AKIAIOSFODNN7EXAMPLE'), []);
  assert.deepEqual(rulesOf('url = "postgres://user:${PASS}@db/x"'), []);
  assert.deepEqual(rulesOf('no keyword here at all'), []);
});

test('a generic password line is reported once, by the most specific rule', () => {
  assert.deepEqual(rulesOf(`db_password = "postgres://app:Zq8-wP3r-Kx1@db/app"`), ['connection-string-password']);
  assert.deepEqual(rulesOf(`DB_PASSWORD=Tr0ub4dor-and-3`), ['generic-password']);
});

test('the analyzer skips binaries and allow-listed paths, and reads other text', async () => {
  const info = (path: string, size = 10) => ({ path, size, mode: 0o644 });
  assert.equal(secretAnalyzer.required('srv/app/.env', info('srv/app/.env')), true);
  assert.equal(secretAnalyzer.required('etc/ssh/ssh_host_rsa_key', info('etc/ssh/ssh_host_rsa_key')), true);
  for (const p of [
    'usr/share/doc/x/README',
    'app/node_modules/x/index.js',
    'usr/lib/python3/dist-packages/x.py',
    'app/test/fixtures/key.pem',
    'app/dist/main.js.map',
    'var/lib/dpkg/status',
  ]) {
    assert.equal(secretAnalyzer.required(p, info(p)), false, p);
  }
  assert.equal(secretAnalyzer.required('big.txt', info('big.txt', 6 * 1024 * 1024)), false);
  const binary = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0]), Buffer.from(`token ${GHP}`)]);
  assert.equal(await secretAnalyzer.analyze({ ...info('bin/x'), content: binary }, { warn() {} }), undefined);
  const out = await secretAnalyzer.analyze({ ...info('srv/.env'), content: Buffer.from(`T=${GHP}\n`) }, { warn() {} });
  assert.equal((out?.extra?.['secrets'] as unknown[]).length, 1);
});

test('image config: env, labels and history lines are scanned', () => {
  const hits = scanConfigSecrets({
    config: { Env: ['PATH=/usr/bin', 'DB_PASSWORD=Fixture-Pw-9Qz1xk'], Labels: { maintainer: 'x' } },
    history: [
      { created_by: '/bin/sh -c #(nop) ADD file:abc in /' },
      { created_by: `|1 GITHUB_TOKEN=${GHP} /bin/sh -c make` },
    ],
  });
  assert.deepEqual(hits.map((h) => `${h.where}:${h.ruleId}`).sort(), [
    'config:Env:generic-password',
    'config:history[1]:github-pat',
  ]);
  assert.equal(hits.find((h) => h.ruleId === 'github-pat')!.historyIndex, 1);
  for (const h of hits) assert.ok(!h.match.includes(GHP) && !h.match.includes('Fixture-Pw-9Qz1xk'));
});

test('regex work stays bounded on hostile input', () => {
  const evil =
    'password=' + 'a'.repeat(200_000) + '\n' + 'postgres://' + 'u'.repeat(100_000) + ':' + 'p'.repeat(100_000);
  const t0 = process.hrtime.bigint();
  scanText(evil, compiled);
  assert.ok(Number(process.hrtime.bigint() - t0) / 1e9 < 5, 'scan took too long');
});

test('two secrets on one line: every finding masks both, and each is its own finding', () => {
  const hits = scanText(`export AWS_ACCESS_KEY_ID=${AKID} GITHUB_TOKEN=${GHP} DB_PASSWORD=Tr0ub4dor-and-3x`, compiled);
  assert.deepEqual(hits.map((h) => h.ruleId).sort(), ['aws-access-key-id', 'generic-password', 'github-pat']);
  for (const h of hits)
    for (const v of [AKID, GHP, 'Tr0ub4dor-and-3x'])
      assert.ok(!h.match.includes(v), `${h.ruleId} shows ${v.slice(0, 6)}…: ${h.match}`);
});

test("a generic password overlapping a specific rule's secret is one finding, masked", () => {
  const hits = scanText('DB_PASSWORD=postgres://app:Zq8-wP3r-Kx1-long@db/app', compiled);
  assert.deepEqual(
    hits.map((h) => h.ruleId),
    ['connection-string-password'],
  );
  assert.ok(!hits[0]!.match.includes('Zq8-wP3r-Kx1-long'));
});

test('a long line is shown as a window around its secret, masked', () => {
  const hits = scanText(`${'x '.repeat(5000)}token=${GHP} ${'y '.repeat(5000)}`, compiled);
  assert.equal(hits.length, 1);
  assert.ok(hits[0]!.match.length <= 202 && hits[0]!.match.startsWith('…') && hits[0]!.match.endsWith('…'));
  assert.match(hits[0]!.match, /token=\*{40}/);
});

function withSecretConfig<T>(yaml: string, f: (file: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'customs-secret-config-'));
  try {
    writeFileSync(join(dir, 'secret.yaml'), yaml);
    return f(join(dir, 'secret.yaml'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a user rule that backtracks is stopped by its budget, naming the rule; the others still run', async () => {
  const config = withSecretConfig(
    'rules:\n  - id: evil\n    regex: "(a+)+$"\n  - id: fine\n    regex: "corp_[0-9]{8}"\n',
    loadSecretConfig,
  );
  const matcher = new SecretMatcher(config, 500);
  try {
    const t0 = performance.now();
    const stuck = await matcher.find(`${'a'.repeat(40)}!`);
    assert.deepEqual(stuck, { timedOut: 'evil' });
    assert.ok(performance.now() - t0 < 5000);
    const ok = await matcher.find(`id corp_12345678 and ${GHP}`);
    assert.ok(Array.isArray(ok));
    assert.deepEqual(ok.map((s) => s.rule.id).sort(), ['fine', 'github-pat']);
  } finally {
    matcher.close();
  }
});

test('the analyzer skips a file whose user rule runs out of time, with a warning naming the rule', async () => {
  const config = withSecretConfig('rules:\n  - id: evil-rule\n    regex: "(x+x+)+y"\n', loadSecretConfig);
  const analyzer = makeSecretAnalyzer(config);
  const warnings: string[] = [];
  const out = await analyzer.analyze(
    { path: 'srv/x.txt', size: 40, mode: 0o644, content: Buffer.from(`${'x'.repeat(60)}\n${GHP}`) },
    { warn: (m) => warnings.push(m) },
  );
  assert.equal(out, undefined);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /secret rule "evil-rule".*did not finish/);
});

test('user allow-rules apply to built-in hits, in the worker', async () => {
  const config = withSecretConfig(`allow-rules:\n  - regex: "^ghp_${GHP.slice(4, 10)}"\n`, loadSecretConfig);
  const matcher = new SecretMatcher(config);
  try {
    assert.deepEqual(await matcher.find(`t=${GHP}`), []);
    assert.equal(((await matcher.find(`t=${AKID}`)) as unknown[]).length, 1);
  } finally {
    matcher.close();
  }
});

test('secrets in file names are masked in every string of the report', async () => {
  const report = {
    schemaVersion: 2,
    createdAt: '',
    artifactName: 'x',
    artifactType: 'container_image',
    metadata: { diffIds: [], repoTags: [], repoDigests: [] },
    results: [
      { target: `/srv/${GHP}.txt`, class: 'secret', type: '' },
      {
        target: 'app/package-lock.json',
        class: 'lang-pkgs',
        type: 'npm',
        packages: [{ filePath: `app/${AKID}/package.json` }],
      },
    ],
    warnings: [`srv/${GHP}.txt: unreadable`],
  } as unknown as Report;
  const matcher = new SecretMatcher();
  const { values } = await pathSecretValues(report, matcher);
  assert.deepEqual(values.sort(), [AKID, GHP].sort());
  const text = JSON.stringify(redactReport(report, values));
  assert.ok(!text.includes(GHP) && !text.includes(AKID), text);
  assert.match(text, /\/srv\/\*{40}\.txt/);
});

test('allow-rule paths are user regexes too: checked in the worker, under the budget', async () => {
  const config = withSecretConfig('allow-rules:\n  - path: "^srv/certs/"\n  - path: "^(x+x+)+y"\n', loadSecretConfig);
  const matcher = new SecretMatcher(config, 500);
  try {
    assert.deepEqual(await matcher.find(`t=${GHP}`, 'srv/certs/a.pem'), []);
    assert.equal(((await matcher.find(`t=${GHP}`, 'srv/app/.env')) as unknown[]).length, 1);
    assert.deepEqual(await matcher.find(`t=${GHP}`, `${'x'.repeat(40)}`), { timedOut: 'allow-rules' });
  } finally {
    matcher.close();
  }
});
