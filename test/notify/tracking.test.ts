/**
 * The hand-offs against loopback receivers that check what the real
 * services check. DefectDojo (API v2, https://documentation.defectdojo.com/api/api-v2-docs/):
 * `Authorization: Token <key>`, import-scan/reimport-scan as multipart with
 * scan_type, file and the context fields. Security Hub: the SDK's
 * BatchImportFindings request (rest-json, POST /findings/import, botocore's
 * model) SigV4-signed (signature recomputed), at most 100 findings a call,
 * each finding valid against the model's AwsSecurityFinding shape;
 * FailedFindings retried.
 */
/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return --
   received bodies are checked field by field as untyped JSON */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { parseTracking } from '../../src/notify/config.js';
import { pushDefectDojo } from '../../src/notify/tracking/defectdojo.js';
import { pushSecurityHub, securityHubFindings } from '../../src/notify/tracking/securityhub.js';
import { asffFindings } from '../../src/report/format/asff.js';
import { parseUntrustedYaml } from '../../src/util/untrusted-yaml.js';
import { checkShape, loadServiceModel } from '../support/botocore-shapes.js';
import { json, Receiver } from '../support/http-receiver.js';
import { jreport, jvuln } from '../support/json-reports.js';
import { verifySigV4 } from '../support/sigv4.js';

const DOJO_TOKEN = 'dojo-api-key-0123456789abcdef';
const tests: { id: number; title: string; engagement: number }[] = [];
const imports: { endpoint: string; fields: Record<string, string>; file: any }[] = [];

const dojo = new Receiver((req, res) => {
  if (req.headers.authorization !== `Token ${DOJO_TOKEN}`) return json(res, 401, { detail: 'Invalid token.' });
  const u = new URL(req.path, 'http://x');
  if (req.method === 'GET') {
    // products → engagements → tests, filtered by name as DefectDojo's filters do.
    if (u.pathname === '/api/v2/products/') {
      const has = tests.length > 0 && u.searchParams.get('name') === 'container-security';
      return json(res, 200, { count: has ? 1 : 0, results: has ? [{ id: 7, name: 'container-security' }] : [] });
    }
    if (u.pathname === '/api/v2/engagements/') {
      const has = tests.length > 0 && u.searchParams.get('product') === '7' && u.searchParams.get('name') === 'customs';
      return json(res, 200, { count: has ? 1 : 0, results: has ? [{ id: 11 }] : [] });
    }
    if (u.pathname === '/api/v2/tests/') {
      const found = tests.filter(
        (t) => String(t.engagement) === u.searchParams.get('engagement') && t.title === u.searchParams.get('title'),
      );
      return json(res, 200, { count: found.length, results: found });
    }
    return json(res, 404, { detail: 'Not found.' });
  }
  const endpoint = u.pathname.replace(/^\/api\/v2\/|\/$/g, '');
  if (req.method !== 'POST' || !['import-scan', 'reimport-scan'].includes(endpoint)) return json(res, 404, {});
  // Parse the multipart body as DefectDojo (Django) does: by its boundary.
  new Request('http://x', {
    method: 'POST',
    headers: { 'content-type': String(req.headers['content-type']) },
    body: new Blob([new Uint8Array(req.body)]),
  })
    .formData()
    .then(async (form) => {
      const fields: Record<string, string> = {};
      let file: any;
      for (const [k, v] of form) {
        if (typeof v === 'string') fields[k] = v;
        else file = JSON.parse(await v.text());
      }
      if (!file || fields['scan_type'] !== 'Trivy Scan') return json(res, 400, { scan_type: ['required'] });
      if (endpoint === 'import-scan') {
        for (const f of ['product_name', 'engagement_name', 'product_type_name', 'test_title'])
          if (!fields[f]) return json(res, 400, { [f]: ['needed with auto_create_context'] });
        if (fields['auto_create_context'] !== 'true') return json(res, 400, { product_name: ['not found'] });
        tests.push({ id: 42, title: fields['test_title']!, engagement: 11 });
      } else if (!tests.some((t) => String(t.id) === fields['test'])) return json(res, 400, { test: ['not found'] });
      imports.push({ endpoint, fields, file });
      json(res, 201, { test: 42, test_id: 42, scan_type: 'Trivy Scan', statistics: { after: { total: 1 } } });
    })
    .catch(() => json(res, 400, { detail: 'Multipart form parse error' }));
});

const AKID = 'AKIDEXAMPLE0123456';
const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
const model = loadServiceModel('securityhub');
// Members the ASFF reference documents that postdate Debian's botocore model (1.29): allowed, nothing else.
const NEWER_THAN_MODEL = new Set(['Vulnerability.ExploitAvailable']);
const hubCalls: { findings: any[] }[] = [];
let failOnce = new Set<string>();
const hub = new Receiver((req, res) => {
  const sig = verifySigV4(req.method, req.path, req.headers, req.body, (k) => (k === AKID ? SECRET : undefined));
  if (!sig.ok || sig.service !== 'securityhub' || sig.region !== 'us-west-2')
    return json(res, 403, {
      message: `The request signature we calculated does not match (${sig.reason ?? sig.service})`,
    });
  if (req.method !== 'POST' || req.path !== '/findings/import') return json(res, 404, { message: 'no such operation' });
  const body = JSON.parse(req.body.toString());
  const findings = body.Findings as any[];
  if (!Array.isArray(findings) || findings.length < 1 || findings.length > 100)
    return json(res, 400, { message: 'Findings must hold 1 to 100 findings' });
  if (model) {
    const errors = checkShape(
      model,
      model.operations['BatchImportFindings']!.input!.shape,
      body,
      'request',
      NEWER_THAN_MODEL,
    );
    if (errors.length) return json(res, 400, { message: errors.slice(0, 5).join('; ') });
  }
  hubCalls.push({ findings });
  // The first call of a finding listed in failOnce fails as a throttled import would.
  const failed = findings
    .filter((f) => failOnce.delete(f.Id))
    .map((f) => ({ Id: f.Id, ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' }));
  json(res, 200, { FailedCount: failed.length, SuccessCount: findings.length - failed.length, FailedFindings: failed });
});

before(async () => {
  await dojo.up();
  await hub.up();
});
after(async () => {
  await dojo.down();
  await hub.down();
});

const tracking = (yaml: string) => parseTracking((parseUntrustedYaml(yaml) as any).vulnerability_tracking, 'test.yaml');

test('DefectDojo: import-scan the first time, reimport-scan into the same test after', async () => {
  const cfg = tracking(
    `vulnerability_tracking:\n  providers:\n    - { name: defectdojo, api_url: "${dojo.url}", product_name: container-security }\n`,
  ).defectdojo!;
  const report = jreport('ghcr.io/org/app:1', [jvuln('CVE-2024-1', 'openssl', 'HIGH')]);
  const first = await pushDefectDojo(cfg, DOJO_TOKEN, report, JSON.stringify(report));
  assert.equal(first.endpoint, 'import-scan');
  assert.equal(imports[0]!.fields['test_title'], 'ghcr.io/org/app');
  assert.equal(imports[0]!.file.Results[0].Vulnerabilities[0].VulnerabilityID, 'CVE-2024-1');
  const next = jreport('ghcr.io/org/app:2', []);
  const second = await pushDefectDojo(cfg, DOJO_TOKEN, next, JSON.stringify(next));
  assert.equal(second.endpoint, 'reimport-scan');
  assert.equal(imports[1]!.fields['test'], '42');
  assert.equal(imports[1]!.fields['close_old_findings'], 'true');
  await assert.rejects(pushDefectDojo(cfg, 'wrong', next, '{}'), /HTTP 401/);
});

test('Security Hub: SigV4-signed BatchImportFindings, 100 a call, valid ASFF, failed findings retried', async (t) => {
  if (!model) t.diagnostic('python3-botocore is not installed: the ASFF model check is skipped, the rest runs');
  const saved = { ...process.env };
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: AKID,
    AWS_SECRET_ACCESS_KEY: SECRET,
    AWS_ENDPOINT_URL_SECURITYHUB: hub.url,
    AWS_ACCOUNT_ID: '123456789012',
  });
  delete process.env['AWS_SESSION_TOKEN'];
  delete process.env['AWS_PROFILE'];
  try {
    const cfg = tracking(
      'vulnerability_tracking:\n  providers:\n    - { name: security_hub, region: us-west-2, findings_filter: { ProductName: container-scanning, SeverityLabel: [CRITICAL, HIGH] } }\n',
    ).securityHub!;
    const vulns = Array.from({ length: 230 }, (_, i) =>
      jvuln(`CVE-2026-${1000 + i}`, `pkg-${i}`, i % 3 === 0 ? 'LOW' : 'CRITICAL', {
        FixedVersion: i % 2 ? '2.0' : undefined,
        CVSS: { nvd: { V3Vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', V3Score: 9.8 } },
        KEV: i === 1 ? { DateAdded: '2024-01-01' } : undefined,
        Description: 'd'.repeat(5000),
      }),
    );
    const previous = jreport('ghcr.io/org/app:0', [jvuln('CVE-2020-0001', 'gone', 'HIGH')]);
    const findings = securityHubFindings(
      cfg,
      { region: 'us-west-2', accountId: '123456789012' },
      jreport('ghcr.io/org/app:1', vulns),
      previous,
    );
    // LOW findings are filtered out; the one fixed since the previous report is archived.
    assert.equal(findings.length, 230 - 77 + 1);
    failOnce = new Set([findings[5]!['Id'] as string]);
    const r = await pushSecurityHub(cfg, findings, process.env);
    assert.deepEqual(r.failed, []);
    assert.equal(r.sent, findings.length);
    assert.equal(r.archived, 1);
    // The first 100, the one throttled retried alone, then the rest.
    assert.deepEqual(
      hubCalls.map((c) => c.findings.length),
      [100, 1, 54],
    );
    const archived = hubCalls.flatMap((c) => c.findings).find((f) => f.RecordState === 'ARCHIVED');
    assert.equal(archived.Vulnerabilities[0].Id, 'CVE-2020-0001');
    assert.equal(hubCalls[0]!.findings[0].ProductName, 'container-scanning');
  } finally {
    process.env = saved;
  }
});

test('ASFF of a report with every field filled validates against the Security Hub model', (t) => {
  if (!model) return t.skip('python3-botocore is not installed (apt-get install python3-botocore)');
  const report = jreport('registry.example:5000/team/app:1', [
    jvuln('CVE-2024-3094', 'xz-utils', 'CRITICAL', {
      FixedVersion: '5.6.1+really5.4.5-1',
      PkgPath: 'usr/lib/liblzma.so.5',
      KEV: { DateAdded: '2024-03-29' },
      CVSS: {
        nvd: {
          V3Vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H',
          V3Score: 10,
          V2Vector: 'AV:N/AC:L/Au:N/C:C/I:C/A:C',
          V2Score: 10,
        },
      },
      References: Array.from({ length: 30 }, (_, i) => `https://ref.example/${i}`),
      Title: 't'.repeat(600),
    }),
    jvuln('GHSA-xxxx-yyyy-zzzz', 'lodash', 'UNKNOWN'),
  ]);
  const findings = asffFindings(report, { accountId: '123456789012', region: 'eu-central-1' });
  const errors = checkShape(model, 'AwsSecurityFindingList', findings, 'Findings', NEWER_THAN_MODEL);
  assert.deepEqual(errors, []);
  assert.equal((findings[1]!['Severity'] as any).Label, 'INFORMATIONAL');
});
