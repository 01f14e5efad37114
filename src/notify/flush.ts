/**
 * Delivers what the outbox owes: per channel, the due entries in batches,
 * within the channel's rate limit. A failed batch stays pending with its
 * attempt counted and a backoff (or the receiver's Retry-After); the
 * channel is left alone for the rest of the run, so a channel that is down
 * costs one attempt per run, not one per event. Each outcome is written
 * before the next send, so a run killed midway re-sends at most one batch.
 */
import type { Logger } from '../util/log.js';
import type { ChannelConfig, NotificationsConfig } from './config.js';
import type { NotifyEvent } from './events.js';
import { backoffMs, prune, type OutboxData, type OutboxEntry } from './outbox.js';
import { maxBatch, sendBatch, type SendContext } from './send.js';

export interface FlushResult {
  delivered: number;
  failed: number;
  /** Left for later by the rate limit or an earlier failure's backoff. */
  deferred: number;
}

export interface FlushOptions extends SendContext {
  logger: Logger;
  /** Called after every change, to persist the outbox. */
  save: () => void;
  now?: () => number;
  /** Retry every pending entry now, backoff or not (`customs notify flush`, unless --due-only). */
  ignoreBackoff?: boolean;
}

/** When the channel may send next: now, or once the oldest message of a full window leaves it. */
function nextSlot(stamps: number[], channel: ChannelConfig, now: number): number {
  const recent = stamps.filter((t) => now - t < channel.rateLimit.periodMs).sort((a, b) => a - b);
  if (recent.length < channel.rateLimit.count) return now;
  return recent[recent.length - channel.rateLimit.count]! + channel.rateLimit.periodMs;
}

export async function flushOutbox(
  data: OutboxData,
  config: NotificationsConfig,
  opts: FlushOptions,
): Promise<FlushResult> {
  const clock = opts.now ?? Date.now;
  const result: FlushResult = { delivered: 0, failed: 0, deferred: 0 };
  const longest = Math.max(60_000, ...config.channels.map((c) => c.rateLimit.periodMs));
  prune(data, clock(), longest);
  for (const channel of config.channels) {
    const pending = data.entries.filter((e) => e.channel === channel.name && e.status === 'pending' && e.event);
    // Backoff is per channel: once anything for it is due (a new event, or a retry whose time has come), the
    // channel is contacted anyway, so every pending entry goes with it.
    const contact = opts.ignoreBackoff || pending.some((e) => e.nextAttemptAt <= clock());
    // In trigger and finding order, so the same finding on many images lands in one batch (one line in one message).
    const due = contact ? pending.sort((a, b) => batchOrder(a).localeCompare(batchOrder(b))) : [];
    result.deferred += pending.length - due.length;
    for (let i = 0; i < due.length; i += maxBatch(channel)) {
      const batch = due.slice(i, i + maxBatch(channel));
      const stamps = (data.sent[channel.name] ??= []);
      const slot = nextSlot(stamps, channel, clock());
      if (slot > clock()) {
        // Over the rate limit: wait within a short run (a second or two), else leave it for the next run.
        if (slot - clock() <= 2000) await new Promise((r) => setTimeout(r, slot - clock()));
        else {
          for (const e of due.slice(i)) e.nextAttemptAt = Math.max(e.nextAttemptAt, slot);
          result.deferred += due.length - i;
          opts.save();
          break;
        }
      }
      try {
        await sendBatch(
          channel,
          batch.map((e): NotifyEvent => e.event!),
          opts,
        );
        const at = clock();
        stamps.push(at);
        for (const e of batch) markDelivered(e, at);
        result.delivered += batch.length;
        opts.save();
      } catch (err) {
        const message = opts.redactor.mask((err as Error).message);
        const retryAfter = (err as { retryAfterMs?: number }).retryAfterMs ?? 0;
        for (const e of due.slice(i)) {
          e.attempts++;
          e.lastError = message;
          e.nextAttemptAt = clock() + Math.max(backoffMs(e.attempts), retryAfter);
        }
        result.failed += due.length - i;
        opts.logger.warn(
          `notify: ${channel.name}: ${message}; ${due.length - i} event(s) kept in the outbox for a retry`,
        );
        opts.save();
        break;
      }
    }
  }
  return result;
}

function batchOrder(e: OutboxEntry): string {
  const f = e.event?.findings[0];
  return `${e.type}\0${f ? `${f.id}\0${f.pkgName ?? f.target}` : ''}\0${e.createdAt}`;
}

function markDelivered(e: OutboxEntry, at: number): void {
  e.status = 'delivered';
  e.deliveredAt = new Date(at).toISOString();
  delete e.lastError;
  delete e.event;
}
