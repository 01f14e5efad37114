/**
 * The outbox: every (event, channel) delivery the CLI owes, in one JSON file
 * (the server keeps the same records in its store). An entry is written
 * before anything is sent and marked delivered after, so a channel that is
 * down loses nothing: the next run, or `customs notify flush`, retries it
 * with exponential backoff. Delivered entries are kept (without the event's
 * body) for KEEP_DELIVERED_MS, so an event seen again (the same finding on
 * the next scan) is recognised by its key and never sent twice.
 *
 * Writes are atomic (util/atomic-file.ts) and the file is locked for the
 * whole of a flush, so two CI jobs sharing a cache never send one delivery
 * twice.
 */
import { mkdirSync, readFileSync, rmdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { writeAll, writeFileAtomic } from '../util/atomic-file.js';
import { UserError } from '../util/errors.js';
import type { NotifyEvent } from './events.js';

export type DeliveryStatus = 'pending' | 'delivered';

export interface OutboxEntry {
  /** `<event id>:<channel name>`: the idempotency key of one delivery. */
  key: string;
  channel: string;
  eventId: string;
  type: NotifyEvent['type'];
  summary: string;
  status: DeliveryStatus;
  createdAt: string;
  attempts: number;
  /** Epoch ms before which the entry is not retried. */
  nextAttemptAt: number;
  lastError?: string;
  deliveredAt?: string;
  /** The event itself; dropped once delivered. */
  event?: NotifyEvent;
}

export interface OutboxData {
  version: 1;
  entries: OutboxEntry[];
  /** Per channel, the epoch ms of recent messages sent (the rate limit's window). */
  sent: Record<string, number[]>;
}

export const KEEP_DELIVERED_MS = 90 * 86_400_000;
const MAX_OUTBOX_BYTES = 256 * 1024 * 1024;
const BACKOFF_BASE_MS = 30_000;
const BACKOFF_MAX_MS = 3_600_000;

/** 30 s, 1 min, 2 min… capped at an hour, with ±20% jitter so many jobs do not retry in step. */
export function backoffMs(attempts: number, random = Math.random()): number {
  const base = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempts - 1));
  return Math.round(base * (0.8 + 0.4 * random));
}

export function emptyOutbox(): OutboxData {
  return { version: 1, entries: [], sent: {} };
}

export function readOutbox(file: string): OutboxData {
  let text: string;
  try {
    const size = statSync(file).size;
    if (size > MAX_OUTBOX_BYTES)
      throw new UserError(`${file}: the outbox is ${size} bytes`, 'flush it (customs notify flush) or move it aside');
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return emptyOutbox();
    throw e;
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new UserError(`${file}: the outbox is not valid JSON`, 'move it aside; undelivered events in it are lost');
  }
  const d = data as Partial<OutboxData>;
  if (d.version !== 1 || !Array.isArray(d.entries) || typeof d.sent !== 'object' || d.sent === null)
    throw new UserError(`${file}: not a customs outbox (version 1)`, 'move it aside, or name another with --outbox');
  return d as OutboxData;
}

export function writeOutbox(file: string, data: OutboxData): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileAtomic(file, (fd) => writeAll(fd, Buffer.from(JSON.stringify(data))));
}

/**
 * Adds a pending delivery for each (event, channel) pair not already in the
 * outbox, pending or delivered. Returns the entries added.
 */
export function enqueue(
  data: OutboxData,
  deliveries: { event: NotifyEvent; channel: string }[],
  now: number,
): OutboxEntry[] {
  const known = new Set(data.entries.map((e) => e.key));
  const added: OutboxEntry[] = [];
  for (const { event, channel } of deliveries) {
    const key = `${event.id}:${channel}`;
    if (known.has(key)) continue;
    known.add(key);
    const entry: OutboxEntry = {
      key,
      channel,
      eventId: event.id,
      type: event.type,
      summary: event.summary,
      status: 'pending',
      createdAt: new Date(now).toISOString(),
      attempts: 0,
      nextAttemptAt: now,
      event,
    };
    data.entries.push(entry);
    added.push(entry);
  }
  return added;
}

/** Drops delivered entries past their keeping time and rate-limit stamps past any window. */
export function prune(data: OutboxData, now: number, longestWindowMs: number): void {
  data.entries = data.entries.filter(
    (e) => e.status !== 'delivered' || now - Date.parse(e.deliveredAt ?? e.createdAt) < KEEP_DELIVERED_MS,
  );
  for (const [channel, stamps] of Object.entries(data.sent)) {
    const kept = stamps.filter((t) => now - t < longestWindowMs);
    if (kept.length) data.sent[channel] = kept;
    else delete data.sent[channel];
  }
}

const LOCK_STALE_MS = 10 * 60_000;
const LOCK_WAIT_MS = 60_000;

/**
 * Runs `work` holding the outbox's lock (a directory beside it: mkdir is
 * atomic). A lock older than LOCK_STALE_MS is from a job that died and is
 * taken over.
 */
export async function withOutboxLock<T>(file: string, work: () => Promise<T>): Promise<T> {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const lock = `${file}.lock`;
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      mkdirSync(lock, { mode: 0o700 });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > LOCK_STALE_MS) {
        rmdirSync(lock, { recursive: false });
        continue;
      }
      if (Date.now() > deadline)
        throw new UserError(
          `${file}: the outbox is locked by another customs run`,
          `wait for it, or remove ${lock} if none runs`,
        );
      await sleep(200);
    }
  }
  try {
    return await work();
  } finally {
    rmdirSync(lock);
  }
}
