/**
 * Acceptance (image configuration checks): polyglot's config is flagged for
 * its root user, EXPOSE 22 and the secret in its Env, each with its CIS id;
 * node-app's config passes those three checks.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runCli } from '../support/cli.js';
import { ensureImages, imageForms } from '../support/images.js';

const images = ensureImages(['polyglot', 'node-app']);
interface Mis {
  ID: string;
  AVDID: string;
  Status: string;
  Message: string;
}

async function misconfigs(name: string): Promise<Mis[]> {
  if ('skip' in images) throw new Error(images.skip);
  const r = await runCli([
    'image',
    '--input',
    imageForms(images.cache, name).oci,
    '--scanners',
    'misconfig',
    '-f',
    'json',
    '--no-cache',
    '--quiet',
  ]);
  assert.equal(r.code, 0, r.stderr);
  return (JSON.parse(r.stdout) as { Results: { Misconfigurations?: Mis[] }[] }).Results.flatMap(
    (x) => x.Misconfigurations ?? [],
  );
}

describe('image configuration checks', () => {
  if ('skip' in images) {
    test('images', (t) => t.skip(images.skip));
    return;
  }
  test('polyglot fails root user, SSH port and env secret, with CIS ids', async () => {
    const m = await misconfigs('polyglot');
    const byId = new Map(m.map((x) => [x.ID, x]));
    assert.equal(byId.get('CUS-IMG-001')?.AVDID, 'CIS-DI-4.1');
    assert.equal(byId.get('CUS-IMG-003')?.Status, 'FAIL');
    assert.equal(byId.get('CUS-IMG-004')?.AVDID, 'CIS-DI-4.10');
    assert.match(byId.get('CUS-IMG-004')!.Message, /config:Env/);
    assert.ok(
      m.every((x) => !/Fixture-Passw0rd/.test(JSON.stringify(x))),
      'no secret value in the finding',
    );
  });
  test('node-app passes the user, SSH and env-secret checks', async () => {
    const ids = (await misconfigs('node-app')).map((x) => x.ID);
    for (const id of ['CUS-IMG-001', 'CUS-IMG-003', 'CUS-IMG-004'])
      assert.ok(!ids.includes(id), `${id} failed on node-app`);
  });
});
