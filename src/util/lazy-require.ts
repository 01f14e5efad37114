/**
 * A module loaded on its first use instead of at start-up. The CLI is one
 * bundle that evaluates every module it imports statically before it does
 * anything; a dependency only some runs need (HTTP for a registry, zlib for
 * a layer that is not cached, the licence spelling tables) would cost every
 * run its load time, a warm rescan included (bench/RESULTS.md). Types come
 * from `typeof import(...)`, which loads nothing.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export function lazyRequire<T>(id: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= require(id) as T);
}
