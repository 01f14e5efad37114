/**
 * Issue 17 items 2 and 7: `-o FORMAT` as Syft and Grype mean it (and
 * `--file`), Go templates named as such, and every flag error one line
 * before any database work. Runs the real CLI on a tiny image written here,
 * with a cache and a database source that fail loudly if touched.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runCli } from '../support/cli.js';
import { writeSmallBookwormImage } from '../support/small-image.js';

const dir = mkdtempSync(join(tmpdir(), 'customs-output-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const image = writeSmallBookwormImage(dir);
const inventory = ['image', '--input', image, '--scanners', 'none', '--list-all-pkgs'];

function noDbEnv(): Record<string, string> {
  return { CUSTOMS_CACHE_DIR: mkdtempSync(join(dir, 'cache-')), CUSTOMS_DB_SOURCE: 'https://db.invalid/never-used' };
}

/** A fresh working directory, so that no file can be written unseen. */
const workdir = (): string => mkdtempSync(join(dir, 'cwd-'));

test('-o json is the format, as in grype: the report on stdout, no file named json', async () => {
  const cwd = workdir();
  const run = await runCli([...inventory, '-o', 'json'], { cwd, env: noDbEnv() });
  assert.equal(run.code, 0, run.stderr);
  assert.equal((JSON.parse(run.stdout) as { SchemaVersion: number }).SchemaVersion, 2);
  assert.deepEqual(readdirSync(cwd), []);
  assert.match(run.stderr, /-o json: read as --format json.*use -o \.\/json/);
  assert.equal(run.stderr.trim().split('\n').length, 1, 'one note');
});

test("syft's -o spdx-json --file sbom.json and -o cyclonedx-json=FILE write those files", async () => {
  const cwd = workdir();
  const spdx = await runCli([...inventory, '-o', 'spdx-json', '--file', 'sbom.json', '-q'], { cwd, env: noDbEnv() });
  assert.equal(spdx.code, 0, spdx.stderr);
  assert.equal(spdx.stdout, '');
  assert.match(readFileSync(join(cwd, 'sbom.json'), 'utf8'), /"spdxVersion": ?"SPDX-2\.3"/);
  const cdx = await runCli([...inventory, '-o', 'cyclonedx-json=bom.cdx.json', '-q'], { cwd, env: noDbEnv() });
  assert.equal(cdx.code, 0, cdx.stderr);
  assert.match(readFileSync(join(cwd, 'bom.cdx.json'), 'utf8'), /"bomFormat": ?"CycloneDX"/);
  assert.deepEqual(readdirSync(cwd).sort(), ['bom.cdx.json', 'sbom.json']);
});

test("Trivy's -o FILE stays a file; a path is how to name a file like a format", async () => {
  const cwd = workdir();
  const file = await runCli([...inventory, '-f', 'json', '-o', 'report.json', '-q'], { cwd, env: noDbEnv() });
  assert.equal(file.code, 0, file.stderr);
  assert.ok(existsSync(join(cwd, 'report.json')));
  const named = await runCli([...inventory, '-f', 'json', '-o', './json', '-q'], { cwd, env: noDbEnv() });
  assert.equal(named.code, 0, named.stderr);
  assert.equal(named.stdout, '');
  assert.ok(existsSync(join(cwd, 'json')));
  // TRIVY_OUTPUT means a file, as it does for Trivy, whatever its name.
  const fromEnv = await runCli([...inventory, '-f', 'json', '-q'], {
    cwd,
    env: { ...noDbEnv(), TRIVY_OUTPUT: 'table' },
  });
  assert.equal(fromEnv.code, 0, fromEnv.stderr);
  assert.ok(existsSync(join(cwd, 'table')));
});

/** Runs customs expecting a one-line error before any database work. */
async function failsAtOnce(args: string[], env: Record<string, string> = {}): Promise<string> {
  const e = noDbEnv();
  const run = await runCli(args, { cwd: workdir(), env: { ...e, ...env } });
  assert.notEqual(run.code, 0, run.stdout);
  assert.doesNotMatch(run.stderr, /db\.invalid/);
  assert.deepEqual(readdirSync(e.CUSTOMS_CACHE_DIR!), [], 'nothing built');
  // Commander's own errors add its usual hint line.
  const lines = run.stderr
    .trim()
    .split('\n')
    .filter((l) => l !== '(run with --help for usage)');
  assert.equal(lines.length, 1, run.stderr);
  return lines[0]!;
}

test('conflicting and unknown formats are one-line errors', async () => {
  assert.match(
    await failsAtOnce([...inventory, '-o', 'json', '-f', 'table']),
    /names the format json.*--format names table/,
  );
  assert.match(await failsAtOnce([...inventory, '-o', 'syft-json']), /Syft\/Grype format customs does not write/);
  assert.match(await failsAtOnce([...inventory, '-f', 'xml']), /argument 'xml' is invalid/);
  assert.match(await failsAtOnce([...inventory], { CUSTOMS_FORMAT: 'xml' }), /CUSTOMS_FORMAT: "xml" is not one of/);
  const config = join(dir, 'xml.yaml');
  writeFileSync(config, 'format: xml\n');
  assert.match(await failsAtOnce([...inventory, '--config', config]), /xml\.yaml: format: unknown format "xml"/);
  assert.match(await failsAtOnce([...inventory, '-o', 'report.json', '--file', 'x.json']), /both name the output file/);
});

test("Go templates get one line naming Handlebars and the built-in formats that replace Trivy's contrib ones", async () => {
  const gitlab = await failsAtOnce([...inventory, '-f', 'template', '--template', '@contrib/gitlab.tpl']);
  assert.match(gitlab, /Go template \(Trivy's\); customs templates are Handlebars/);
  assert.match(gitlab, /gitlab\.tpl: use -f gitlab/);
  const html = await failsAtOnce([
    ...inventory,
    '-f',
    'template',
    '--template',
    '@/usr/local/share/trivy/templates/html.tpl',
  ]);
  assert.match(html, /html\.tpl: use -f html/);
  const tpl = join(dir, 'mine.tpl');
  writeFileSync(tpl, '{{- range . }}{{ .Target }}{{ end }}\n');
  assert.match(await failsAtOnce([...inventory, '-f', 'template', '--template', `@${tpl}`]), /Handlebars.*-f junit/);
  const inline = await failsAtOnce([
    ...inventory,
    '-f',
    'template',
    '--template',
    '{{ range . }}{{ .Target }}{{ end }}',
  ]);
  assert.match(inline, /the --template text is a Go template/);
});

test('-f template without --template, a broken template, and unwritable outputs fail before the scan', async () => {
  assert.match(await failsAtOnce([...inventory, '-f', 'template']), /needs --template/);
  const broken = await failsAtOnce([...inventory, '-f', 'template', '--template', '{{#each Results}}{{Target}}']);
  assert.match(broken, /^customs: error: template: Parse error on line 1: Expecting .*fix the Handlebars template/);
  assert.match(
    await failsAtOnce([...inventory, '-f', 'json', '-o', join(dir, 'no', 'such', 'dir', 'r.json')]),
    /no directory .*create it first/,
  );
  const outDir = join(dir, 'a-dir');
  mkdirSync(outDir);
  assert.match(await failsAtOnce([...inventory, '-o', outDir]), /a directory/);
});

test('files named for the decisions are read before the scan', async () => {
  assert.match(
    await failsAtOnce([...inventory, '--ignorefile', join(dir, 'nope')]),
    /--ignorefile .*nope: no such file/,
  );
  assert.match(await failsAtOnce([...inventory, '--vex', join(dir, 'nope.json')]), /--vex .*no such file/);
  assert.match(await failsAtOnce([...inventory, '--secret-config', join(dir, 'nope.yaml')]), /--secret-config/);
  assert.match(await failsAtOnce(['image', '--input', image, 'alpine:3.20']), /either an image reference or --input/);
  assert.match(await failsAtOnce([...inventory, '--exit-code', 'one']), /--exit-code must be a non-negative integer/);
});
