/**
 * `--notify` on a scan: the config's channels checked (and their secrets
 * found) before any scan work, then after the report is written the scan's
 * events go through the outbox to the channels. Without `--notify` a scan
 * never sends anything. "New" is relative to `--baseline REPORT.json` when
 * given, else to the previous notifying scan of the same repository (a
 * state file in the cache dir); with neither, every finding is new.
 * A channel that is down fails no scan: its deliveries wait in the outbox.
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { resolveCacheDir } from '../api/environment.js';
import { toJsonReport } from '../api/render.js';
import type { ScanOutcome } from '../api/scan.js';
import { errorMessage } from '../util/errors.js';
import type { Logger } from '../util/log.js';
import type { NotificationsConfig } from '../notify/config.js';
import {
  eventsFromScan,
  previousFromReport,
  repositoryOf,
  scanFailedEvent,
  type NotifyEvent,
} from '../notify/events.js';
import { loadSendingConfig } from '../notify/load.js';
import { notifyEvents } from '../notify/notifier.js';
import { Redactor } from '../notify/secrets.js';
import { checkChannelSecrets, previewBatch, routeEvents } from '../notify/send.js';
import { readJsonReport, readPreviousScan, writePreviousScan } from '../notify/state.js';
import { UserError } from '../util/errors.js';

export interface NotifyFlags {
  notify?: boolean;
  notifyDryRun?: boolean;
  baseline?: string;
  outbox?: string;
  config?: string;
  cacheDir?: string;
}

export function addNotifyFlags(cmd: Command): Command {
  return cmd
    .option('--notify', "send the scan's events to the channels of the config's notifications: (needs --config)")
    .option('--notify-dry-run', 'print on stderr what --notify would send, secrets masked; send nothing')
    .option('--baseline <report.json>', 'a previous JSON report: findings in it are not new for notifications')
    .option('--outbox <file>', 'the notification outbox (default: <cache dir>/notify/outbox.json)');
}

export function outboxPath(flags: Pick<NotifyFlags, 'outbox' | 'cacheDir'>): string {
  return flags.outbox ?? join(resolveCacheDir(flags.cacheDir), 'notify', 'outbox.json');
}

export function stateDir(flags: Pick<NotifyFlags, 'cacheDir'>): string {
  return join(resolveCacheDir(flags.cacheDir), 'notify', 'state');
}

/** Prints a batch per channel as it would be sent, masked. */
export function printDryRun(config: NotificationsConfig, events: readonly NotifyEvent[], redactor: Redactor): void {
  const routed = routeEvents(config, events);
  for (const channel of config.channels) {
    const mine = routed.filter((r) => r.channel === channel.name).map((r) => r.event);
    if (!mine.length) continue;
    const preview = JSON.stringify(
      {
        channel: channel.name,
        kind: channel.kind,
        events: mine.length,
        message: previewBatch(channel, mine, process.env),
      },
      null,
      2,
    );
    process.stderr.write(`${redactor.mask(preview)}\n`);
  }
  if (!routed.length) process.stderr.write('notify (dry run): no event for any configured channel\n');
}

export class ScanNotifier {
  private constructor(
    private readonly flags: NotifyFlags,
    private readonly config: NotificationsConfig,
    private readonly redactor: Redactor,
    private readonly logger: Logger,
  ) {}

  /** Undefined unless --notify or --notify-dry-run; checks config, secrets and baseline now, before the scan. */
  static prepare(flags: NotifyFlags, logger: Logger): ScanNotifier | undefined {
    if (!flags.notify && !flags.notifyDryRun) return undefined;
    const what = flags.notify ? '--notify' : '--notify-dry-run';
    const config = loadSendingConfig(flags.config, what).notifications;
    if (!config?.channels.length)
      throw new UserError(`${what}: ${flags.config} has no notifications.channels`, 'add a channel, or drop the flag');
    const redactor = new Redactor();
    if (flags.notify) for (const c of config.channels) checkChannelSecrets(c, { env: process.env, redactor });
    if (flags.baseline) readJsonReport(flags.baseline);
    return new ScanNotifier(flags, config, redactor, logger);
  }

  async afterScan(outcome: ScanOutcome): Promise<void> {
    const report = toJsonReport(outcome);
    const repository = repositoryOf(report);
    const previous = this.flags.baseline
      ? previousFromReport(readJsonReport(this.flags.baseline))
      : readPreviousScan(stateDir(this.flags), repository);
    const events = eventsFromScan({ report, previous, link: this.link(repository) });
    if (!this.flags.notify) {
      printDryRun(this.config, events, this.redactor);
      return;
    }
    await this.send(events);
    writePreviousScan(stateDir(this.flags), repository, previousFromReport(report));
  }

  async scanFailed(artifact: string, error: unknown): Promise<void> {
    const event = scanFailedEvent(artifact, errorMessage(error));
    if (!this.flags.notify) printDryRun(this.config, [event], this.redactor);
    else await this.send([event]);
  }

  private link(repository: string): string | undefined {
    return this.config.serverUrl ? `${this.config.serverUrl}/images/${encodeURIComponent(repository)}` : undefined;
  }

  private async send(events: readonly NotifyEvent[]): Promise<void> {
    const outboxFile = outboxPath(this.flags);
    try {
      const r = await notifyEvents(events, {
        config: this.config,
        outboxFile,
        env: process.env,
        redactor: this.redactor,
        logger: this.logger,
      });
      this.logger.info(
        `notify: ${r.delivered} delivered, ${r.queued} new, ${r.failed + r.deferred} waiting in ${outboxFile}`,
      );
      if (r.failed || r.deferred)
        this.logger.warn(
          `notify: run "customs notify flush --config ${this.flags.config}" to retry the waiting deliveries`,
        );
    } catch (e) {
      // Sending is a side effect of the scan: its failure is reported, never the scan's.
      this.logger.warn(`notify: ${this.redactor.mask(errorMessage(e))}`);
    }
  }
}
