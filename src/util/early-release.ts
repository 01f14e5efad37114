/**
 * Frees a buffer's memory now instead of at the next full garbage collection.
 *
 * V8 frees an ArrayBuffer's memory only when a collection finds it dead. A
 * layer's bytes pass through buffers that live a few milliseconds too long:
 * a 1 MiB read waits while the decompressor works through it, a 128 KiB
 * block of output while the tar reader and the walk get through it. Such a
 * buffer survives two young-generation collections and moves to the old
 * generation, whose garbage waits for a full collection, and V8 starts one
 * only after tens of MiB of it: the dead buffers were 28 MiB of a scan's
 * peak on a 50 MB layer and 66 MiB on a 940 MB image (bench/RESULTS.md).
 *
 * Transferring the memory to a new ArrayBuffer that nothing references
 * leaves the old one empty, and a young-generation collection frees the new
 * one. The walk allocates too few objects for those to come often, so one is
 * run after every few MiB released: this needs `gc`, which `bin/customs`
 * exposes (node --expose-gc); without it nothing is released, as a transfer
 * alone would only move the memory to wait elsewhere.
 *
 * The caller must own every view of the buffer: any other view becomes empty.
 */
import { getHeapStatistics } from 'node:v8';

const COLLECT_EVERY_BYTES = 8 * 1024 * 1024;
/** Heap growth since the last full collection that makes one worth its cost between layers. */
const GROWTH_WORTH_COLLECTING = 8 * 1024 * 1024;

/** V8's collector as --expose-gc gives it: a full collection, or with `type: 'minor'` a young-generation one. */
type Gc = (options?: { type: 'minor' }) => void;
const gc = (globalThis as { gc?: Gc }).gc;
let releasedSinceCollect = 0;
let liveAfterCollect = getHeapStatistics().used_heap_size; // the program loaded

export function releaseMemory(memory: ArrayBufferLike): void {
  if (!gc) return;
  releasedSinceCollect += memory.byteLength;
  structuredClone(memory, { transfer: [memory as ArrayBuffer] });
  if (releasedSinceCollect >= COLLECT_EVERY_BYTES) {
    releasedSinceCollect = 0;
    gc({ type: 'minor' });
  }
}

/**
 * A full collection between a scan's steps (after each layer, after the
 * walk, before the report is rendered), when the heap has grown by half since
 * the last one and by 8 MiB at least. Each step leaves its garbage in the old
 * generation, where V8 lets it sit until the heap has grown by as much again;
 * collected here, the next step's peak starts from live data only (measured:
 * 10-20 MiB lower on polyglot, node-app and the large image, at no cost in
 * wall time on a cold scan). A collection costs time in proportion to the
 * live heap, so it runs only when it frees about as much. Does nothing
 * without an exposed `gc`.
 */
export function collectIfGrown(): void {
  if (!gc) return;
  const grown = getHeapStatistics().used_heap_size - liveAfterCollect;
  if (grown < Math.max(GROWTH_WORTH_COLLECTING, liveAfterCollect / 2)) return;
  gc();
  liveAfterCollect = getHeapStatistics().used_heap_size;
}
