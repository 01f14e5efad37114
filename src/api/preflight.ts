/**
 * Checks a scan's target before any slow work: a missing file, an archive
 * that is not an image, a `--platform` the image does not have, or a
 * container no engine runs is reported at once, not after a database build
 * or download. So are the files the request names for the decisions
 * (ignore file, VEX, secret rules): read and parsed now, since a broken one
 * would fail the scan at its end.
 */
import { statSync } from 'node:fs';
import { loadSecretConfig } from '../analyzer/secret/config-file.js';
import { loadIgnoreFile } from '../policy/ignore.js';
import { loadVex } from '../policy/vex.js';
import { openLocalImage } from '../source/archive/index.js';
import { pathSkipper } from '../layer/path-skip.js';
import { checkCloneRequest, checkGitInstalled, isRepoUrl } from '../source/git-clone.js';
import { findContainer } from '../source/engine/index.js';
import { DEFAULT_IMAGE_SOURCES } from '../source/engine/local-engine.js';
import { UserError } from '../util/errors.js';
import type { ScanRequest } from './request.js';

export async function preflightTarget(req: ScanRequest): Promise<void> {
  // A container no engine has is said at once, not after a database build (one inspect per engine asked).
  if (req.container !== undefined) await findContainer(req.container, req.imageSources ?? DEFAULT_IMAGE_SOURCES);
  if (req.input !== undefined && req.input !== '-') {
    // Opening reads only the tar headers, the index/manifest and the config: cheap next to the layers.
    const image = await openLocalImage(req.input, { platform: req.platform, maxLayers: req.limits?.maxLayers });
    await image.close();
  }
  // `-` reads the SBOM from stdin; a terminal there would wait for input that never comes.
  if (req.sbom === '-' && process.stdin.isTTY)
    throw new UserError('sbom -: standard input is a terminal', 'pipe the SBOM in: customs sbom - < sbom.json');
  pathSkipper(req.skipDirs, req.skipFiles); // a malformed glob is named now, not after the database build
  if (req.repo !== undefined && isRepoUrl(req.repo)) {
    checkCloneRequest(req.repo, req.repoRevision ?? {});
    checkGitInstalled();
  }
  if (req.fs !== undefined && !statSync(req.fs, { throwIfNoEntry: false }))
    throw new UserError(`${req.fs}: no such file or directory`, 'name a project directory or a file in one');
  for (const [path, what, wantDir] of [
    [req.sbom, 'SBOM', false],
    [req.rootfs, 'root filesystem', true],
    [req.repo !== undefined && !isRepoUrl(req.repo) ? req.repo : undefined, 'git checkout (or a repository URL)', true],
  ] as const) {
    if (path === undefined || path === '-') continue;
    const st = statSync(path, { throwIfNoEntry: false });
    if (!st) throw new UserError(`${path}: no such file or directory`, `name an existing ${what}`);
    if (st.isDirectory() !== wantDir)
      throw new UserError(`${path}: ${wantDir ? 'not a directory' : 'a directory, not a file'}`, `name a ${what}`);
  }
  checkNamedFiles(req);
}

/** The ignore file, VEX documents and secret rules the request names (not the ones looked for by default). */
function checkNamedFiles(req: ScanRequest): void {
  const named: [string | undefined, string, (f: string) => unknown][] = [
    [req.ignoreFile || undefined, '--ignorefile', loadIgnoreFile],
    [req.secretConfig, '--secret-config', loadSecretConfig],
    ...(req.vex ?? []).map((v): [string, string, (f: string) => unknown] => [v, '--vex', loadVex]),
  ];
  for (const [file, flag, load] of named) {
    if (file === undefined) continue;
    if (!statSync(file, { throwIfNoEntry: false }))
      throw new UserError(`${flag} ${file}: no such file or directory`, 'name an existing file, or drop the flag');
    load(file);
  }
}
