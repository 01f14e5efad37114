/**
 * Checks on the image configuration, for images scanned without their
 * Dockerfile: the CIS Docker Benchmark section 4 items an image reveals.
 * Each check has an id, its CIS number, a severity and a resolution.
 */
import type { Misconfiguration, Severity } from '../../model/report.js';
import type { ImageConfig } from '../../model/image-config.js';
import { scanConfigSecrets } from '../../analyzer/secret/config.js';

export interface ImageFacts {
  config: ImageConfig;
  /** setuid/setgid files of the final filesystem. */
  setidFiles: { path: string; mode: number }[];
}

interface Check {
  id: string;
  cis: string;
  title: string;
  severity: Severity;
  description: string;
  resolution: string;
  /** The failure message, or undefined when the image passes. */
  run(f: ImageFacts): string | undefined;
}

const rootUser = (u: string | undefined): boolean => !u || /^(?:root|0)(?::.*)?$/.test(u.trim());

const CHECKS: Check[] = [
  {
    id: 'CUS-IMG-001',
    cis: '4.1',
    title: 'Image runs as root',
    severity: 'HIGH',
    description: 'Containers run as the image user; root in the container is root on a compromised host kernel.',
    resolution: 'Add a USER instruction with a non-root user (e.g. USER 65532:65532).',
    run: (f) =>
      rootUser(f.config.config?.User)
        ? `the image user is ${f.config.config?.User?.trim() || 'unset (root)'}`
        : undefined,
  },
  {
    id: 'CUS-IMG-002',
    cis: '4.6',
    title: 'No HEALTHCHECK',
    severity: 'LOW',
    description: 'Without a health check the orchestrator cannot tell a hung container from a working one.',
    resolution: 'Add a HEALTHCHECK instruction.',
    run: (f) => {
      const t = f.config.config?.Healthcheck?.Test;
      return !t || !t.length || t[0] === 'NONE' ? 'the image defines no health check' : undefined;
    },
  },
  {
    id: 'CUS-IMG-003',
    cis: '4.1',
    title: 'SSH port exposed',
    severity: 'MEDIUM',
    description: 'Running sshd inside a container widens the attack surface; use `docker exec`/`kubectl exec`.',
    resolution: 'Remove EXPOSE 22 and the SSH server.',
    run: (f) =>
      Object.keys(f.config.config?.ExposedPorts ?? {}).some((p) => /^22(?:\/tcp)?$/.test(p))
        ? 'port 22 is exposed'
        : undefined,
  },
  {
    id: 'CUS-IMG-004',
    cis: '4.10',
    title: 'Secrets in the image configuration',
    severity: 'CRITICAL',
    description: 'ENV values and build arguments are stored in the image and readable by anyone who can pull it.',
    resolution: 'Pass secrets at run time (secrets mounts, orchestrator secrets), never with ENV or ARG.',
    run: (f) => {
      const hits = scanConfigSecrets(f.config);
      return hits.length
        ? `${hits.length} secret(s) in ${[...new Set(hits.map((h) => h.where.replace(/\[\d+\]$/, '')))].join(', ')}`
        : undefined;
    },
  },
  {
    id: 'CUS-IMG-005',
    cis: '4.8',
    title: 'setuid/setgid files',
    severity: 'LOW',
    description: 'setuid and setgid binaries let a process gain privileges; most containers need none.',
    resolution: 'Remove the bits: RUN find / -xdev -perm /6000 -type f -exec chmod a-s {} +',
    run: (f) =>
      f.setidFiles.length
        ? `${f.setidFiles.length} file(s) with setuid/setgid: ${f.setidFiles
            .slice(0, 5)
            .map((s) => `/${s.path}`)
            .join(', ')}${f.setidFiles.length > 5 ? ', …' : ''}`
        : undefined,
  },
  {
    id: 'CUS-IMG-006',
    cis: '4.9',
    title: 'ADD used in the build',
    severity: 'LOW',
    description: 'ADD fetches URLs and unpacks archives implicitly; COPY does only what it says.',
    resolution: 'Use COPY instead of ADD (base images made with ADD of a rootfs are the usual exception).',
    run: (f) => {
      const adds = (f.config.history ?? [])
        .map((h, i) => ({ i, c: h.created_by ?? '' }))
        .filter((h) => /(?:^|#\(nop\)\s+|\s)ADD\s/.test(h.c) && !/ADD file:[0-9a-f]+ in \/\s*$/.test(h.c) && h.i > 0);
      return adds.length
        ? `ADD in history entr${adds.length > 1 ? 'ies' : 'y'} ${adds.map((a) => a.i).join(', ')}`
        : undefined;
    },
  },
];

export function checkImageConfig(f: ImageFacts): Misconfiguration[] {
  return CHECKS.map((c) => {
    const message = c.run(f);
    return {
      id: c.id,
      avdId: `CIS-DI-${c.cis}`,
      title: c.title,
      description: c.description,
      resolution: c.resolution,
      severity: c.severity,
      status: message ? 'FAIL' : 'PASS',
      message: message ?? `${c.title}: passed`,
      references: ['https://www.cisecurity.org/benchmark/docker'],
    };
  });
}
