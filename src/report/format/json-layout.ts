/**
 * The shape of `--format json` (Trivy's SchemaVersion 2 layout plus
 * customs' own fields), for programs that read the report as an object.
 * schema/report.schema.json is the full contract; these types name the
 * parts programs reach for and leave the rest open.
 */
export interface JsonLayer {
  Digest?: string;
  DiffID?: string;
  CreatedBy?: string;
}

export interface JsonPackage {
  ID: string;
  Name: string;
  Version: string;
  Identifier?: { PURL?: string };
  SrcName?: string;
  SrcVersion?: string;
  Licenses?: string[];
  Layer?: JsonLayer;
  FilePath?: string;
  [field: string]: unknown;
}

export interface JsonVulnerability {
  VulnerabilityID: string;
  PkgName: string;
  InstalledVersion: string;
  FixedVersion?: string;
  Status?: string;
  Severity: string;
  Title?: string;
  Description?: string;
  PkgIdentifier?: { PURL?: string };
  Layer?: JsonLayer;
  [field: string]: unknown;
}

export interface JsonResult {
  Target: string;
  Class: string;
  Type?: string;
  Packages?: JsonPackage[];
  Vulnerabilities?: JsonVulnerability[];
  Secrets?: Record<string, unknown>[];
  Misconfigurations?: Record<string, unknown>[];
  Licenses?: Record<string, unknown>[];
  Suppressed?: Record<string, unknown>[];
  [field: string]: unknown;
}

export interface JsonReport {
  SchemaVersion: number;
  CreatedAt: string;
  ArtifactName: string;
  ArtifactType: string;
  Metadata: Record<string, unknown>;
  Results?: JsonResult[];
  Gates?: { Gate: string; Limit: number | string; Count: number | string; Pass: boolean }[];
  [field: string]: unknown;
}
