/**
 * `--format json`: Trivy's JSON report layout (SchemaVersion 2), so pipelines
 * that parse Trivy's output keep working. customs' extra fields use new names
 * and never change the meaning of Trivy's. Schema: schema/report.schema.json.
 */
import type { Package } from '../../model/package.js';
import type { Report, Result, Vulnerability } from '../../model/report.js';
import { jsonChunks, Streamed } from './json-stream.js';

export interface JsonFormatOptions {
  /** Include `Packages` in every result (Trivy's `--list-all-pkgs`). */
  listAllPkgs: boolean;
  /** Include the findings ignore rules and VEX took out (`--show-suppressed`). */
  showSuppressed?: boolean;
}

type Json = Record<string, unknown>;

function prune(o: Json): Json {
  for (const k of Object.keys(o)) {
    const v = o[k];
    if (
      v === undefined ||
      v === '' ||
      (Array.isArray(v) && v.length === 0) ||
      (v instanceof Streamed && v.items.length === 0)
    )
      delete o[k];
  }
  return o;
}

function layerJson(l: Package['layer']): Json | undefined {
  return l ? prune({ Digest: l.digest, DiffID: l.diffId, CreatedBy: l.createdBy }) : undefined;
}

export function packageJson(p: Package): Json {
  return prune({
    ID: `${p.name}@${p.version}`,
    Name: p.name,
    // No purl when nothing in the package's metadata gives one (a jar without Maven metadata names no group).
    Identifier: p.purl ? { PURL: p.purl } : undefined,
    Version: p.version,
    Arch: p.arch,
    SrcName: p.srcName,
    SrcVersion: p.srcVersion,
    Licenses: p.licenses,
    Maintainer: p.maintainer,
    Dev: p.dev || undefined,
    DependsOn: p.dependsOn,
    Layer: layerJson(p.layer),
    FilePath: p.filePath,
    FoundIn: p.foundIn,
    Origin: p.origin,
    OwnedBy: p.ownedBy,
    IdentifiedBy: p.identifiedBy,
  });
}

function vulnerabilityJson(v: Vulnerability): Json {
  const cvss: Json = {};
  for (const c of v.cvss) {
    const entry = (cvss[c.source] ??= {}) as Json;
    if (c.version === '2.0') {
      entry['V2Vector'] = c.vector;
      entry['V2Score'] = c.score;
    } else if (c.version === '4.0') {
      entry['V40Vector'] = c.vector;
      entry['V40Score'] = c.score;
    } else {
      entry['V3Vector'] = c.vector;
      entry['V3Score'] = c.score;
    }
  }
  return prune({
    VulnerabilityID: v.id,
    VendorIDs: v.aliases.filter((a) => a !== v.id),
    PkgID: v.pkgId,
    PkgName: v.pkgName,
    PkgPath: v.pkgPath,
    PkgIdentifier: v.purl ? { PURL: v.purl } : undefined,
    InstalledVersion: v.installedVersion,
    FixedVersion: v.fixedVersion,
    Status: v.status,
    Layer: layerJson(v.layer),
    SeveritySource: v.severitySource,
    PrimaryURL: v.primaryUrl,
    Title: v.title,
    Description: v.description,
    Severity: v.severity,
    CVSS: Object.keys(cvss).length ? cvss : undefined,
    References: v.references,
    PublishedDate: v.publishedDate,
    LastModifiedDate: v.lastModifiedDate,
    MatchedBy: v.matchedBy.map((m) => ({ AdvisoryID: m.advisoryId, Ecosystem: m.ecosystem, Range: m.range })),
    VEXStatus: v.vexStatus,
    OSOwned: v.osOwned || undefined,
    KEV: v.kev
      ? prune({
          DateAdded: v.kev.dateAdded,
          KnownRansomwareCampaignUse: v.kev.knownRansomwareCampaignUse,
          RequiredAction: v.kev.requiredAction,
          DueDate: v.kev.dueDate,
        })
      : undefined,
    EPSS: v.epss ? { Score: v.epss.score, Percentile: v.epss.percentile } : undefined,
  });
}

function resultJson(r: Result, opts: JsonFormatOptions): Json {
  return prune({
    Target: r.target,
    Class: r.class,
    Type: r.type,
    Packages: opts.listAllPkgs && r.packages ? new Streamed(r.packages, packageJson) : undefined,
    Vulnerabilities: r.vulnerabilities ? new Streamed(r.vulnerabilities, vulnerabilityJson) : undefined,
    Secrets: r.secrets?.map((s) =>
      prune({
        RuleID: s.ruleId,
        Category: s.category,
        Severity: s.severity,
        Title: s.title,
        StartLine: s.startLine,
        EndLine: s.endLine,
        Match: s.match,
        Layer: layerJson(s.layer),
        Deleted: s.deleted || undefined,
      }),
    ),
    Misconfigurations: r.misconfigurations?.map((m) =>
      prune({
        Type: r.type,
        ID: m.id,
        AVDID: m.avdId,
        Title: m.title,
        Description: m.description,
        Message: m.message,
        Resolution: m.resolution,
        Severity: m.severity,
        Status: m.status,
        References: m.references,
        CauseMetadata: m.cause
          ? prune({
              StartLine: m.cause.startLine,
              EndLine: m.cause.endLine,
              Code: m.cause.snippet ? { Lines: m.cause.snippet } : undefined,
            })
          : undefined,
        Layer: layerJson(m.layer),
      }),
    ),
    Suppressed: opts.showSuppressed
      ? r.suppressed?.map((x) =>
          prune({
            Type: x.kind,
            ID: x.id,
            PkgName: x.pkgName,
            InstalledVersion: x.installedVersion,
            Severity: x.severity,
            SuppressedBy: x.by,
            Status: x.status,
            Source: x.source,
            Statement: x.statement,
          }),
        )
      : undefined,
    Unchecked: r.unchecked?.map((u) => ({ Ecosystem: u.ecosystem, Packages: u.packages, Reason: u.reason })),
    Licenses: r.licenses?.map((l) =>
      prune({
        Severity: l.severity,
        Category: l.category,
        PkgName: l.pkgName,
        FilePath: l.filePath,
        Name: l.name,
        Confidence: l.confidence,
      }),
    ),
  });
}

/** The report as JSON text, written a piece at a time (see json-stream.ts). */
export function* renderJsonChunks(report: Report, opts: JsonFormatOptions): Generator<string> {
  const md = report.metadata;
  const doc = {
    SchemaVersion: report.schemaVersion,
    CreatedAt: report.createdAt,
    ArtifactName: report.artifactName,
    ArtifactType: report.artifactType,
    Metadata: prune({
      OS: md.os ? prune({ Family: md.os.family, Name: md.os.name, EOSL: md.os.eosl || undefined }) : undefined,
      ImageID: md.imageId,
      DiffIDs: md.diffIds,
      RepoTags: md.repoTags,
      RepoDigests: md.repoDigests,
      ImageConfig: md.imageConfig,
      RepoURL: md.repository?.url,
      Branch: md.repository?.branch,
      Commit: md.repository?.commit,
      // An extra field (see schema/report.schema.json): which container `customs container` read.
      Container: md.container
        ? prune({
            ID: md.container.id,
            Name: md.container.name,
            Image: md.container.image,
            ImageID: md.container.imageId,
            StartedAt: md.container.startedAt,
            Engine: md.container.engine,
          })
        : undefined,
      // An extra field: the cosign signature verification --verify-key asked for.
      Signatures: md.signatures,
    }),
    Results: new Streamed(report.results, (r) => resultJson(r, opts), true),
    ...(report.gates
      ? { Gates: report.gates.map((g) => ({ Gate: g.gate, Limit: g.limit, Count: g.count, Pass: g.pass })) }
      : {}),
  };
  yield* jsonChunks(doc);
  yield '\n';
}

export function renderJson(report: Report, opts: JsonFormatOptions): string {
  return [...renderJsonChunks(report, opts)].join('');
}
