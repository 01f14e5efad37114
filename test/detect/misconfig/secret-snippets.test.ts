/**
 * `customs config` findings never show a secret from the checked file: the
 * Dockerfile "Secret in ENV or ARG" finding, Kubernetes container findings
 * whose snippet spans an env `value:`, Compose services with `environment`.
 * Files are written at run time (values derived, no secret-shaped literal in
 * the repository).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { scanConfigPath } from '../../../src/detect/misconfig/config-files.js';

const alnum = (label: string, n: number): string =>
  createHash('sha512')
    .update(label)
    .digest('base64')
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, n);
const GHP = `ghp_${alnum('snip-ghp', 36)}`;
const PLAIN = `plain-${alnum('snip-pw', 10)}`; // no rule flags it: only its name says secret
const API = alnum('snip-api', 24);

function scan(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'customs-snip-'));
  try {
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    const { results } = scanConfigPath(dir);
    assert.ok(
      results.some((r) => r.misconfigurations?.length),
      'the files have findings',
    );
    return JSON.stringify(results);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('Dockerfile ENV and ARG secrets are masked in the findings', () => {
  const out = scan({
    Dockerfile: `FROM debian:12\nARG GITHUB_TOKEN=${GHP}\nENV DB_PASSWORD=${PLAIN} APP=1\nENV API_KEY ${API}\nRUN echo ${GHP}\n`,
  });
  assert.match(out, /Secret in ENV or ARG/);
  for (const v of [GHP, PLAIN, API]) assert.ok(!out.includes(v), `${v.slice(0, 6)}… appears in clear`);
  assert.match(out, /\*{10,}/);
});

test('Kubernetes env values and Compose environment are masked in snippets', () => {
  const k8s = `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: app\n      image: x:1\n      env:\n        - name: DB_PASSWORD\n          value: ${PLAIN}\n        - name: GH\n          value: "${GHP}"\n        - name: API_KEY\n          value: ${API}\n`;
  const compose =
    `services:\n  web:\n    image: x:1\n    environment:\n      SERVICE_TOKEN: ${API}\n      - placeholder\n`.replace(
      '      - placeholder\n',
      '',
    );
  const composeList = `services:\n  db:\n    image: y:1\n    environment:\n      - POSTGRES_PASSWORD=${PLAIN}\n`;
  const out = scan({ 'pod.yaml': k8s, 'docker-compose.yml': compose, 'compose.yaml': composeList });
  assert.match(out, /CUS-K8S-005/);
  assert.match(out, /CUS-DC-006/);
  for (const v of [GHP, PLAIN, API]) assert.ok(!out.includes(v), `${v.slice(0, 6)}… appears in clear`);
});
