/**
 * `customs verify` and `customs image --verify-key/--require-signature`
 * through the real CLI, against a loopback registry holding cosign signature
 * artifacts made per cosign's SIGNATURE_SPEC (see test/support/signing-registry.ts).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../support/cli.js';
import { ecdsaPair, SigningRegistry } from '../support/signing-registry.js';

describe('cosign signatures on the command line', () => {
  const registry = new SigningRegistry();
  const signer = ecdsaPair();
  const stranger = ecdsaPair();
  const dir = mkdtempSync(join(tmpdir(), 'customs-cosign-'));
  const keyPath = join(dir, 'cosign.pub');
  const wrongKeyPath = join(dir, 'other.pub');
  let signedDigest = '';
  before(async () => {
    await registry.start();
    writeFileSync(keyPath, signer.pem);
    writeFileSync(wrongKeyPath, stranger.pem);
    signedDigest = registry.pushImage('app/signed', 'v1', 'signed');
    registry.pushSignature('app/signed', signedDigest, signer.privateKey);
    registry.pushImage('app/unsigned', 'v1', 'unsigned');
  });
  after(async () => {
    await registry.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('customs verify names the key that verified', async () => {
    const r = await runCli(['verify', `${registry.host}/app/signed:v1`, '--key', wrongKeyPath, '--key', keyPath]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), `signature verified for ${signedDigest} by ${keyPath}`);
  });

  test('customs verify fails (exit 1) with the reason, as JSON too', async () => {
    const r = await runCli(['verify', `${registry.host}/app/signed:v1`, '--key', wrongKeyPath, '--format', 'json']);
    assert.equal(r.code, 1);
    const v = JSON.parse(r.stdout) as { Verified: boolean; Reason: string };
    assert.equal(v.Verified, false);
    assert.match(v.Reason, /no given key verifies the signature/);
  });

  test('customs image --verify-key records the verification in JSON Metadata and the table', async () => {
    const ref = `${registry.host}/app/signed:v1`;
    const json = await runCli([
      'image',
      ref,
      '--verify-key',
      keyPath,
      '--scanners',
      'secret',
      '--format',
      'json',
      '-q',
    ]);
    assert.equal(json.code, 0, json.stderr);
    const sig = (JSON.parse(json.stdout) as { Metadata: { Signatures: { Verified: boolean; VerifiedBy: string[] } } })
      .Metadata.Signatures;
    assert.equal(sig.Verified, true);
    assert.deepEqual(sig.VerifiedBy, [keyPath]);
    const table = await runCli(['image', ref, '--verify-key', keyPath, '--scanners', 'secret', '-q']);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, new RegExp(`Signature: verified for ${signedDigest} by `));
  });

  test('--require-signature stops an unsigned image with exit 1 and one line', async () => {
    const ref = `${registry.host}/app/unsigned:v1`;
    const r = await runCli([
      'image',
      ref,
      '--verify-key',
      keyPath,
      '--require-signature',
      '--scanners',
      'secret',
      '-q',
    ]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(
      r.stderr,
      /--require-signature: signature NOT verified for sha256:[0-9a-f]{64}: no cosign signature: /,
    );
    // Without --require-signature the scan goes on and reports why.
    const soft = await runCli([
      'image',
      ref,
      '--verify-key',
      keyPath,
      '--scanners',
      'secret',
      '--format',
      'json',
      '-q',
    ]);
    assert.equal(soft.code, 0, soft.stderr);
    assert.match(soft.stdout, /"Reason": "no cosign signature: /);
  });
});
