// Bundles the CLI (dist/src/cli/main.js, compiled by tsc) into one CommonJS
// file, dist/bundle/main.cjs, with esbuild: one script loads in a fraction of
// the time of ~200 separate ES modules. better-sqlite3 stays external (a
// native addon), and modules loaded on first use through createRequire stay
// lazy. Then V8's code cache for it is written (dist/bundle/main.cache, see
// bin/load-bundle.cjs) by running the command once, as users run it.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

rmSync('dist/bundle', { recursive: true, force: true });
await build({
  entryPoints: ['dist/src/cli/main.js'],
  outfile: 'dist/bundle/main.cjs',
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  external: ['better-sqlite3'],
  // The sources are ES modules that find files and lazy dependencies from import.meta.url.
  define: { 'import.meta.url': '__customsBundleUrl' },
  banner: { js: "const __customsBundleUrl = require('node:url').pathToFileURL(__filename).href;" },
  sourcemap: true,
  logLevel: 'warning',
});
execFileSync('bin/customs', ['--version'], { env: { ...process.env, CUSTOMS_WRITE_CODE_CACHE: '1' }, stdio: ['ignore', 'ignore', 'inherit'] });
