/**
 * A running container's writable layer as one more layer tar: what the
 * engine says changed (`GET /containers/{id}/changes`), with the contents
 * taken from the container's filesystem export (`GET /containers/{id}/export`)
 * and deletions written as whiteouts (`dir/.wh.name`), so the merge hides
 * what the container removed and reports what it added or rewrote.
 *
 * The export is the whole filesystem; entries not in the change list are
 * skipped unread (drained), so only changed files reach the walk. Paths are
 * data: normalised lexically, never joined onto a host path.
 */
import type { Readable } from 'node:stream';
import { extract, pack, type Header } from 'tar-stream';
import { LimitError, UserError } from '../../util/errors.js';
import type { ContainerChange } from './engine-api.js';

const DELETED = 2;

/** `/a/b/` or `./a//b` → `a/b`; undefined for anything above the root or with a NUL. */
export function normalisePath(path: string): string | undefined {
  if (path.includes('\0')) return undefined;
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') return undefined;
    out.push(part);
  }
  return out.join('/');
}

export interface ChangeSet {
  /** Added or modified paths, read from the export. */
  changed: Set<string>;
  /** Deleted paths, written as whiteouts. */
  deleted: string[];
}

export function changeSet(changes: readonly ContainerChange[], maxEntries: number): ChangeSet {
  if (changes.length > maxEntries)
    throw new LimitError(
      `the container's change list (${changes.length} paths)`,
      'max entries per layer',
      maxEntries,
      'raise --max-entries-per-layer',
    );
  const changed = new Set<string>();
  const deleted: string[] = [];
  for (const c of changes) {
    if (typeof c?.Path !== 'string') continue;
    const path = normalisePath(c.Path);
    if (!path) continue;
    if (c.Kind === DELETED) deleted.push(path);
    else changed.add(path);
  }
  return { changed, deleted: deleted.sort() };
}

function whiteoutName(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? `.wh.${path}` : `${path.slice(0, i)}/.wh.${path.slice(i + 1)}`;
}

/** The writable layer as a tar stream: changed entries of `exported`, then a whiteout per deletion. */
export function writableLayerTar(exported: Readable, set: ChangeSet): Readable {
  const out = pack();
  const ex = extract();
  const fail = (e: Error): void => {
    ex.destroy();
    exported.destroy();
    out.destroy(e);
  };
  exported.on('error', (e) => fail(new UserError(`reading the container's filesystem failed: ${e.message}`)));
  ex.on('error', (e) => fail(new UserError(`the container's filesystem export is not a readable tar: ${e.message}`)));
  ex.on('entry', (header: Header, body, next) => {
    const path = normalisePath(header.name);
    if (!path || !set.changed.has(path)) {
      body.on('end', () => next());
      body.resume();
      return;
    }
    const copy = out.entry({ ...header, name: path }, (e) => (e ? fail(e) : next()));
    body.pipe(copy);
  });
  ex.on('finish', () => {
    for (const path of set.deleted) out.entry({ name: whiteoutName(path), type: 'file', size: 0, mode: 0o644 }, '');
    out.finalize();
  });
  exported.pipe(ex);
  return out as unknown as Readable;
}
