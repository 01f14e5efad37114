/**
 * SARIF 2.1.0 for GitHub code scanning: one run, one rule per advisory /
 * secret rule / check with help text and `security-severity`, results
 * located at the package's file inside the image, with stable fingerprints.
 * GitHub's limits (25,000 results and rules per run, 1,024-character
 * descriptions) are respected.
 */
import { createHash } from 'node:crypto';
import type { Report, Severity } from '../../model/report.js';
import { flattenFindings, type FlatFinding } from './findings.js';
import type { FormatOptions } from './options.js';

const MAX_RESULTS = 25_000;
const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  CRITICAL: 'error',
  HIGH: 'error',
  MEDIUM: 'warning',
  LOW: 'note',
  UNKNOWN: 'note',
};
const SCORE: Record<Severity, number> = { CRITICAL: 9.5, HIGH: 8.0, MEDIUM: 5.5, LOW: 2.0, UNKNOWN: 0.0 };

const clip = (s: string, n = 1024): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s) || '-';

function rule(f: FlatFinding): Record<string, unknown> {
  const score = f.score ?? SCORE[f.severity];
  return {
    id: f.ruleId,
    name: f.ruleId.replace(/[^A-Za-z0-9]/g, ''),
    shortDescription: { text: clip(f.title) },
    fullDescription: { text: clip(f.description) },
    ...(f.helpUri ? { helpUri: f.helpUri } : {}),
    help: {
      text: clip(`${f.title}\n${f.description}`, 8000),
      markdown: clip(`**${f.title}**\n\n${f.description}${f.helpUri ? `\n\n[${f.helpUri}](${f.helpUri})` : ''}`, 8000),
    },
    properties: {
      'security-severity': score.toFixed(1),
      tags: ['security', f.kind, f.severity, ...(f.kev ? ['known-exploited'] : [])],
      precision: 'very-high',
    },
  };
}

/** KEV and EPSS of a vulnerability, in the result's property bag (SARIF 3.8). */
function exploitProperties(f: FlatFinding): Record<string, unknown> | undefined {
  if (!f.kev && !f.epss) return undefined;
  return {
    ...(f.kev
      ? {
          knownExploited: true,
          kevDateAdded: f.kev.dateAdded,
          kevDueDate: f.kev.dueDate,
          kevKnownRansomwareCampaignUse: f.kev.knownRansomwareCampaignUse,
          kevRequiredAction: f.kev.requiredAction,
        }
      : {}),
    ...(f.epss ? { epssScore: f.epss.score, epssPercentile: f.epss.percentile } : {}),
  };
}

export function renderSarif(report: Report, opts: FormatOptions): string {
  const findings = flattenFindings(report).slice(0, MAX_RESULTS);
  const rules = new Map<string, Record<string, unknown>>();
  for (const f of findings) if (!rules.has(f.ruleId)) rules.set(f.ruleId, rule(f));
  const ruleIndex = new Map([...rules.keys()].map((k, i) => [k, i]));
  const results = findings.map((f) => ({
    ruleId: f.ruleId,
    ruleIndex: ruleIndex.get(f.ruleId)!,
    level: LEVEL[f.severity],
    message: { text: clip(f.message, 4000) },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: encodeURI(f.path || report.artifactName), uriBaseId: 'ROOTPATH' },
          region: { startLine: f.startLine, startColumn: 1, endLine: f.endLine, endColumn: 1 },
        },
        message: { text: report.artifactName },
      },
    ],
    partialFingerprints: { primaryLocationLineHash: createHash('sha256').update(f.key).digest('hex').slice(0, 32) },
    ...(exploitProperties(f) ? { properties: exploitProperties(f) } : {}),
  }));
  const doc = {
    $schema: 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: opts.toolName,
            version: opts.toolVersion,
            fullName: `${opts.toolName} container scanner`,
            rules: [...rules.values()],
          },
        },
        results,
        columnKind: 'utf16CodeUnits',
        originalUriBaseIds: { ROOTPATH: { uri: 'file:///' } },
        properties: {
          imageName: report.artifactName,
          imageId: report.metadata.imageId ?? '',
          repoTags: report.metadata.repoTags,
          repoDigests: report.metadata.repoDigests,
        },
      },
    ],
  };
  return JSON.stringify(doc, null, 2) + '\n';
}
