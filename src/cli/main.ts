/**
 * The command line: a thin layer over the library. Parses flags, wires the
 * pieces, prints the report on stdout and everything else on stderr.
 */
import { Command, CommanderError } from 'commander';
import { peakRssBytes } from '../util/memory.js';
import { toolVersion } from '../util/tool-version.js';
import { UserError, errorMessage } from '../util/errors.js';
import { registerClean } from './commands/clean.js';
import { registerScanCommands } from './commands/scan.js';
import { registerDb } from './commands/db.js';
import { registerSbom } from './commands/sbom.js';
import { registerCompare } from './commands/compare.js';
import { registerConfig } from './commands/config.js';
import { registerProjectCommands } from './commands/fs.js';
import { registerConfigDump } from './commands/config-dump.js';
import { registerNotify } from './commands/notify.js';
import { registerPush } from './commands/push.js';
import { registerServer } from './commands/server.js';
import { registerContainer } from './commands/container.js';
import { registerVerify } from './commands/verify.js';

export async function main(argv: string[]): Promise<void> {
  const program = new Command('customs')
    .description('Container image security scanner: SBOM, vulnerabilities, secrets, misconfigurations, licences')
    .version(toolVersion(), '-v, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerScanCommands(program);
  registerProjectCommands(program);
  registerContainer(program);
  registerVerify(program);
  registerSbom(program);
  registerCompare(program);
  registerConfig(program);
  registerConfigDump(program);
  registerDb(program);
  registerClean(program);
  registerNotify(program);
  registerPush(program);
  registerServer(program);
  const debug = argv.includes('--debug') || argv.includes('-d');
  if (debug) process.on('exit', reportPeakMemory);
  // Last line of defence: an error no code path caught still ends as one clear line, not a stack dump.
  const fatal = (e: unknown): void => {
    process.stderr.write(
      `customs: error: ${errorMessage(e)}${e instanceof UserError ? '' : ' (unexpected: this is a bug in customs; rerun with --debug and report it)'}\n`,
    );
    if (debug && e instanceof Error) process.stderr.write(`${e.stack}\n`);
    process.exit(1);
  };
  process.on('uncaughtException', fatal);
  process.on('unhandledRejection', fatal);
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.exitCode !== 0) process.exitCode = 2;
      return;
    }
    process.stderr.write(`customs: error: ${errorMessage(e)}\n`);
    if (debug && e instanceof Error && !(e instanceof UserError)) process.stderr.write(`${e.stack}\n`);
    process.exitCode = 1;
  }
}

/** `--debug` ends with the process's high-water resident memory, for budgets and benchmarks. */
function reportPeakMemory(): void {
  const bytes = peakRssBytes();
  if (bytes !== undefined)
    process.stderr.write(`${new Date().toISOString()}\tDEBUG\tpeak memory ${Math.round(bytes / 1024 / 1024)} MiB\n`);
}
