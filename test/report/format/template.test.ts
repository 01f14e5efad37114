/**
 * Templates usually make HTML, and every string in the report can come from
 * the image: a hostile image name, target or package name must come out
 * escaped by default (issue 22 item 9). Only the explicit triple stash is raw.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { htmlSafeJson, renderTemplate } from '../../../src/report/format/template.js';
import type { Report } from '../../../src/model/report.js';

const HOSTILE_NAME = 'evil/<script>alert(1)</script>:"quoted"&\'x\'';
const HOSTILE_TARGET = '"><img src=x onerror=alert(2)></script><script>alert(3)</script>';

const report: Report = {
  schemaVersion: 2,
  createdAt: '2026-12-03T00:00:00Z',
  artifactName: HOSTILE_NAME,
  artifactType: 'container_image',
  metadata: { diffIds: [], repoTags: [], repoDigests: [] },
  warnings: [],
  results: [{ target: HOSTILE_TARGET, class: 'os-pkgs', type: 'debian', vulnerabilities: [] }],
};

test('{{x}} is HTML-escaped: a hostile image name and target render inert', () => {
  const out = renderTemplate(
    report,
    '<h1>{{ArtifactName}}</h1>{{#each Results}}<td title="{{Target}}">{{Target}}</td>{{/each}}',
    false,
  );
  assert.doesNotMatch(out, /<script>|<img|"><|onerror=alert\(2\)>/);
  assert.ok(out.includes('&lt;script&gt;alert(1)&lt;/script&gt;'), out);
  assert.ok(out.includes('&quot;&gt;&lt;img src&#x3D;x'), out);
});

test('{{json x}} is valid JSON that cannot close a <script> or an attribute', () => {
  const out = renderTemplate(report, '<script>const t = {{json Results}};</script>', false);
  const inner = out.slice('<script>const t = '.length, -';</script>'.length);
  assert.doesNotMatch(inner, /[<>&]/);
  assert.equal((JSON.parse(inner) as { Target: string }[])[0]!.Target, HOSTILE_TARGET, 'the same value');
  assert.equal(htmlSafeJson('a\u2028b'), '"a\\u2028b"');
});

test('the triple stash stays raw: the one explicit way out', () => {
  assert.equal(renderTemplate(report, '{{{ArtifactName}}}', false), HOSTILE_NAME);
});
