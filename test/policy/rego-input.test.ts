/**
 * The policy input documents match their published schemas
 * (schema/policy-input/*.json): the input of a real polyglot scan (secrets,
 * misconfigurations and licenses on), and every document of the config
 * fixtures (test/fixtures/config: Dockerfiles, a Deployment, a Pod, Compose).
 * Also Conftest's Dockerfile shape on a small Dockerfile written here.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, test } from 'node:test';
import { scanReport } from '../../src/api/scan.js';
import { configInputs, dockerfileCommands } from '../../src/policy/rego/config-input.js';
import { scanInput } from '../../src/policy/rego/input.js';
import { makeAjv } from '../../src/report/validate.js';
import { ensureDb } from '../support/db.js';
import { ensureImages, imageForms } from '../support/images.js';
import { fixture, repoRoot } from '../support/paths.js';

function validator(name: string): (doc: unknown) => string | undefined {
  const schema = JSON.parse(readFileSync(join(repoRoot, 'schema', 'policy-input', name), 'utf8')) as object;
  const validate = makeAjv().compile(schema);
  return (doc) => (validate(doc) ? undefined : JSON.stringify(validate.errors?.slice(0, 3)));
}

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

describe('policy input documents', () => {
  const images = ensureImages(['polyglot']);
  const db = ensureDb();
  test('a real image scan gives an input the image schema accepts', async (t) => {
    if ('skip' in images || 'skip' in db) return t.skip('needs the test images and database');
    const { report } = await scanReport({
      input: imageForms(images.cache, 'polyglot').dockerArchive,
      scanners: ['vuln', 'secret', 'misconfig', 'license'],
      cacheDir: db.cacheDir,
      skipDbUpdate: true,
      layerCache: false,
    });
    const input = scanInput(report, report.metadata.imageConfig);
    assert.equal(validator('image.json')(input), undefined);
    assert.equal(input.runsAsRoot, true, 'polyglot sets no USER');
    assert.equal(input.config['User'], '');
    // polyglot's Env holds a secret (CUS-IMG-004): the report's masked copy is what policies read.
    assert.ok(
      (input.config['Env'] as string[]).some((e) => /=\*{4,}/.test(e)),
      JSON.stringify(input.config['Env']),
    );
    assert.ok(input.vulnerabilities.some((v) => v.severity === 'CRITICAL'));
    assert.ok(input.packages.length > 0 && input.layers.length === report.metadata.diffIds.length);
    assert.ok(input.os && input.os.family === 'debian');
    // Never a secret's value: only where it is and what rule found it.
    assert.ok(input.secrets.length > 0);
    for (const s of input.secrets)
      assert.deepEqual(Object.keys(s).sort(), ['category', 'line', 'ruleId', 'severity', 'target', 'title']);
  });

  test('every document of the config fixtures matches the config schema', () => {
    const validate = validator('config.json');
    const root = fixture('config');
    let containers = 0;
    let dockerfiles = 0;
    for (const file of files(root)) {
      if (file.endsWith('.md') || file.endsWith('.dockerignore')) continue;
      for (const doc of configInputs(relative(root, file), readFileSync(file, 'utf8'))) {
        assert.equal(validate(doc), undefined, `${file}: ${JSON.stringify(doc).slice(0, 200)}`);
        if (Array.isArray(doc)) dockerfiles++;
        else if ((doc as { type?: string }).type === 'Container') containers++;
      }
    }
    assert.ok(dockerfiles >= 2 && containers >= 2, `${dockerfiles} Dockerfiles, ${containers} containers`);
  });

  test("a Dockerfile becomes Conftest's command list", () => {
    const cmds = dockerfileCommands(
      [
        'FROM golang:1.22 AS build',
        'ENV A=1 B="two words"',
        'RUN go build \\',
        '  -o /app .',
        'FROM scratch',
        'COPY --from=build /app /app',
        'USER 1000:1000',
        'ENTRYPOINT ["/app", "serve"]',
      ].join('\n'),
    );
    const brief = cmds.map((c) => [c.Cmd, c.Flags, c.Value, c.Stage, c.JSON, c.StartLine, c.EndLine]);
    assert.deepEqual(brief, [
      ['from', [], ['golang:1.22', 'AS', 'build'], 0, false, 1, 1],
      ['env', [], ['A', '1', 'B', 'two words'], 0, false, 2, 2],
      ['run', [], ['go build   -o /app .'], 0, false, 3, 4],
      ['from', [], ['scratch'], 1, false, 5, 5],
      ['copy', ['--from=build'], ['/app', '/app'], 1, false, 6, 6],
      ['user', [], ['1000:1000'], 1, false, 7, 7],
      ['entrypoint', [], ['/app', 'serve'], 1, true, 8, 8],
    ]);
    assert.equal(cmds[2]!.Original, 'RUN go build \\\n  -o /app .');
  });
});
