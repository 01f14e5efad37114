/**
 * Kubernetes workloads against the Pod Security Standards: the baseline
 * checks (privileged, host namespaces, hostPath, added capabilities) and the
 * restricted ones (runAsNonRoot, allowPrivilegeEscalation false, drop ALL,
 * seccomp RuntimeDefault/Localhost, plus a read-only root filesystem, which
 * the seed's SecurityProfile asks for). Each finding carries its lines.
 */
import type { Misconfiguration } from '../../model/report.js';
import { failure, type CheckRule as Rule } from './finding.js';
import { linesOf, type YamlDoc } from './yaml-doc.js';
import { scalarText } from '../../util/scalar-text.js';

type J = Record<string, unknown>;
const get = (o: unknown, ...path: (string | number)[]): unknown =>
  path.reduce<unknown>((a, k) => (a && typeof a === 'object' ? (a as J)[k as string] : undefined), o);

/** Where each workload kind keeps its pod spec. */
export const POD_SPEC: Record<string, string[]> = {
  Pod: ['spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
};
const BASELINE_CAPS = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
]);
const PSS = 'https://kubernetes.io/docs/concepts/security/pod-security-standards/';

const R = {
  privileged: {
    id: 'CUS-K8S-001',
    title: 'Privileged container',
    severity: 'HIGH',
    resolution: 'Remove securityContext.privileged or set it to false.',
  },
  hostNamespaces: {
    id: 'CUS-K8S-002',
    title: 'Host namespaces shared',
    severity: 'HIGH',
    resolution: 'Do not set hostNetwork, hostPID or hostIPC.',
  },
  hostPath: {
    id: 'CUS-K8S-003',
    title: 'hostPath volume',
    severity: 'MEDIUM',
    resolution: 'Use persistent volumes, configMaps or emptyDir instead of hostPath.',
  },
  addCaps: {
    id: 'CUS-K8S-004',
    title: 'Capabilities added beyond the baseline',
    severity: 'MEDIUM',
    resolution: 'Add only capabilities from the baseline set (and drop ALL first).',
  },
  runAsNonRoot: {
    id: 'CUS-K8S-005',
    title: 'Container may run as root',
    severity: 'MEDIUM',
    resolution: 'Set securityContext.runAsNonRoot: true (pod or container).',
  },
  privEsc: {
    id: 'CUS-K8S-006',
    title: 'Privilege escalation allowed',
    severity: 'MEDIUM',
    resolution: 'Set securityContext.allowPrivilegeEscalation: false.',
  },
  dropAll: {
    id: 'CUS-K8S-007',
    title: 'Capabilities not dropped',
    severity: 'LOW',
    resolution: 'Set securityContext.capabilities.drop: ["ALL"].',
  },
  seccomp: {
    id: 'CUS-K8S-008',
    title: 'No seccomp profile',
    severity: 'LOW',
    resolution: 'Set securityContext.seccompProfile.type: RuntimeDefault (pod or container).',
  },
  readOnlyRoot: {
    id: 'CUS-K8S-009',
    title: 'Root filesystem is writable',
    severity: 'LOW',
    resolution: 'Set securityContext.readOnlyRootFilesystem: true.',
  },
} satisfies Record<string, Rule>;

export function checkKubernetes(d: YamlDoc): Misconfiguration[] | undefined {
  const kind = get(d.value, 'kind');
  if (typeof kind !== 'string' || !POD_SPEC[kind] || typeof get(d.value, 'apiVersion') !== 'string') return undefined;
  const specPath = POD_SPEC[kind];
  const spec = get(d.value, ...specPath) as J | undefined;
  if (!spec || typeof spec !== 'object') return [];
  const name = scalarText(get(d.value, 'metadata', 'name'), kind);
  const out: Misconfiguration[] = [];
  const fail = (r: Rule, path: (string | number)[], message: string): void => {
    out.push(
      failure(r, linesOf(d, path), d.source, {
        avdId: `PSS-${r.id.slice(-3)}`,
        description: `${r.title} (Kubernetes Pod Security Standards).`,
        message: `${kind} ${name}: ${message}`,
        references: [PSS],
      }),
    );
  };
  for (const ns of ['hostNetwork', 'hostPID', 'hostIPC'])
    if (spec[ns] === true) fail(R.hostNamespaces, [...specPath, ns], `${ns} is true`);
  (Array.isArray(spec['volumes']) ? (spec['volumes'] as J[]) : []).forEach((v, i) => {
    if (v?.['hostPath'])
      fail(
        R.hostPath,
        [...specPath, 'volumes', i, 'hostPath'],
        `volume ${scalarText(v['name'], String(i))} mounts a host path`,
      );
  });
  const podSc = (spec['securityContext'] ?? {}) as J;
  for (const field of ['initContainers', 'containers', 'ephemeralContainers']) {
    const list = Array.isArray(spec[field]) ? (spec[field] as J[]) : [];
    list.forEach((c, i) => {
      const cPath = [...specPath, field, i];
      const sc = (c?.['securityContext'] ?? {}) as J;
      const scPath = [...cPath, 'securityContext'];
      const cn = `container ${scalarText(c?.['name'], String(i))}`;
      if (sc['privileged'] === true) fail(R.privileged, [...scPath, 'privileged'], `${cn} is privileged`);
      const added = ((get(sc, 'capabilities', 'add') as unknown[] | undefined) ?? [])
        .map(String)
        .filter((x) => !BASELINE_CAPS.has(x.toUpperCase()));
      if (added.length) fail(R.addCaps, [...scPath, 'capabilities', 'add'], `${cn} adds ${added.join(', ')}`);
      const nonRoot = sc['runAsNonRoot'] ?? podSc['runAsNonRoot'];
      const uid = sc['runAsUser'] ?? podSc['runAsUser'];
      if (nonRoot !== true || uid === 0)
        fail(
          R.runAsNonRoot,
          sc['runAsNonRoot'] !== undefined ? [...scPath, 'runAsNonRoot'] : cPath,
          `${cn} does not set runAsNonRoot: true`,
        );
      if (sc['allowPrivilegeEscalation'] !== false)
        fail(
          R.privEsc,
          sc['allowPrivilegeEscalation'] !== undefined ? [...scPath, 'allowPrivilegeEscalation'] : cPath,
          `${cn} does not set allowPrivilegeEscalation: false`,
        );
      const drop = ((get(sc, 'capabilities', 'drop') as unknown[] | undefined) ?? []).map((x) =>
        String(x).toUpperCase(),
      );
      if (!drop.includes('ALL'))
        fail(
          R.dropAll,
          get(sc, 'capabilities', 'drop') !== undefined ? [...scPath, 'capabilities', 'drop'] : cPath,
          `${cn} does not drop ALL capabilities`,
        );
      const seccomp = get(sc, 'seccompProfile', 'type') ?? get(podSc, 'seccompProfile', 'type');
      if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost')
        fail(
          R.seccomp,
          get(sc, 'seccompProfile') !== undefined ? [...scPath, 'seccompProfile'] : cPath,
          `${cn} has no RuntimeDefault or Localhost seccomp profile`,
        );
      if (sc['readOnlyRootFilesystem'] !== true)
        fail(
          R.readOnlyRoot,
          sc['readOnlyRootFilesystem'] !== undefined ? [...scPath, 'readOnlyRootFilesystem'] : cPath,
          `${cn} does not set readOnlyRootFilesystem: true`,
        );
    });
  }
  return out;
}
