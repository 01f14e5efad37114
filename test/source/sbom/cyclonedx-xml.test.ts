/**
 * Character references in CycloneDX XML (issue 22 item 9): `&#99999999;`
 * ended in an unhandled RangeError from String.fromCodePoint. A reference to
 * a character XML does not allow becomes U+FFFD; valid ones decode.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cycloneDxXmlToJson } from '../../../src/source/sbom/cyclonedx-xml.js';

const bom = (name: string): string => `<?xml version="1.0"?>
<bom xmlns="http://cyclonedx.org/schema/bom/1.5" version="1"><components>
<component type="library"><name>${name}</name><version>1.0</version><purl>pkg:npm/${name}@1.0</purl></component>
</components></bom>`;

test('out-of-range, surrogate and control references become U+FFFD; valid ones decode', () => {
  for (const bad of ['&#99999999;', '&#x110000;', '&#xD800;', '&#0;', '&#1;', '&#xFFFFFFFF;', '&#9999999999;']) {
    const doc = cycloneDxXmlToJson(bom(`a${bad}b`), 'bom.xml') as { components: { name: string }[] };
    assert.equal(doc.components[0]!.name, 'a\ufffdb', bad);
  }
  const ok = cycloneDxXmlToJson(bom('&#65;&#x42;&#x1F600;&amp;'), 'bom.xml') as { components: { name: string }[] };
  assert.equal(ok.components[0]!.name, 'AB\u{1F600}&');
});
