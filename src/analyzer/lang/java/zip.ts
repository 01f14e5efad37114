/**
 * Reading jar (zip) archives from memory with bounds against zip bombs:
 * entry count, bytes per entry, total bytes, and compression ratio.
 */
import type { Entry, ZipFile } from 'yauzl';
import { lazyRequire } from '../../../util/lazy-require.js';

const yauzl = lazyRequire<typeof import('yauzl')>('yauzl');

export interface ZipLimits {
  maxEntries: number;
  maxEntryBytes: number;
  maxTotalBytes: number;
  maxRatio: number;
}
export const defaultZipLimits: ZipLimits = {
  maxEntries: 100_000,
  maxEntryBytes: 64 * 1024 * 1024,
  maxTotalBytes: 512 * 1024 * 1024,
  maxRatio: 200,
};

export interface ZipEntry {
  name: string;
  read(): Promise<Buffer>;
}

/** Lists a zip's entries and lets the caller read the ones it wants, all bounded. */
export async function openZip(
  buf: Buffer,
  limits: ZipLimits = defaultZipLimits,
): Promise<{ entries: ZipEntry[]; close(): void }> {
  const zip = await new Promise<ZipFile>((resolve, reject) =>
    yauzl().fromBuffer(buf, { lazyEntries: true, decodeStrings: false, validateEntrySizes: true }, (e, z) =>
      e ? reject(e) : resolve(z),
    ),
  );
  const raw: Entry[] = [];
  await new Promise<void>((resolve, reject) => {
    zip.on('error', reject);
    zip.on('end', resolve);
    zip.on('entry', (e: Entry) => {
      if (raw.length >= limits.maxEntries) {
        zip.close();
        reject(new Error(`more than ${limits.maxEntries} entries`));
        return;
      }
      raw.push(e);
      zip.readEntry();
    });
    zip.readEntry();
  });
  let total = 0;
  const entries = raw.map((e): ZipEntry => ({
    name: (e.fileName as unknown as Buffer).toString('utf8'),
    read: () =>
      new Promise<Buffer>((resolve, reject) => {
        if (e.uncompressedSize > limits.maxEntryBytes)
          return reject(new Error(`entry of ${e.uncompressedSize} bytes is over the ${limits.maxEntryBytes}-byte cap`));
        if (
          e.compressedSize > 0 &&
          e.uncompressedSize / e.compressedSize > limits.maxRatio &&
          e.uncompressedSize > 1024 * 1024
        ) {
          return reject(
            new Error(`entry compresses ${Math.round(e.uncompressedSize / e.compressedSize)}:1, a zip bomb`),
          );
        }
        total += e.uncompressedSize;
        if (total > limits.maxTotalBytes)
          return reject(new Error(`more than ${limits.maxTotalBytes} bytes unpacked from one archive`));
        zip.openReadStream(e, (err, s) => {
          if (err || !s) return reject(err ?? new Error('unreadable entry'));
          const chunks: Buffer[] = [];
          s.on('data', (c: Buffer) => chunks.push(c));
          s.on('error', reject);
          s.on('end', () => resolve(Buffer.concat(chunks)));
        });
      }),
  }));
  return { entries, close: () => zip.close() };
}
