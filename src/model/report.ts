/**
 * The one report model every formatter renders. Policies act on it; formatters
 * only render it. Field meanings follow Trivy's JSON report (SchemaVersion 2)
 * so the `json` format can keep Trivy's layout one to one.
 */
import type { OSInfo } from './os.js';
import type { LayerRef, Package } from './package.js';
import type { ImageConfig } from './image-config.js';
import type { ApplicationOf } from './artifact.js';
import type { SignatureVerification } from './signature.js';

export type Severity = 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW' | 'UNKNOWN';
export const SEVERITIES: readonly Severity[] = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'];

export type ResultClass = 'os-pkgs' | 'lang-pkgs' | 'secret' | 'config' | 'license' | 'license-file' | 'custom';

export type VulnStatus =
  'fixed' | 'affected' | 'will_not_fix' | 'fix_deferred' | 'end_of_life' | 'under_investigation' | 'unknown';

export interface CvssScore {
  /** Source of the vector (`osv`, `debian`, `nvd`, …). */
  source: string;
  version: '2.0' | '3.0' | '3.1' | '4.0';
  vector: string;
  score: number;
}

export interface MatchReason {
  /** The advisory that matched. */
  advisoryId: string;
  /** OSV `affected[].package.ecosystem` of the entry that matched. */
  ecosystem: string;
  /** Human-readable range (`>=0, <1.2.3`) or `version list`. */
  range: string;
}

export interface Vulnerability {
  /** Primary id: the CVE when there is one, else the advisory id. */
  id: string;
  /** Every id this finding carries (advisory ids, aliases, upstream). */
  aliases: string[];
  pkgName: string;
  pkgId: string;
  pkgPath?: string;
  /** Every path the package was seen at when more than one (its `foundIn`): ignore rules by path match any of them. */
  pkgPaths?: string[];
  purl: string;
  installedVersion: string;
  fixedVersion?: string;
  status: VulnStatus;
  severity: Severity;
  /** Where the severity came from (`debian`, `osv-cvss`, `cve-cvss3`, …). */
  severitySource: string;
  cvss: CvssScore[];
  title?: string;
  description?: string;
  primaryUrl?: string;
  references: string[];
  publishedDate?: string;
  lastModifiedDate?: string;
  layer?: LayerRef;
  matchedBy: MatchReason[];
  /** VEX `under_investigation` (or `affected`) note kept on the finding. */
  vexStatus?: string;
  /** Set when a language package owned by an OS package was matched (`--match-os-owned`). */
  osOwned?: boolean;
  /** CISA's KEV catalog lists the CVE (or an alias): known to be exploited in the wild. */
  kev?: { dateAdded: string; knownRansomwareCampaignUse: string; requiredAction: string; dueDate: string };
  /** FIRST's EPSS: probability of exploitation in the next 30 days, and its percentile among all CVEs. */
  epss?: { score: number; percentile: number };
}

/** Packages of a result that no advisory could speak for: their ecosystem has none in the database. */
export interface Unchecked {
  /** `Maven`, `Debian:14`… */
  ecosystem: string;
  packages: number;
  reason: string;
}

export interface SecretFinding {
  ruleId: string;
  category: string;
  severity: Severity;
  title: string;
  startLine: number;
  endLine: number;
  /** The matched line with the secret masked. Never the clear value. */
  match: string;
  layer?: LayerRef;
  /** True when the file is deleted in a later layer (still recoverable from this one). */
  deleted?: boolean;
}

export interface Misconfiguration {
  id: string;
  avdId?: string;
  title: string;
  description: string;
  message: string;
  resolution: string;
  severity: Severity;
  status: 'FAIL' | 'PASS';
  references: string[];
  cause?: { startLine: number; endLine: number; snippet?: string };
  layer?: LayerRef;
}

export interface LicenseFinding {
  pkgName?: string;
  filePath?: string;
  name: string;
  category: string;
  severity: Severity;
  confidence?: number;
}

/** A finding a decision took out of the report: kept countable, with the rule or statement that did it. */
export interface Suppression {
  kind: 'vulnerability' | 'secret' | 'misconfiguration';
  /** Finding id (vulnerability id, secret rule id, check id). */
  id: string;
  pkgName?: string;
  installedVersion?: string;
  severity: Severity;
  /** `ignore` for an ignore-file rule, `vex` for a VEX statement. */
  by: 'ignore' | 'vex';
  /** The VEX status or `ignored`. */
  status: string;
  /** The file the rule came from, and its statement or justification. */
  source: string;
  statement?: string;
}

export interface Result {
  target: string;
  class: ResultClass;
  type: string;
  packages?: Package[];
  vulnerabilities?: Vulnerability[];
  secrets?: SecretFinding[];
  misconfigurations?: Misconfiguration[];
  licenses?: LicenseFinding[];
  /** Findings suppressed by ignore rules or VEX (shown with --show-suppressed). */
  suppressed?: Suppression[];
  /** Packages that could not be checked for vulnerabilities, per ecosystem. */
  unchecked?: Unchecked[];
}

export interface ReportMetadata {
  os?: OSInfo;
  imageId?: string;
  diffIds: string[];
  repoTags: string[];
  repoDigests: string[];
  /** The manifest digest and a bare OCI tag, for the image's identity in SBOMs (see report/image-identity.ts); not in the JSON report. */
  manifestDigest?: string;
  refName?: string;
  imageConfig?: ImageConfig;
  size?: number;
  /** A scanned git repository (Trivy's RepoURL, Branch, Commit). */
  repository?: { url?: string; branch?: string; commit?: string };
  /** The container scanned (`customs container`): its writable layer is the image's last layer. */
  container?: { id: string; name: string; image: string; imageId: string; startedAt?: string; engine: string };
  /** The cosign signature verification asked with --verify-key. */
  signatures?: SignatureVerification;
}

export interface Report {
  schemaVersion: 2;
  createdAt: string;
  artifactName: string;
  artifactType: 'container_image' | 'filesystem' | 'repository' | 'sbom';
  metadata: ReportMetadata;
  results: Result[];
  /** Applications of the image's projects, each with the project directory its packages belong to (SBOM formats). */
  applications?: ApplicationOf[];
  /** Problems met during the scan that did not stop it. */
  warnings: string[];
  /** Security gates from the config file: each with its limit, count and verdict. */
  gates?: { gate: string; limit: number | string; count: number | string; pass: boolean }[];
}
