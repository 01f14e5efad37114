/**
 * `customs notify status|flush|report`: the outbox seen and retried, and
 * the weekly security report sent now (the server sends it on its
 * schedule; a CI job runs this from its own).
 */
import type { Command } from 'commander';
import { weeklyReportEvent } from '../../notify/events.js';
import { loadSendingConfig } from '../../notify/load.js';
import { flushOutbox } from '../../notify/flush.js';
import { notifyEvents } from '../../notify/notifier.js';
import { readOutbox, withOutboxLock, writeOutbox } from '../../notify/outbox.js';
import { Redactor } from '../../notify/secrets.js';
import { readJsonReport } from '../../notify/state.js';
import { UserError } from '../../util/errors.js';
import { StderrLogger } from '../../util/log.js';
import { outboxPath, printDryRun } from '../scan-notify.js';
import type { NotificationsConfig } from '../../notify/config.js';

interface NotifyCommandFlags {
  config?: string;
  outbox?: string;
  cacheDir?: string;
  format?: string;
  dueOnly?: boolean;
  dryRun?: boolean;
  quiet?: boolean;
}

function common(cmd: Command): Command {
  return cmd
    .option('--config <file>', 'config file with notifications:')
    .option('--outbox <file>', 'the outbox (default: <cache dir>/notify/outbox.json)')
    .option('--cache-dir <dir>', 'cache directory (env CUSTOMS_CACHE_DIR)')
    .option('-q, --quiet', 'no informational messages');
}

function notificationsOf(flags: NotifyCommandFlags, what: string): NotificationsConfig {
  const config = loadSendingConfig(flags.config, what).notifications;
  if (!config?.channels.length) throw new UserError(`${flags.config}: no notifications.channels`, 'add a channel');
  return config;
}

function printStatus(file: string, json: boolean): void {
  const data = readOutbox(file);
  if (json) {
    const entries = data.entries.map(({ event: _event, ...rest }) => rest);
    process.stdout.write(`${JSON.stringify({ outbox: file, entries }, null, 2)}\n`);
    return;
  }
  const pending = data.entries.filter((e) => e.status === 'pending');
  const lines = [`outbox ${file}: ${pending.length} pending, ${data.entries.length - pending.length} delivered`];
  for (const e of data.entries) {
    const when =
      e.status === 'delivered'
        ? `delivered ${e.deliveredAt}`
        : `pending, ${e.attempts} attempt(s), next ${new Date(e.nextAttemptAt).toISOString()}`;
    lines.push(
      `${e.channel.padEnd(10)} ${e.type.padEnd(27)} ${when}  ${e.summary}${e.lastError ? `  [${e.lastError}]` : ''}`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

export function registerNotify(program: Command): void {
  const notify = program.command('notify').description('notification outbox: status, retries, the weekly report');
  common(notify.command('status').description('list the outbox: what is pending, what was delivered, last errors'))
    .option('--format <format>', 'table or json', 'table')
    .action((flags: NotifyCommandFlags) => {
      if (flags.format !== 'table' && flags.format !== 'json')
        throw new UserError(`--format ${flags.format}`, 'use table or json');
      printStatus(outboxPath(flags), flags.format === 'json');
    });
  common(notify.command('flush').description('retry the pending deliveries of the outbox now'))
    .option('--due-only', 'retry only channels whose backoff has ended (for a scheduled job); default: all pending now')
    .action(async (flags: NotifyCommandFlags) => {
      const config = notificationsOf(flags, 'customs notify flush');
      const logger = new StderrLogger('info', flags.quiet ?? false);
      const file = outboxPath(flags);
      const redactor = new Redactor();
      const r = await withOutboxLock(file, async () => {
        const data = readOutbox(file);
        return flushOutbox(data, config, {
          env: process.env,
          redactor,
          logger,
          ignoreBackoff: !flags.dueOnly,
          save: () => writeOutbox(file, data),
        });
      });
      logger.info(`notify: ${r.delivered} delivered, ${r.failed} failed, ${r.deferred} waiting`);
      if (r.failed) process.exitCode = 1;
    });
  common(
    notify
      .command('report')
      .description('send the weekly security report now, over the given JSON reports (latest of each repository)')
      .argument('<report.json...>', 'JSON reports (--format json)'),
  )
    .option('--dry-run', 'print what would be sent, secrets masked; send nothing')
    .action(async (files: string[], flags: NotifyCommandFlags) => {
      const config = notificationsOf(flags, 'customs notify report');
      const event = weeklyReportEvent(files.map(readJsonReport));
      const redactor = new Redactor();
      if (flags.dryRun) {
        printDryRun(config, [event], redactor);
        return;
      }
      const logger = new StderrLogger('info', flags.quiet ?? false);
      const r = await notifyEvents([event], {
        config,
        outboxFile: outboxPath(flags),
        env: process.env,
        redactor,
        logger,
      });
      if (r.queued === 0 && r.delivered === 0 && r.failed === 0)
        logger.info("notify: this week's report was already sent (or no channel has weekly_security_report)");
      else logger.info(`notify: ${r.delivered} delivered, ${r.failed + r.deferred} waiting in the outbox`);
      if (r.failed) process.exitCode = 1;
    });
}
