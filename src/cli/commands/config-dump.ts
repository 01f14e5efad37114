/**
 * `customs config-dump [COMMAND] [ARGS…]`: resolves COMMAND's options (default
 * `image`) exactly as a scan would — the same command object, flags, environment
 * and config file — and prints each with its value and origin instead of scanning.
 */
import type { Command } from 'commander';
import { UserError } from '../../util/errors.js';
import { dumpText } from '../config-dump.js';

export function registerConfigDump(program: Command): void {
  program
    .command('config-dump')
    .description(
      'show every effective option of a scan command, its value and where it came from (flag, CUSTOMS_*, TRIVY_*, config file and key, default); e.g. config-dump image --severity HIGH',
    )
    .argument('[command]', 'the scan command whose options to show', 'image')
    .argument('[args...]', "that command's arguments and flags, as you would run it")
    .allowUnknownOption()
    .helpOption('--help-dump', 'help for config-dump')
    .action(async (name: string, args: string[]) => {
      // `config-dump --severity HIGH`: no command named, the flags are image's.
      if (name.startsWith('-')) [name, args] = ['image', [name, ...args]];
      const target = program.commands.find((c) => c.name() === name || c.aliases().includes(name));
      if (!target || !target.options.some((o) => o.long === '--exit-code'))
        throw new UserError(`config-dump: "${name}" is not a scan command`, 'name one, e.g. customs config-dump image');
      target.action((...actionArgs: unknown[]) => {
        process.stdout.write(dumpText(actionArgs[actionArgs.length - 1] as Command));
      });
      await target.parseAsync(args, { from: 'user' });
    });
}
