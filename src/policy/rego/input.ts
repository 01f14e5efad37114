/**
 * The documents a policy reads as `input` (schema/policy-input/*.json): for a
 * scan, the finished report flattened into the fields the seed policies and
 * Conftest users expect (`input.image`, `input.config.User`,
 * `input.vulnerabilities[].severity`, …). Secrets carry only their masked match.
 */
import type { ImageConfig } from '../../model/image-config.js';
import type { Report } from '../../model/report.js';

export interface ScanInput {
  /** The reference or path scanned, as the report names it. */
  image: string;
  artifactType: Report['artifactType'];
  /** The OCI config's `config` section (`User`, `Env`, `Cmd`, …); `{}` when the target has no image config. */
  config: Record<string, unknown>;
  /**
   * The user the image starts as is root: `User` unset or empty (the config omits it, `docker inspect` shows
   * `""`), `root`, `0`, or `root:…`/`0:…`. False for a target without an image config.
   */
  runsAsRoot: boolean;
  os?: { family: string; name: string; eosl: boolean };
  layers: { diffId: string; createdBy?: string }[];
  vulnerabilities: {
    id: string;
    severity: string;
    pkg: string;
    installed: string;
    fixed?: string;
    status: string;
    target: string;
    kev: boolean;
    title?: string;
  }[];
  packages: { name: string; version: string; type: string; purl: string; path?: string }[];
  secrets: { target: string; ruleId: string; category: string; severity: string; title: string; line: number }[];
  misconfigurations: { target: string; id: string; severity: string; title: string; message: string }[];
  licenses: { pkg?: string; file?: string; name: string; category: string; severity: string }[];
}

/** The input document of an image, filesystem or SBOM scan. */
export function scanInput(report: Report, imageConfig: ImageConfig | undefined): ScanInput {
  const input: ScanInput = {
    image: report.artifactName,
    artifactType: report.artifactType,
    // Docker's inspect shows an unset User as "": policies written against it compare with "".
    config: imageConfig ? { User: '', ...(imageConfig.config ?? {}) } : {},
    runsAsRoot: imageConfig ? startsAsRoot(imageConfig.config?.User) : false,
    layers: layersOf(report, imageConfig),
    vulnerabilities: [],
    packages: [],
    secrets: [],
    misconfigurations: [],
    licenses: [],
  };
  const os = report.metadata.os;
  if (os) input.os = { family: os.family, name: os.name, eosl: os.eosl === true };
  for (const r of report.results) {
    for (const v of r.vulnerabilities ?? [])
      input.vulnerabilities.push({
        id: v.id,
        severity: v.severity,
        pkg: v.pkgName,
        installed: v.installedVersion,
        ...(v.fixedVersion ? { fixed: v.fixedVersion } : {}),
        status: v.status,
        target: r.target,
        kev: v.kev !== undefined,
        ...(v.title ? { title: v.title } : {}),
      });
    for (const p of r.packages ?? [])
      input.packages.push({
        name: p.name,
        version: p.version,
        type: p.type,
        purl: p.purl,
        ...(p.filePath ? { path: p.filePath } : {}),
      });
    for (const s of r.secrets ?? [])
      input.secrets.push({
        target: r.target,
        ruleId: s.ruleId,
        category: s.category,
        severity: s.severity,
        title: s.title,
        line: s.startLine,
      });
    for (const m of r.misconfigurations ?? [])
      if (m.status === 'FAIL')
        input.misconfigurations.push({
          target: r.target,
          id: m.id,
          severity: m.severity,
          title: m.title,
          message: m.message,
        });
    for (const l of r.licenses ?? [])
      input.licenses.push({
        ...(l.pkgName ? { pkg: l.pkgName } : {}),
        ...(l.filePath ? { file: l.filePath } : {}),
        name: l.name,
        category: l.category,
        severity: l.severity,
      });
  }
  return input;
}

/** Layers by diff id, each with the history step that made it (empty-layer steps skipped, as the spec pairs them). */
function layersOf(report: Report, config: ImageConfig | undefined): ScanInput['layers'] {
  const steps = (config?.history ?? []).filter((h) => !h.empty_layer);
  return report.metadata.diffIds.map((diffId, i) => {
    const createdBy = steps[i]?.created_by;
    return createdBy === undefined ? { diffId } : { diffId, createdBy };
  });
}

function startsAsRoot(user: string | undefined): boolean {
  const name = (user ?? '').split(':')[0]!.trim();
  return name === '' || name === 'root' || name === '0';
}
