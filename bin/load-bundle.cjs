'use strict';
// Loads the bundled CLI (dist/bundle/main.cjs) with V8's code cache for it
// (dist/bundle/main.cache): V8 then starts from the compiled code of the
// bundle's top level instead of parsing and compiling 1.2 MB of JavaScript,
// ~20 ms of each run's start-up (bench/). The build writes the cache by
// running the command with CUSTOMS_WRITE_CODE_CACHE set. V8 checks the cache
// against the source, its own version and its flags, and compiles afresh
// when any differs: a missing or stale cache costs time, never correctness.
const { readFileSync, renameSync, writeFileSync } = require('node:fs');
const Module = require('node:module');
const { dirname, join } = require('node:path');
const vm = require('node:vm');

const bundle = join(__dirname, '..', 'dist', 'bundle', 'main.cjs');
const cacheFile = join(__dirname, '..', 'dist', 'bundle', 'main.cache');

function readCache() {
  try {
    return readFileSync(cacheFile);
  } catch {
    return undefined;
  }
}

function load() {
  const script = new vm.Script(Module.wrap(readFileSync(bundle, 'utf8')), {
    filename: bundle,
    cachedData: readCache(),
  });
  const mod = { exports: {} };
  script.runInThisContext().call(mod.exports, mod.exports, Module.createRequire(bundle), mod, bundle, dirname(bundle));
  if (process.env.CUSTOMS_WRITE_CODE_CACHE) {
    const tmp = `${cacheFile}.tmp-${process.pid}`;
    writeFileSync(tmp, script.createCachedData());
    renameSync(tmp, cacheFile);
  }
  return mod.exports;
}

module.exports = { run: (argv) => load().main(argv) };
