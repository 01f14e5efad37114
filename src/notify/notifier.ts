/**
 * Events in, deliveries out, with the outbox file in between: what the CLI
 * runs after a scan, for `customs notify report` and `customs notify flush`.
 * (The server routes the same events through its store's outbox and calls
 * sendBatch itself.)
 */
import type { Logger } from '../util/log.js';
import type { NotificationsConfig } from './config.js';
import type { NotifyEvent } from './events.js';
import { flushOutbox, type FlushResult } from './flush.js';
import { enqueue, readOutbox, withOutboxLock, writeOutbox } from './outbox.js';
import type { Redactor } from './secrets.js';
import { routeEvents } from './send.js';

export interface NotifyRun {
  config: NotificationsConfig;
  outboxFile: string;
  env: NodeJS.ProcessEnv;
  redactor: Redactor;
  logger: Logger;
  now?: () => number;
  ignoreBackoff?: boolean;
}

export interface NotifyResult extends FlushResult {
  /** Deliveries added to the outbox by this run (the rest were known: pending or already delivered). */
  queued: number;
}

/** Queues the events for the channels that want them, then delivers everything due. */
export async function notifyEvents(events: readonly NotifyEvent[], run: NotifyRun): Promise<NotifyResult> {
  return withOutboxLock(run.outboxFile, async () => {
    const data = readOutbox(run.outboxFile);
    const now = (run.now ?? Date.now)();
    const queued = enqueue(data, routeEvents(run.config, events), now).length;
    const save = (): void => writeOutbox(run.outboxFile, data);
    save();
    const flushed = await flushOutbox(data, run.config, { ...run, save });
    return { queued, ...flushed };
  });
}
