/**
 * customs as a library, the way another project uses it: `import { scan }
 * from 'customs'` resolved through the package's exports map (the project is
 * linked into a fresh node_modules, as `npm install <path>` does), on an
 * image made here, compared with what `customs image --input … -f json`
 * reports for the same image and database.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { scan, scanReport, render, UserError } from '../../src/index.js';
import { runCli } from '../support/cli.js';
import { ensureDb } from '../support/db.js';
import { repoRoot } from '../support/paths.js';
import { writeSmallBookwormImage } from '../support/small-image.js';

const ids = (report: { Results?: { Vulnerabilities?: { VulnerabilityID: string; PkgName: string }[] }[] }): string[] =>
  (report.Results ?? [])
    .flatMap((r) => (r.Vulnerabilities ?? []).map((v) => `${v.PkgName} ${v.VulnerabilityID}`))
    .sort();

test('import { scan } from "customs" in another project gives the report -f json writes', async (t) => {
  const db = ensureDb();
  if ('skip' in db) return t.skip(db.skip);
  const dir = mkdtempSync(join(tmpdir(), 'customs-library-'));
  try {
    const image = writeSmallBookwormImage(dir);
    const project = join(dir, 'consumer');
    mkdirSync(join(project, 'node_modules'), { recursive: true });
    symlinkSync(repoRoot, join(project, 'node_modules', 'customs'));
    writeFileSync(join(project, 'package.json'), '{"name":"consumer","type":"module","private":true}');
    writeFileSync(
      join(project, 'main.js'),
      "import { scan } from 'customs';\nconst r = await scan({ input: process.argv[2] });\nprocess.stdout.write(JSON.stringify(r));\n",
    );
    const env = { ...process.env, CUSTOMS_CACHE_DIR: db.cacheDir, CUSTOMS_DB_SOURCE: 'https://db.invalid/never-used' };
    const fromLibrary = JSON.parse(
      execFileSync(process.execPath, ['main.js', image], { cwd: project, env, encoding: 'utf8' }),
    ) as Parameters<typeof ids>[0] & { ArtifactName: string };
    const cli = await runCli(['image', '--input', image, '-f', 'json', '-q'], {
      env: { CUSTOMS_CACHE_DIR: db.cacheDir },
    });
    assert.equal(cli.code, 0, cli.stderr);
    const fromCli = JSON.parse(cli.stdout) as Parameters<typeof ids>[0];
    assert.ok(ids(fromLibrary).length > 0, 'the test image has known vulnerabilities');
    assert.deepEqual(ids(fromLibrary), ids(fromCli));
    assert.equal(fromLibrary.ArtifactName, image);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('scanReport and render: the model and any format, with a logger and progress callback', async (t) => {
  const db = ensureDb();
  if ('skip' in db) return t.skip(db.skip);
  const dir = mkdtempSync(join(tmpdir(), 'customs-library-'));
  try {
    const progress: string[] = [];
    const outcome = await scanReport({
      input: writeSmallBookwormImage(dir),
      cacheDir: db.cacheDir,
      skipDbUpdate: true,
      onProgress: (p) => progress.push(p.stage),
    });
    assert.ok(outcome.report.results.some((r) => r.vulnerabilities?.length));
    assert.ok(progress.includes('layers'));
    const sarif = render(outcome, 'sarif');
    assert.match(typeof sarif === 'string' ? sarif : [...sarif].join(''), /"version": ?"2\.1\.0"/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a request that names no target, or two, is refused before any work', async () => {
  await assert.rejects(scan({}), UserError);
  await assert.rejects(
    scan({ input: 'a.tar', image: 'alpine' }),
    /exactly one of image, input, container, rootfs, sbom, fs or repo/,
  );
});

test('an aborted signal stops the scan', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'customs-library-'));
  try {
    const controller = new AbortController();
    controller.abort(new Error('stopped by the caller'));
    await assert.rejects(
      scan({ input: writeSmallBookwormImage(dir), scanners: [], signal: controller.signal, layerCache: false }),
      /stopped by the caller/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
