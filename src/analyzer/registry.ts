/**
 * Every analyzer customs runs, registered in one place. Adding an ecosystem
 * means adding its analyzer here; scanners pick the ones they need.
 */
import type { OsSupport } from '../model/artifact.js';
import type { ScannerName } from '../model/scanners.js';
import { apkAnalyzer } from './os/apk.js';
import { rpmAnalyzer } from './os/rpm.js';
import { dpkgCopyrightAnalyzer } from './os/dpkg-copyright.js';
import { dpkgFilesAnalyzer, dpkgStatusAnalyzer } from './os/dpkg.js';
import { eolInfo } from './os/eol.js';
import { osPackagePurl } from './os/os-purl.js';
import { osReleaseAnalyzer, resolveOS } from './os/release.js';
import { dotnetAnalyzers } from './lang/dotnet/dotnet.js';
import { goAnalyzers } from './lang/go/index.js';
import { javaAnalyzers } from './lang/java/index.js';
import { npmAnalyzers } from './lang/npm/index.js';
import { phpAnalyzers } from './lang/php/index.js';
import { pythonAnalyzers } from './lang/python/index.js';
import { rubyAnalyzers } from './lang/ruby/index.js';
import { rustAnalyzers } from './lang/rust/index.js';
import { configFileAnalyzer } from './config/config-file.js';
import { projectManifestAnalyzer } from './project/manifest.js';
import { makeSecretAnalyzer, secretAnalyzer, type SecretStats } from './secret/analyzer.js';
import type { SecretConfig } from './secret/config-file.js';
import type { Analyzer } from './types.js';

/** Analyzers that build the inventory; they run whatever the scanners. */
export const inventoryAnalyzers: readonly Analyzer[] = [
  osReleaseAnalyzer,
  dpkgStatusAnalyzer,
  dpkgFilesAnalyzer,
  dpkgCopyrightAnalyzer,
  apkAnalyzer,
  rpmAnalyzer,
  ...npmAnalyzers,
  ...pythonAnalyzers,
  ...goAnalyzers,
  ...javaAnalyzers,
  ...rubyAnalyzers,
  ...rustAnalyzers,
  ...phpAnalyzers,
  ...dotnetAnalyzers,
  projectManifestAnalyzer,
];

export interface AnalyzerOptions {
  secretConfig?: SecretConfig;
  secretStats?: SecretStats;
  /** Keep configuration files for the misconfiguration checks (directory targets: fs, repo, rootfs). */
  configFiles?: boolean;
}

export function analyzersFor(scanners: readonly ScannerName[], opts: AnalyzerOptions = {}): Analyzer[] {
  const list = [...inventoryAnalyzers];
  if (scanners.includes('secret'))
    list.push(
      opts.secretConfig || opts.secretStats ? makeSecretAnalyzer(opts.secretConfig, opts.secretStats) : secretAnalyzer,
    );
  if (scanners.includes('misconfig') && opts.configFiles) list.push(configFileAnalyzer);
  return list;
}

export const osSupport: OsSupport = { resolveOS, osPackagePurl, eolInfo };
