/**
 * GitLab container-scanning report (schema 15.x): one vulnerability per
 * finding on a package, located at the image and its operating system,
 * with stable ids and the advisory identifiers (CVE first).
 */
import { createHash } from 'node:crypto';
import type { Report, Severity } from '../../model/report.js';
import { flattenFindings } from './findings.js';
import type { FormatOptions } from './options.js';

const SEVERITY: Record<Severity, string> = {
  CRITICAL: 'Critical',
  HIGH: 'High',
  MEDIUM: 'Medium',
  LOW: 'Low',
  UNKNOWN: 'Unknown',
};

function uuidFrom(key: string): string {
  const h = createHash('sha256').update(key).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function identifierType(id: string): string {
  if (/^CVE-/.test(id)) return 'cve';
  if (/^GHSA-/.test(id)) return 'ghsa';
  return id.split('-')[0]!.toLowerCase() || 'osv';
}

function identifierUrl(id: string): string | undefined {
  if (/^CVE-/.test(id)) return `https://nvd.nist.gov/vuln/detail/${id}`;
  if (/^[A-Za-z]+-[\w.-]+$/.test(id)) return `https://osv.dev/vulnerability/${id}`;
  return undefined;
}

const timestamp = (d: Date): string => d.toISOString().slice(0, 19);

export function renderGitlab(report: Report, opts: FormatOptions): string {
  const now = opts.now ?? new Date();
  const os = report.metadata.os ? `${report.metadata.os.family} ${report.metadata.os.name}` : 'Unknown';
  const image = report.metadata.repoTags[0] ?? report.artifactName;
  const vulnerabilities = flattenFindings(report)
    .filter((f) => f.kind === 'vulnerability' && f.pkg)
    .map((f) => {
      const ids = [f.ruleId, ...(f.identifiers ?? []).filter((i) => i !== f.ruleId)];
      return {
        id: uuidFrom(`${image}|${f.key}`),
        name: f.title.slice(0, 255),
        description: f.description.slice(0, 15000),
        severity: SEVERITY[f.severity],
        solution: f.pkg!.fixedVersion ? `Upgrade ${f.pkg!.name} to ${f.pkg!.fixedVersion}` : 'No fixed version yet',
        identifiers: ids.map((id) => ({
          type: identifierType(id),
          name: id,
          value: id,
          ...(identifierUrl(id) ? { url: identifierUrl(id) } : {}),
        })),
        links: f.helpUri ? [{ url: f.helpUri }] : [],
        location: {
          dependency: { package: { name: f.pkg!.name }, version: f.pkg!.version },
          operating_system: os,
          image,
        },
      };
    });
  const tool = { id: opts.toolName, name: opts.toolName, version: opts.toolVersion, vendor: { name: opts.toolName } };
  const doc = {
    version: '15.2.4',
    scan: {
      analyzer: tool,
      scanner: tool,
      type: 'container_scanning',
      start_time: timestamp(new Date(report.createdAt)),
      end_time: timestamp(now),
      status: 'success',
    },
    vulnerabilities,
    remediations: [],
  };
  return JSON.stringify(doc, null, 2) + '\n';
}
