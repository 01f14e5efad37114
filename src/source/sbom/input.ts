/**
 * The bytes of an SBOM document: a file, or standard input for `-` (`customs
 * sbom -`, Grype's `sbom:-`). Both are bounded by --max-sbom-size before any
 * parsing: a file by its size, stdin by counting as it arrives.
 */
import { readFileSync, statSync } from 'node:fs';
import { LimitError, UserError } from '../../util/errors.js';

/** What messages call a document read from standard input. */
export const STDIN_LABEL = 'stdin';

function tooLarge(label: string, size: number | string, maxBytes: number): LimitError {
  return new LimitError(
    `${label}: ${size} bytes`,
    'max SBOM size',
    maxBytes,
    'raise --max-sbom-size if the SBOM is genuine',
  );
}

export function readSbomFile(file: string, maxBytes: number): string {
  let size: number;
  try {
    size = statSync(file).size;
  } catch (e) {
    throw new UserError(`${file}: cannot read (${(e as Error).message})`);
  }
  if (size > maxBytes) throw tooLarge(file, size, maxBytes);
  return readFileSync(file, 'utf8');
}

/** Standard input to its end, refused as soon as it passes maxBytes (the rest is never buffered). */
export async function readSbomStdin(maxBytes: number, stdin: NodeJS.ReadableStream = process.stdin): Promise<string> {
  if ((stdin as { isTTY?: boolean }).isTTY)
    throw new UserError('sbom -: standard input is a terminal', 'pipe the SBOM in: customs sbom - < sbom.json');
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stdin) {
    const buf: Buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    total += buf.length;
    if (total > maxBytes) {
      (stdin as { destroy?: () => void }).destroy?.();
      throw tooLarge(STDIN_LABEL, `more than ${maxBytes}`, maxBytes);
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks, total).toString('utf8');
}
