/** `customs db update|status|export|import`. */
import type { Command } from 'commander';
import { exportDb, importDb } from '../../vulndb/transfer.js';
import { dbStatus, updateDb } from '../../vulndb/update.js';
import type { DbStatus } from '../../vulndb/store.js';
import { UserError } from '../../util/errors.js';
import { configuredEpss, configuredKev, configuredSources, resolveCacheDir } from '../../api/environment.js';
import { describeAge } from '../../util/duration.js';
import { createProgress } from '../progress.js';
import { StderrLogger } from '../../util/log.js';

function printStatus(s: DbStatus, json: boolean): void {
  // JSON stays a description of the file (builtAt says when); the text adds how long ago that was.
  if (json) {
    process.stdout.write(JSON.stringify(s, null, 2) + '\n');
    return;
  }
  const ageMs = Date.now() - Date.parse(s.builtAt);
  const lines = [
    `schema version: ${s.schemaVersion}`,
    `built at:       ${s.builtAt} (${describeAge(ageMs)})`,
    `sources:        ${s.sources.join(', ')}`,
    `CVE CVSS enrichment: ${s.enrichedCves} CVEs`,
    `known exploited (KEV): ${s.kev ? `${s.kev.entries} CVEs, catalog ${s.kev.catalogVersion || 'of unknown version'} from ${s.kev.source}` : 'not loaded'}`,
    `EPSS: ${s.epss ? `${s.epss.entries} CVEs${s.epss.scoreDate ? `, scored ${s.epss.scoreDate}` : ''} from ${s.epss.source}` : 'not loaded'}`,
    '',
    'ecosystem        records  skipped  withdrawn',
  ];
  for (const [e, c] of Object.entries(s.ecosystems))
    lines.push(
      `${e.padEnd(16)} ${String(c.records).padStart(7)}  ${String(c.skipped).padStart(7)}  ${String(c.withdrawn).padStart(9)}`,
    );
  process.stdout.write(lines.join('\n') + '\n');
}

export function registerDb(program: Command): void {
  const db = program.command('db').description('manage the vulnerability database');
  db.command('update')
    .description('build the database from OSV exports (<Ecosystem>/all.zip), atomically replacing the old one')
    .option('--source <src...>', 'URL or directory of an OSV export (env CUSTOMS_DB_SOURCE)')
    .option('--ecosystems <list>', 'only these ecosystem folders (comma-separated)')
    .option(
      '--kev-source <file|url>',
      "CISA KEV catalog (env CUSTOMS_KEV_SOURCE; default: CISA's published URL, a warning when unreachable; none: without)",
    )
    .option('--epss-source <file|url>', 'FIRST EPSS scores, CSV gzip or plain (env CUSTOMS_EPSS_SOURCE)')
    .option('--cache-dir <dir>', 'cache directory (env CUSTOMS_CACHE_DIR)')
    .option('-q, --quiet', 'no progress')
    .option('-d, --debug', 'debug messages')
    .action(
      async (o: {
        source?: string[];
        ecosystems?: string;
        kevSource?: string;
        epssSource?: string;
        cacheDir?: string;
        quiet?: boolean;
        debug?: boolean;
      }) => {
        const progress = createProgress(!o.quiet);
        const t0 = Date.now();
        const s = await updateDb({
          cacheDir: resolveCacheDir(o.cacheDir),
          sources: configuredSources(o.source),
          ecosystems: o.ecosystems
            ?.split(',')
            .map((x) => x.trim())
            .filter(Boolean),
          kev: configuredKev(o.kevSource),
          epssSource: configuredEpss(o.epssSource),
          logger: new StderrLogger(o.debug ? 'debug' : 'info', o.quiet ?? false),
          onProgress: (p) =>
            progress.update({
              stage: 'database',
              message: `${p.ecosystem}: ${p.records} records`,
              done: p.done,
              total: p.total,
              unit: 'ecosystems',
            }),
        });
        progress.done();
        const total = Object.values(s.ecosystems).reduce((a, c) => a + c.records, 0);
        process.stderr.write(
          `vulnerability database built: ${total} records in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`,
        );
      },
    );
  db.command('status')
    .description('schema version, sources, build time and records per ecosystem')
    .option('--cache-dir <dir>', 'cache directory (env CUSTOMS_CACHE_DIR)')
    .option('--json', 'print JSON')
    .action((o: { cacheDir?: string; json?: boolean }) => {
      const dir = resolveCacheDir(o.cacheDir);
      const s = dbStatus(dir);
      if (!s) throw new UserError(`no vulnerability database in ${dir}/db`, 'run `customs db update`');
      printStatus(s, o.json ?? false);
    });
  db.command('export')
    .description(
      'write the database to one file (with FILE.sha256, and FILE.sig when signed), to carry into an air-gapped network',
    )
    .argument('<file>')
    .option('--cache-dir <dir>', 'cache directory (env CUSTOMS_CACHE_DIR)')
    .option('--sign-key <pem>', 'Ed25519 private key (PEM) to sign the export with; writes FILE.sig')
    .action(async (file: string, o: { cacheDir?: string; signKey?: string }) => {
      await exportDb(resolveCacheDir(o.cacheDir), file, { signKeyFile: o.signKey });
    });
  db.command('import')
    .description(
      'install a database written by `db export`: digest, signature, schema and integrity checked, then swapped in atomically',
    )
    .argument('<file>')
    .option('--cache-dir <dir>', 'cache directory (env CUSTOMS_CACHE_DIR)')
    .option('--verify-key <pem>', 'Ed25519 public key (PEM): FILE.sig must verify with it')
    .action(async (file: string, o: { cacheDir?: string; verifyKey?: string }) => {
      const logger = new StderrLogger('info', false);
      printStatus(
        await importDb(resolveCacheDir(o.cacheDir), file, { verifyKeyFile: o.verifyKey, warn: (m) => logger.warn(m) }),
        false,
      );
    });
}
