/**
 * `--format asff`: the AWS Security Finding Format, one finding per
 * vulnerability, as a JSON array (what `aws securityhub batch-import-findings
 * --findings file://…` takes, and what Trivy's contrib/asff.tpl writes).
 * Field shapes and bounds follow the ASFF syntax reference
 * (https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-findings-format-syntax.html)
 * and the API's AwsSecurityFinding shape: Title ≤ 256 characters,
 * Description ≤ 1024, Id and GeneratorId ≤ 512, at most 10 reference URLs,
 * Severity by Label (Normalized is deprecated). Unlike the template, the
 * ProductArn is the account's own `product/<account>/default` (the
 * integration any account can import into), and a finding's Id is stable
 * across scans of the same repository, so a re-import updates it and a
 * finding imported with RecordState ARCHIVED (fixed since) is resolved:
 * Security Hub sets Workflow.Status to RESOLVED when a finding is archived.
 */
import { createHash } from 'node:crypto';
import type { Report } from '../../model/report.js';
import { UserError } from '../../util/errors.js';
import { renderJson } from './json.js';
import type { JsonReport, JsonVulnerability } from './json-layout.js';

export interface AsffTarget {
  accountId: string;
  region: string;
  partition?: string;
  /** ProductName on every finding (the provider's findings_filter.ProductName). */
  productName?: string;
  /** ISO time for UpdatedAt (default: now). */
  now?: string;
}

const LABEL: Record<string, string> = { CRITICAL: 'CRITICAL', HIGH: 'HIGH', MEDIUM: 'MEDIUM', LOW: 'LOW' };

const clip = (s: string, max: number): string => (s.length <= max ? s : `${s.slice(0, max - 2)} …`);

/** The image a report is about, as Security Hub's Container resource names it. */
function imageName(report: JsonReport): string {
  const tags = (report.Metadata['RepoTags'] as string[] | undefined) ?? [];
  return tags[0] ?? report.ArtifactName;
}

/** The repository part of the image name: the finding's identity survives a new tag. */
function repository(name: string): string {
  const noDigest = name.split('@')[0]!;
  const colon = noDigest.lastIndexOf(':');
  return colon > noDigest.lastIndexOf('/') ? noDigest.slice(0, colon) : noDigest;
}

export function asffFindingId(
  report: JsonReport,
  target: string,
  v: Pick<JsonVulnerability, 'VulnerabilityID' | 'PkgName'>,
): string {
  const image = imageName(report);
  const repo = repository(image);
  // An OS result's target names the image with its tag (`app:1.2 (debian 12.8)`): without it, ids survive a new tag.
  const key = [repo, target.split(image).join(repo), v.VulnerabilityID, v.PkgName].join('\0');
  return `customs/${createHash('sha256').update(key).digest('hex').slice(0, 40)}`;
}

function cvssList(v: JsonVulnerability): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const cvss = (v['CVSS'] ?? {}) as Record<string, Record<string, unknown>>;
  for (const [source, c] of Object.entries(cvss)) {
    if (typeof c['V3Vector'] === 'string' && typeof c['V3Score'] === 'number')
      out.push({
        Version: String(c['V3Vector']).startsWith('CVSS:3.0') ? '3.0' : '3.1',
        BaseScore: c['V3Score'],
        BaseVector: c['V3Vector'],
        Source: source,
      });
    if (typeof c['V2Vector'] === 'string' && typeof c['V2Score'] === 'number')
      out.push({ Version: '2.0', BaseScore: c['V2Score'], BaseVector: c['V2Vector'], Source: source });
  }
  return out;
}

function finding(
  report: JsonReport,
  target: string,
  v: JsonVulnerability,
  t: AsffTarget,
  state: 'ACTIVE' | 'ARCHIVED',
): Record<string, unknown> {
  const partition = t.partition ?? 'aws';
  const image = imageName(report);
  const refs = [
    ...new Set(
      [v['PrimaryURL'], ...((v['References'] as unknown[]) ?? [])].filter(
        (u): u is string => typeof u === 'string' && /^https?:\/\//.test(u) && u.length <= 1024,
      ),
    ),
  ];
  const label = LABEL[v.Severity] ?? 'INFORMATIONAL';
  const url = typeof v['PrimaryURL'] === 'string' && /^https?:\/\//.test(v['PrimaryURL']) ? v['PrimaryURL'] : undefined;
  return {
    SchemaVersion: '2018-10-08',
    Id: asffFindingId(report, target, v),
    ProductArn: `arn:${partition}:securityhub:${t.region}:${t.accountId}:product/${t.accountId}/default`,
    ProductName: t.productName ?? 'customs',
    CompanyName: 'customs',
    GeneratorId: clip(`customs/${v.VulnerabilityID}`, 512),
    AwsAccountId: t.accountId,
    Types: ['Software and Configuration Checks/Vulnerabilities/CVE'],
    CreatedAt: new Date(report.CreatedAt).toISOString(),
    UpdatedAt: t.now ?? new Date().toISOString(),
    Severity: { Label: label, Original: v.Severity },
    Title: clip(`${v.VulnerabilityID} in ${v.PkgName} ${v.InstalledVersion}`, 256),
    Description: clip(v.Description || v.Title || v.VulnerabilityID, 1024),
    Remediation: {
      Recommendation: {
        Text: clip(
          v.FixedVersion ? `Upgrade ${v.PkgName} to ${v.FixedVersion}` : `No fixed version of ${v.PkgName} yet`,
          512,
        ),
        ...(url ? { Url: url } : {}),
      },
    },
    ProductFields: Object.fromEntries(
      Object.entries({
        'Product Name': 'customs',
        'customs/Target': target,
        'customs/PkgName': v.PkgName,
        'customs/InstalledVersion': v.InstalledVersion,
        'customs/FixedVersion': v.FixedVersion ?? '',
      })
        .filter(([, x]) => x)
        .map(([k, x]) => [k, clip(x, 2048)]),
    ),
    Resources: [
      {
        Type: 'Container',
        Id: clip(image, 512),
        Partition: partition,
        Region: t.region,
        Details: {
          Container: {
            ImageName: clip(image, 512),
            ...(typeof report.Metadata['ImageID'] === 'string' ? { ImageId: report.Metadata['ImageID'] } : {}),
          },
        },
      },
    ],
    Vulnerabilities: [
      {
        Id: v.VulnerabilityID,
        VulnerablePackages: [
          {
            Name: v.PkgName,
            Version: v.InstalledVersion,
            ...(v.FixedVersion ? { FixedInVersion: v.FixedVersion } : {}),
            ...(typeof v.PkgPath === 'string' ? { FilePath: v.PkgPath } : {}),
          },
        ],
        ...(cvssList(v).length ? { Cvss: cvssList(v) } : {}),
        ...(refs.length ? { ReferenceUrls: refs.slice(0, 10) } : {}),
        FixAvailable: v.FixedVersion ? 'YES' : 'NO',
        ...(v['KEV'] ? { ExploitAvailable: 'YES' } : {}),
      },
    ],
    RecordState: state,
  };
}

function eachVulnerability(report: JsonReport): { target: string; v: JsonVulnerability }[] {
  return (report.Results ?? []).flatMap((r) => (r.Vulnerabilities ?? []).map((v) => ({ target: r.Target, v })));
}

/**
 * The report's findings in ASFF, active; with `fixedSince` (an earlier
 * report of the same repository), its findings no longer present follow,
 * archived.
 */
export function asffFindings(report: JsonReport, t: AsffTarget, fixedSince?: JsonReport): Record<string, unknown>[] {
  const now = t.now ?? new Date().toISOString();
  const current = eachVulnerability(report).map(({ target, v }) => finding(report, target, v, { ...t, now }, 'ACTIVE'));
  if (!fixedSince) return current;
  const ids = new Set(current.map((f) => f['Id']));
  const gone = eachVulnerability(fixedSince)
    .filter(({ target, v }) => !ids.has(asffFindingId(report, target, v)))
    .map(({ target, v }) => finding(fixedSince, target, v, { ...t, now }, 'ARCHIVED'));
  return [...current, ...gone];
}

export function renderAsff(report: Report, t: AsffTarget): string {
  const json = JSON.parse(renderJson(report, { listAllPkgs: false })) as JsonReport;
  return JSON.stringify(asffFindings(json, t), null, 2) + '\n';
}

/**
 * The account and region findings are filed under, from the environment as
 * Trivy's template reads them (AWS_ACCOUNT_ID, AWS_REGION, else
 * AWS_DEFAULT_REGION); checked, so a scan fails before its work, not after.
 */
export function asffTargetFromEnv(env: NodeJS.ProcessEnv): AsffTarget {
  const accountId = env['AWS_ACCOUNT_ID'] ?? '';
  const region = env['AWS_REGION'] || env['AWS_DEFAULT_REGION'] || '';
  if (!/^\d{12}$/.test(accountId))
    throw new UserError('--format asff needs AWS_ACCOUNT_ID', 'set it to the 12-digit account the findings belong to');
  if (!/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/.test(region))
    throw new UserError(
      '--format asff needs AWS_REGION (or AWS_DEFAULT_REGION)',
      'set it to the region to file findings in, e.g. us-west-2',
    );
  return {
    accountId,
    region,
    partition: region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws',
  };
}
