/**
 * The cosign verification `--verify-key` asked for is in JSON
 * `Metadata.Signatures` (valid against schema/report.schema.json) and in one
 * table line, verified or not; a report without it has neither.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderReport } from '../../src/report/format/index.js';
import type { Report } from '../../src/model/report.js';
import type { SignatureVerification } from '../../src/model/signature.js';
import { report } from '../support/model.js';
import { errorsOf, reportValidator } from '../support/schema.js';

const OPTS = { toolName: 'customs', toolVersion: 'test', listAllPkgs: true, listPackages: true, showSuppressed: false };
const digest = 'sha256:a76077474172ac7311cc3f34cf3a3730fb072c2c21bca93188767f63e13a34d5';
const text = (r: Report, format: string): string => {
  const out = renderReport(r, format, OPTS);
  return typeof out === 'string' ? out : [...out].join('');
};
const withSignatures = (signatures: SignatureVerification): Report =>
  report([], { metadata: { diffIds: [], repoTags: [], repoDigests: [], signatures } });

test('a verified signature names its key in JSON and the table', () => {
  const signatures: SignatureVerification = {
    Verified: true,
    Digest: digest,
    SignatureTag: `registry:5000/app:${digest.replace(':', '-')}.sig`,
    VerifiedBy: ['cosign.pub'],
    Checks: [{ Layer: digest, Verified: true, Key: 'cosign.pub' }],
  };
  const json = JSON.parse(text(withSignatures(signatures), 'json')) as { Metadata: Record<string, unknown> };
  assert.deepEqual(json.Metadata['Signatures'], signatures);
  const validate = reportValidator();
  assert.ok(validate(json), errorsOf(validate));
  assert.match(
    text(withSignatures(signatures), 'table'),
    new RegExp(`^Signature: verified for ${digest} by cosign\\.pub`),
  );
});

test('an unverified signature carries its reason', () => {
  const signatures: SignatureVerification = {
    Verified: false,
    Digest: digest,
    SignatureTag: 'registry:5000/app:x.sig',
    VerifiedBy: [],
    Checks: [],
    Reason: 'no cosign signature: registry:5000/app:x.sig does not exist',
  };
  const json = JSON.parse(text(withSignatures(signatures), 'json')) as { Metadata: Record<string, unknown> };
  const validate = reportValidator();
  assert.ok(validate(json), errorsOf(validate));
  assert.match(text(withSignatures(signatures), 'table'), /^Signature: NOT verified for .*: no cosign signature: /);
});

test('a report without verification has no Signatures', () => {
  const json = JSON.parse(text(report([]), 'json')) as { Metadata: Record<string, unknown> };
  assert.equal('Signatures' in json.Metadata, false);
  assert.doesNotMatch(text(report([]), 'table'), /Signature: /);
});
