/**
 * Acceptance (Kubernetes and Compose): fixtures that violate and satisfy
 * each check, with the line numbers of the offending settings.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scanConfigPath } from '../../../src/detect/misconfig/config-files.js';
import type { Misconfiguration } from '../../../src/model/report.js';
import { runCli } from '../../support/cli.js';
import { fixture } from '../../support/paths.js';

function byTarget(): Map<string, Misconfiguration[]> {
  const { results, warnings } = scanConfigPath(fixture('config'));
  assert.deepEqual(warnings, []);
  return new Map(results.map((r) => [r.target, r.misconfigurations ?? []]));
}
const at = (ms: Misconfiguration[], id: string) =>
  ms.filter((m) => m.id === id).map((m) => `${m.cause!.startLine}-${m.cause!.endLine}`);

test('the insecure Deployment fails every Kubernetes check, each at its lines', () => {
  const m = byTarget().get('insecure-deployment.yaml')!;
  assert.deepEqual(at(m, 'CUS-K8S-002'), ['14-14', '15-15'], 'hostNetwork, hostPID');
  assert.deepEqual(at(m, 'CUS-K8S-001'), ['20-20'], 'privileged');
  assert.deepEqual(at(m, 'CUS-K8S-006'), ['21-21'], 'allowPrivilegeEscalation: true');
  assert.deepEqual(at(m, 'CUS-K8S-004'), ['23-23'], 'SYS_ADMIN added (CHOWN is baseline)');
  assert.match(m.find((x) => x.id === 'CUS-K8S-004')!.message, /adds SYS_ADMIN$/);
  assert.deepEqual(at(m, 'CUS-K8S-003'), ['27-27'], 'hostPath (its path line)');
  for (const id of ['CUS-K8S-005', 'CUS-K8S-007', 'CUS-K8S-008', 'CUS-K8S-009'])
    assert.deepEqual(at(m, id), ['17-23'], `${id} points at the container`);
  assert.ok(m.every((x) => x.cause?.snippet && x.resolution && x.references.length));
});

test('the restricted Pod passes every Kubernetes check; the ConfigMap is not a workload', () => {
  const t = byTarget();
  assert.deepEqual(t.get('restricted-pod.yaml'), []);
});

test('Compose: the risky service fails each check at its line, the hardened one passes', () => {
  const m = byTarget().get('docker-compose.yml')!;
  const risky = m.filter((x) => x.message.startsWith('service risky'));
  assert.deepEqual(at(risky, 'CUS-DC-001'), ['4-4']);
  assert.deepEqual(at(risky, 'CUS-DC-002'), ['5-5', '6-6']);
  assert.deepEqual(at(risky, 'CUS-DC-004'), ['7-7']);
  assert.deepEqual(at(risky, 'CUS-DC-003'), ['9-9']);
  assert.deepEqual(at(risky, 'CUS-DC-005'), ['3-10']);
  assert.deepEqual(at(risky, 'CUS-DC-006'), ['3-10']);
  assert.deepEqual(
    m.filter((x) => x.message.startsWith('service hardened')),
    [],
  );
});

test('customs config: JSON with CauseMetadata lines, exit code, broken YAML is a warning', async () => {
  const r = await runCli([
    'config',
    fixture('config'),
    '-f',
    'json',
    '--exit-code',
    '2',
    '--severity',
    'CRITICAL,HIGH',
  ]);
  assert.equal(r.code, 2, r.stderr);
  const rep = JSON.parse(r.stdout) as {
    Results: {
      Target: string;
      Misconfigurations?: { ID: string; Severity: string; CauseMetadata: { StartLine: number } }[];
    }[];
  };
  const all = rep.Results.flatMap((x) => x.Misconfigurations ?? []);
  assert.ok(all.length > 0 && all.every((x) => x.Severity === 'CRITICAL' || x.Severity === 'HIGH'));
  assert.ok(all.some((x) => x.ID === 'CUS-DC-003' && x.CauseMetadata.StartLine === 9));
  const ok = await runCli(['config', fixture('config', 'restricted-pod.yaml'), '--exit-code', '2']);
  assert.equal(ok.code, 0, ok.stderr);
});

test('Dockerfiles: each check fails at its instruction in the bad one, none in the good one', () => {
  const t = byTarget();
  const bad = t.get('docker-bad/Dockerfile')!;
  const rows = bad.map((m) => `${m.id}@${m.cause!.startLine}`);
  for (const want of [
    'CUS-DF-002@1',
    'CUS-DF-002@7',
    'CUS-DF-007@2',
    'CUS-DF-004@3',
    'CUS-DF-005@3',
    'CUS-DF-003@5',
    'CUS-DF-010@6',
    'CUS-DF-007@8',
    'CUS-DF-008@9',
    'CUS-DF-009@10',
    'CUS-DF-001@11',
    'CUS-DF-006@7',
  ]) {
    assert.ok(rows.includes(want), `${want} missing from ${rows.join(' ')}`);
  }
  assert.equal(bad.find((m) => m.id === 'CUS-DF-004')!.cause!.endLine, 4, 'a continued RUN spans its lines');
  assert.equal(bad.find((m) => m.id === 'CUS-DF-001')!.avdId, 'CIS-DI-4.1');
  assert.ok(
    bad.every((m) => !/Tr0ub4dor/.test(m.message)),
    'no secret value in messages',
  );
  assert.deepEqual(t.get('docker-good/Dockerfile'), []);
});
