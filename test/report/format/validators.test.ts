/** The schema validators used by the format tests do reject invalid documents. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cycloneDxValidator, reportValidator, spdxValidator } from '../../support/schema.js';

test('validators reject what the schemas forbid', () => {
  const bom = {
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    version: 1,
    components: [{ type: 'library', name: 'x', purl: 'pkg:npm/x@1' }],
  };
  assert.equal(cycloneDxValidator()(bom), true);
  assert.equal(cycloneDxValidator()({ ...bom, components: [{ type: 'not-a-type', name: 'x' }] }), false);
  assert.equal(
    cycloneDxValidator()({
      ...bom,
      components: [{ type: 'library', name: 'x', licenses: [{ license: { id: 'NOT-AN-SPDX-ID' } }] }],
    }),
    false,
  );
  assert.equal(spdxValidator()({ spdxVersion: 'SPDX-2.3' }), false);
  assert.equal(reportValidator()({ SchemaVersion: 2 }), false);
});
