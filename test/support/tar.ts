/** Builds small tar archives in memory for tests (tar-stream's pack). */
import { pack } from 'tar-stream';

export interface TarEntry {
  name: string;
  type?: 'file' | 'directory' | 'symlink' | 'link';
  content?: string | Buffer;
  linkname?: string;
  mode?: number;
  /** Header size that differs from the content (hostile headers). */
  size?: number;
}

export async function makeTar(entries: TarEntry[]): Promise<Buffer> {
  const p = pack();
  const chunks: Buffer[] = [];
  p.on('data', (c: unknown) => {
    chunks.push(c as Buffer);
  });
  const done = new Promise<void>((resolve, reject) => {
    p.on('end', resolve);
    p.on('error', reject);
  });
  for (const e of entries) {
    const type = e.type ?? 'file';
    const body =
      type === 'file'
        ? typeof e.content === 'string'
          ? Buffer.from(e.content)
          : (e.content ?? Buffer.alloc(0))
        : undefined;
    await new Promise<void>((resolve, reject) => {
      p.entry(
        {
          name: e.name,
          type,
          linkname: e.linkname,
          mode: e.mode ?? (type === 'directory' ? 0o755 : 0o644),
          size: body?.length ?? 0,
        },
        body ?? (null as unknown as Buffer),
        (err) => (err ? reject(err) : resolve()),
      );
    });
  }
  p.finalize();
  await done;
  return Buffer.concat(chunks);
}
