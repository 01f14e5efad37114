/**
 * Docker Compose services: privileged, host network / pid / ipc, the Docker
 * socket mounted, capabilities added, a writable root filesystem, and root
 * (or no) user — the container hardening Compose files most often miss.
 */
import type { Misconfiguration } from '../../model/report.js';
import { failure, type CheckRule as Rule } from './finding.js';
import { linesOf, type YamlDoc } from './yaml-doc.js';
import { scalarText } from '../../util/scalar-text.js';

type J = Record<string, unknown>;
const R = {
  privileged: {
    id: 'CUS-DC-001',
    title: 'Privileged service',
    severity: 'HIGH',
    resolution: 'Remove `privileged: true`.',
  },
  hostNs: {
    id: 'CUS-DC-002',
    title: 'Host namespace shared',
    severity: 'HIGH',
    resolution: 'Remove `network_mode: host`, `pid: host` and `ipc: host`.',
  },
  dockerSock: {
    id: 'CUS-DC-003',
    title: 'Docker socket mounted',
    severity: 'CRITICAL',
    resolution: 'Do not mount /var/run/docker.sock: it gives root on the host.',
  },
  capAdd: {
    id: 'CUS-DC-004',
    title: 'Capabilities added',
    severity: 'MEDIUM',
    resolution: 'Remove cap_add, or add only what the service needs after `cap_drop: [ALL]`.',
  },
  readOnly: {
    id: 'CUS-DC-005',
    title: 'Root filesystem is writable',
    severity: 'LOW',
    resolution: 'Set `read_only: true` and mount writable volumes where needed.',
  },
  rootUser: {
    id: 'CUS-DC-006',
    title: 'Service runs as root',
    severity: 'MEDIUM',
    resolution: 'Set `user:` to a non-root uid:gid.',
  },
} satisfies Record<string, Rule>;

export function isCompose(d: YamlDoc, path: string): boolean {
  const v = d.value as J | null;
  return (
    !!v &&
    typeof v === 'object' &&
    typeof v['services'] === 'object' &&
    v['services'] !== null &&
    (/(?:^|\/)(?:docker-)?compose[^/]*\.ya?ml$/.test(path) || v['version'] !== undefined)
  );
}

export function checkCompose(d: YamlDoc): Misconfiguration[] {
  const out: Misconfiguration[] = [];
  const services = (d.value as J)['services'] as Record<string, J>;
  for (const [name, svc] of Object.entries(services ?? {})) {
    if (!svc || typeof svc !== 'object') continue;
    const base = ['services', name];
    const fail = (r: Rule, path: (string | number)[], message: string): void => {
      out.push(
        failure(r, linesOf(d, path), d.source, {
          description: `${r.title} (Docker Compose).`,
          message: `service ${name}: ${message}`,
          references: ['https://docs.docker.com/reference/compose-file/services/'],
        }),
      );
    };
    if (svc['privileged'] === true) fail(R.privileged, [...base, 'privileged'], 'privileged: true');
    for (const k of ['network_mode', 'pid', 'ipc']) if (svc[k] === 'host') fail(R.hostNs, [...base, k], `${k}: host`);
    (Array.isArray(svc['volumes']) ? (svc['volumes'] as unknown[]) : []).forEach((v, i) => {
      const src = typeof v === 'string' ? v.split(':')[0] : (v as J | null)?.['source'];
      if (typeof src === 'string' && /(?:^|\/)docker\.sock$/.test(src))
        fail(R.dockerSock, [...base, 'volumes', i], `mounts ${src}`);
    });
    if (Array.isArray(svc['cap_add']) && svc['cap_add'].length)
      fail(R.capAdd, [...base, 'cap_add'], `cap_add: ${(svc['cap_add'] as unknown[]).join(', ')}`);
    if (svc['read_only'] !== true)
      fail(R.readOnly, svc['read_only'] !== undefined ? [...base, 'read_only'] : base, 'read_only is not true');
    const user = svc['user'];
    if (user === undefined || /^(?:root|0)(?::.*)?$/.test(scalarText(user)))
      fail(
        R.rootUser,
        user !== undefined ? [...base, 'user'] : base,
        user === undefined ? 'no user: the image default (often root)' : `user: ${scalarText(user)}`,
      );
  }
  return out;
}
