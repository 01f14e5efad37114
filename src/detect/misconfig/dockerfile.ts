/**
 * Dockerfile checks, parsed with dockerfile-ast (line numbers kept): the CIS
 * Docker Benchmark section 4 items a Dockerfile shows, and the usual
 * hygiene checks. Only the final stage's USER and HEALTHCHECK count.
 */
import { DockerfileParser, type Instruction } from 'dockerfile-ast';
import type { Misconfiguration } from '../../model/report.js';
import { failure, type CheckRule } from './finding.js';
import { SourceText } from './yaml-doc.js';
import { builtinRules } from '../../analyzer/secret/rules.js';
import { compileRules, scanText } from '../../analyzer/secret/scan-text.js';
import { SECRET_NAME } from './mask-secrets.js';

interface Rule extends CheckRule {
  cis?: string;
}
const R = {
  root: {
    id: 'CUS-DF-001',
    cis: '4.1',
    title: 'Image runs as root',
    severity: 'HIGH',
    resolution: 'End the final stage with USER <non-root>.',
  },
  latest: {
    id: 'CUS-DF-002',
    title: 'Base image not pinned',
    severity: 'MEDIUM',
    resolution: 'Use a specific tag or digest in FROM, not latest or none.',
  },
  addUrl: {
    id: 'CUS-DF-003',
    cis: '4.9',
    title: 'ADD of a remote URL',
    severity: 'MEDIUM',
    resolution: 'Download with RUN curl/wget and verify a checksum, or COPY a vetted file.',
  },
  upgrade: {
    id: 'CUS-DF-004',
    cis: '4.7',
    title: 'Package upgrade in the build',
    severity: 'LOW',
    resolution: 'Pin package versions; rebuild from an updated base image instead of apt-get upgrade.',
  },
  recommends: {
    id: 'CUS-DF-005',
    title: 'apt-get install without --no-install-recommends',
    severity: 'LOW',
    resolution: 'Add --no-install-recommends to apt-get install.',
  },
  healthcheck: {
    id: 'CUS-DF-006',
    cis: '4.6',
    title: 'No HEALTHCHECK',
    severity: 'LOW',
    resolution: 'Add a HEALTHCHECK instruction.',
  },
  secretEnv: {
    id: 'CUS-DF-007',
    cis: '4.10',
    title: 'Secret in ENV or ARG',
    severity: 'CRITICAL',
    resolution: 'Pass secrets at build time with --secret mounts, never ENV or ARG.',
  },
  sudo: {
    id: 'CUS-DF-008',
    title: 'sudo in RUN',
    severity: 'MEDIUM',
    resolution: 'Run as root for the step and drop privileges with USER; do not install or use sudo.',
  },
  ssh: {
    id: 'CUS-DF-009',
    title: 'Port 22 exposed',
    severity: 'MEDIUM',
    resolution: 'Do not run sshd in containers; remove EXPOSE 22.',
  },
  copyAll: {
    id: 'CUS-DF-010',
    title: 'COPY . without .dockerignore',
    severity: 'LOW',
    resolution: 'Add a .dockerignore, or COPY only what the image needs.',
  },
} satisfies Record<string, Rule>;
const compiled = compileRules(builtinRules);

export function checkDockerfile(text: string, opts: { hasDockerignore: boolean }): Misconfiguration[] {
  const df = DockerfileParser.parse(text);
  const source = new SourceText(text);
  const out: Misconfiguration[] = [];
  const fail = (r: Rule, ins: Instruction | undefined, message: string): void => {
    const start = (ins?.getRange().start.line ?? 0) + 1;
    const end = (ins?.getRange().end.line ?? 0) + 1;
    out.push(
      failure(r, { startLine: start, endLine: end }, source, {
        ...(r.cis ? { avdId: `CIS-DI-${r.cis}` } : {}),
        description: `${r.title}${r.cis ? ` (CIS Docker Benchmark ${r.cis})` : ''}.`,
        message,
        references: ['https://www.cisecurity.org/benchmark/docker'],
      }),
    );
  };
  const all = df.getInstructions();
  const froms = df.getFROMs();
  const stages = new Set(froms.map((f) => f.getBuildStage()).filter(Boolean));
  for (const f of froms) {
    const image = f.getImageName();
    if (!image || image === 'scratch' || stages.has(image) || f.getImageDigest()) continue;
    const tag = f.getImageTag();
    if (!tag || tag === 'latest') fail(R.latest, f, `FROM ${image}${tag ? `:${tag}` : ''} is not pinned`);
  }
  const lastFrom = froms[froms.length - 1];
  const finalStage = lastFrom ? all.filter((i) => i.getRange().start.line >= lastFrom.getRange().start.line) : all;
  const users = finalStage.filter((i) => i.getKeyword() === 'USER');
  const lastUser = users[users.length - 1];
  const userName = lastUser?.getArgumentsContent()?.trim().split(':')[0];
  if (!lastUser) fail(R.root, lastFrom, 'the final stage sets no USER: it runs as root');
  else if (userName === 'root' || userName === '0') fail(R.root, lastUser, `USER ${userName}`);
  if (!finalStage.some((i) => i.getKeyword() === 'HEALTHCHECK'))
    fail(R.healthcheck, lastFrom, 'no HEALTHCHECK instruction');
  for (const ins of all) {
    const kw = ins.getKeyword();
    const args = ins.getArgumentsContent() ?? '';
    if (kw === 'ADD' && /(?:^|\s)(?:https?|ftp):\/\//i.test(args)) fail(R.addUrl, ins, `ADD ${args.split(/\s+/)[0]}`);
    if (kw === 'RUN') {
      if (
        /\b(?:apt-get|apt)\s+(?:-\S+\s+)*(?:upgrade|dist-upgrade)\b|\b(?:yum|dnf)\s+(?:-\S+\s+)*update\b|\bapk\s+(?:-\S+\s+)*upgrade\b/.test(
          args,
        )
      )
        fail(R.upgrade, ins, 'the build upgrades packages');
      for (const seg of args.split(/&&|;|\|\|/))
        if (/\bapt-get\s+(?:-\S+\s+)*install\b/.test(seg) && !/--no-install-recommends/.test(seg)) {
          fail(R.recommends, ins, 'apt-get install without --no-install-recommends');
          break;
        }
      if (/(?:^|[\s;&|])sudo\s/.test(args)) fail(R.sudo, ins, 'RUN uses sudo');
    }
    if (kw === 'ENV' || kw === 'ARG') {
      const hits = scanText(`${kw} ${args}`, compiled);
      const named = args
        .split(/\s+/)
        .filter(
          (a) =>
            SECRET_NAME.test(a.split('=')[0]!) && (kw === 'ENV' ? a.includes('=') && a.split('=')[1] !== '' : true),
        );
      if (hits.length || named.length)
        fail(
          R.secretEnv,
          ins,
          `${kw} ${named.map((n) => n.split('=')[0]).join(', ') || hits.map((h) => h.ruleId).join(', ')} holds a secret`,
        );
    }
    if (kw === 'EXPOSE' && args.split(/\s+/).some((p) => /^22(?:\/tcp)?$/.test(p))) fail(R.ssh, ins, 'EXPOSE 22');
    if (kw === 'COPY' && !opts.hasDockerignore) {
      const a = ins
        .getArguments()
        .map((x) => x.getValue())
        .filter((x) => !x.startsWith('--'));
      if (a.length >= 2 && a.slice(0, -1).some((s) => s === '.' || s === './'))
        fail(R.copyAll, ins, 'COPY of the whole build context with no .dockerignore');
    }
  }
  return out.sort((a, b) => a.cause!.startLine - b.cause!.startLine);
}
