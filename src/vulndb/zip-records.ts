/**
 * Streams the OSV records out of one `all.zip` without unpacking it:
 * one JSON document per entry, each bounded in size; entries with unsafe
 * names are skipped. The caller gets parsed JSON or the reason it failed.
 */
import type { Entry, ZipFile } from 'yauzl';
import { lazyRequire } from '../util/lazy-require.js';

const yauzl = lazyRequire<typeof import('yauzl')>('yauzl');

export const MAX_ENTRY_BYTES = 16 * 1024 * 1024;
export const MAX_ENTRIES = 2_000_000;

export type ZipRecord = { entry: string; json: unknown } | { entry: string; error: string };

function openZip(path: string): Promise<ZipFile> {
  return new Promise((resolve, reject) =>
    yauzl().open(
      path,
      { lazyEntries: true, autoClose: true, validateEntrySizes: true, decodeStrings: false },
      (e, z) => (e ? reject(e) : resolve(z)),
    ),
  );
}

function readEntry(zip: ZipFile, entry: Entry): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (err, stream) => {
      if (err || !stream) return reject(err ?? new Error('no stream'));
      const chunks: Buffer[] = [];
      let n = 0;
      stream.on('data', (c: Buffer) => {
        n += c.length;
        if (n > MAX_ENTRY_BYTES) {
          stream.destroy(new Error(`entry larger than ${MAX_ENTRY_BYTES} bytes`));
          return;
        }
        chunks.push(c);
      });
      stream.on('error', reject);
      stream.on('end', () => resolve(Buffer.concat(chunks)));
    });
  });
}

/** Calls `onRecord` for every `.json` entry, in order; resolves when the zip is done. */
export async function readZipRecords(path: string, onRecord: (r: ZipRecord) => void): Promise<void> {
  const zip = await openZip(path);
  let count = 0;
  await new Promise<void>((resolve, reject) => {
    zip.on('error', reject);
    zip.on('end', resolve);
    zip.on('entry', (entry: Entry) => {
      // Names are decoded here, not by yauzl, so that one unsafe name costs a warning instead of the whole zip.
      const name = (entry.fileName as unknown as Buffer).toString('utf8');
      if (++count > MAX_ENTRIES) {
        zip.close();
        reject(new Error(`more than ${MAX_ENTRIES} entries`));
        return;
      }
      if (name.endsWith('/') || !name.endsWith('.json')) {
        zip.readEntry();
        return;
      }
      if (name.includes('..') || name.startsWith('/') || name.includes('\\')) {
        onRecord({ entry: name, error: 'unsafe entry name' });
        zip.readEntry();
        return;
      }
      if (entry.uncompressedSize > MAX_ENTRY_BYTES) {
        onRecord({
          entry: name,
          error: `entry of ${entry.uncompressedSize} bytes is over the ${MAX_ENTRY_BYTES}-byte cap`,
        });
        zip.readEntry();
        return;
      }
      readEntry(zip, entry).then(
        (buf) => {
          try {
            onRecord({ entry: name, json: JSON.parse(buf.toString('utf8')) });
          } catch (e) {
            onRecord({ entry: name, error: `bad JSON: ${(e as Error).message}` });
          }
          zip.readEntry();
        },
        (e: Error) => {
          onRecord({ entry: name, error: e.message });
          zip.readEntry();
        },
      );
    });
    zip.readEntry();
  });
}
