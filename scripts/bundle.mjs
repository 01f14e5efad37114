// Bundles the CLI (dist/src/cli/main.js, compiled by tsc) into one CommonJS
// file, dist/bundle/main.cjs, with esbuild: one script loads in a fraction of
// the time of ~200 separate ES modules. better-sqlite3 stays external (a
// native addon), and modules loaded on first use through createRequire stay
// lazy. Then V8's code cache for it is written (dist/bundle/main.cache, see
// bin/load-bundle.cjs) by running the command once, as users run it.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

// commander requires node:child_process when loaded, for subcommands run as
// separate executables, which customs has none of; loading it (with net and
// the stream machinery) is ~6 ms of every start-up. commander's require of it
// is given a stand-in that loads the real module if ever touched.
const lazyChildProcessForCommander = {
  name: 'lazy-child-process-for-commander',
  setup(b) {
    b.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      /[\\/]commander[\\/]/.test(args.importer) ? { path: 'child_process', namespace: 'lazy-builtin' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, () => ({
      contents:
        "let real; module.exports = new Proxy({}, { get: (_, key) => (real ??= require('node:child_process'))[key] });",
      loader: 'js',
    }));
  },
};

rmSync('dist/bundle', { recursive: true, force: true });
await build({
  entryPoints: ['dist/src/cli/main.js'],
  outfile: 'dist/bundle/main.cjs',
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // The server's dependencies load only under `customs server|worker`; they stay packages of their own.
  external: ['better-sqlite3', 'fastify', '@fastify/swagger', 'kysely', 'pg', 'pg-boss', 'prom-client'],
  // The sources are ES modules that find files and lazy dependencies from import.meta.url.
  define: { 'import.meta.url': '__customsBundleUrl' },
  banner: { js: "const __customsBundleUrl = require('node:url').pathToFileURL(__filename).href;" },
  plugins: [lazyChildProcessForCommander],
  sourcemap: true,
  logLevel: 'warning',
});
execFileSync('bin/customs', ['--version'], {
  env: { ...process.env, CUSTOMS_WRITE_CODE_CACHE: '1' },
  stdio: ['ignore', 'ignore', 'inherit'],
});
