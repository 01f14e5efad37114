/**
 * Reads a small regular file of a tree that came from a stranger (a project
 * directory, a git checkout): never through a symlink (O_NOFOLLOW), never
 * blocking on a FIFO (O_NONBLOCK), and checked by its descriptor, so a file
 * swapped for a link or a device between listing and reading is refused.
 * Undefined when it is not a regular file of at most `max` bytes.
 */
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

export async function readSmallFileNoFollow(path: string, max: number): Promise<Buffer | undefined> {
  let fh: FileHandle | undefined;
  try {
    fh = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    const st = await fh.stat();
    if (!st.isFile() || st.size > max) return undefined;
    const buf = Buffer.alloc(st.size);
    const { bytesRead } = await fh.read(buf, 0, st.size, 0);
    return buf.subarray(0, bytesRead);
  } catch {
    return undefined;
  } finally {
    await fh?.close();
  }
}
