/**
 * `customs container`'s report says which container it read: JSON
 * `Metadata.Container` (valid against schema/report.schema.json) and one
 * line at the top of the table. Other reports carry no such field.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderReport } from '../../src/report/format/index.js';
import type { Report } from '../../src/model/report.js';
import { report } from '../support/model.js';
import { errorsOf, reportValidator } from '../support/schema.js';

const OPTS = { toolName: 'customs', toolVersion: 'test', listAllPkgs: true, listPackages: true, showSuppressed: false };
const container = {
  id: 'cd0aee24f3102fef9296c4d8f0113dc547f5c0db5c43b7dd6675f2041221f783',
  name: 'sleepy',
  image: 'alpine:3.20',
  imageId: 'sha256:a76077474172ac7311cc3f34cf3a3730fb072c2c21bca93188767f63e13a34d5',
  startedAt: '2026-12-03T10:10:38.206856508Z',
  engine: 'docker',
};
const text = (r: Report, format: string): string => {
  const out = renderReport(r, format, OPTS);
  return typeof out === 'string' ? out : [...out].join('');
};

test('JSON Metadata.Container and the table line name the container', () => {
  const r = report([], { artifactName: 'sleepy', metadata: { diffIds: [], repoTags: [], repoDigests: [], container } });
  const json = JSON.parse(text(r, 'json')) as { Metadata: Record<string, unknown> };
  assert.deepEqual(json.Metadata['Container'], {
    ID: container.id,
    Name: 'sleepy',
    Image: 'alpine:3.20',
    ImageID: container.imageId,
    StartedAt: container.startedAt,
    Engine: 'docker',
  });
  const validate = reportValidator();
  assert.ok(validate(json), errorsOf(validate));
  assert.match(
    text(r, 'table'),
    /^Container sleepy \(cd0aee24f310, docker\): image alpine:3\.20, started 2026-12-03T10:10:38/,
  );
});

test('an image report has no Container', () => {
  const json = JSON.parse(text(report([]), 'json')) as { Metadata: Record<string, unknown> };
  assert.equal('Container' in json.Metadata, false);
  assert.doesNotMatch(text(report([]), 'table'), /Container /);
});
