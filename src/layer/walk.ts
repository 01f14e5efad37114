/**
 * The layer walk: reads one layer's tar stream exactly once, offers each path
 * to the analyzers, reads only the files one of them wants, and records the
 * layer's structure (whiteouts, symlinks). Nothing is written to disk.
 */
import { extract, type Header } from 'tar-stream';
import type { Analyzer, FileInfo } from '../analyzer/types.js';
import type { AnalyzerOutput } from '../model/facts.js';
import { releaseMemory } from '../util/early-release.js';
import { errorMessage, LimitError } from '../util/errors.js';
import type { TarStream } from './decompress.js';
import type { AnalyzerLayerFacts, FileAnalysis, LayerFacts } from '../model/facts.js';
import type { WalkLimits } from './limits.js';
import type { PathSkipper } from './path-skip.js';
import { basenameOf, dirnameOf, normaliseImagePath } from './path.js';

const WHITEOUT_PREFIX = '.wh.';
const OPAQUE_MARKER = '.wh..wh..opq';
/**
 * A hardlink entry carries no content: it names an earlier entry of the same
 * layer. Files already read are kept for that, up to 1 MiB each and 4 MiB in
 * all, oldest dropped first: layer writers emit a link soon after its target
 * (same directory walk), and keeping every read file cost tens of MiB per layer.
 */
const HARDLINK_KEEP_FILE_BYTES = 1024 * 1024;
const HARDLINK_KEEP_TOTAL_BYTES = 4 * 1024 * 1024;
const MAX_WARNINGS_PER_FILE = 20;

export interface WalkOptions {
  analyzers: readonly Analyzer[];
  limits: WalkLimits;
  /** Names the layer in warnings (`layer sha256:… (#3)`). */
  layerName: string;
  /** `--skip-dirs`/`--skip-files`: these files are offered to no analyzer and never read. */
  skip?: PathSkipper;
}

/** Called with how many bytes of the current entry's data the walk has used. */
type Progress = (entryBytes: number) => void;

export async function walkLayer(tar: TarStream, opts: WalkOptions): Promise<LayerFacts> {
  const { analyzers, limits, layerName, skip } = opts;
  const structure: LayerFacts['structure'] = {
    whiteouts: [],
    opaqueDirs: [],
    symlinks: {},
    setidFiles: [],
    entries: 0,
    warnings: [],
  };
  const perAnalyzer = new Map<string, FileAnalysis[]>(analyzers.map((a) => [a.name, []]));
  const keptForHardlinks = new RecentContents(HARDLINK_KEEP_TOTAL_BYTES);

  const ex = extract();
  tar.stream.on('error', (e) => ex.destroy(e));
  if (tar.stream.errored) ex.destroy(tar.stream.errored);
  tar.stream.pipe(ex);

  for await (const entry of ex) {
    const header: Header = entry.header;
    // tar-stream notes where the entry's data starts in the tar; the walk reports its way
    // through the data from there, so the buffers behind it can be released early.
    const dataStart = (header as { byteOffset?: unknown }).byteOffset;
    const progress: Progress | undefined =
      typeof dataStart === 'number' ? (n) => tar.consumedTo(dataStart + n) : undefined;
    progress?.(0); // the headers before it are parsed: entries without data move the point on too
    structure.entries++;
    if (structure.entries > limits.maxEntriesPerLayer) {
      throw new LimitError(
        `${layerName}: tar entries`,
        'max entries per layer',
        limits.maxEntriesPerLayer,
        'raise --max-entries-per-layer if the image is genuine',
      );
    }
    const norm = normaliseImagePath(header.name);
    if (!norm.ok) {
      structure.warnings.push(
        `${layerName}: skipped tar entry ${JSON.stringify(header.name.slice(0, 200))}: ${norm.reason}`,
      );
      await drain(entry, progress);
      continue;
    }
    const path = norm.path;
    const base = basenameOf(path);
    if (base.startsWith(WHITEOUT_PREFIX)) {
      if (base === OPAQUE_MARKER) structure.opaqueDirs.push(dirnameOf(path));
      else structure.whiteouts.push(joinPath(dirnameOf(path), base.slice(WHITEOUT_PREFIX.length)));
      await drain(entry, progress);
      continue;
    }
    const mode = (header.mode ?? 0) & 0o7777;
    switch (header.type) {
      case 'symlink':
        structure.symlinks[path] = header.linkname ?? '';
        await drain(entry, progress);
        continue;
      case 'link': {
        await drain(entry, progress);
        if (skip?.skipsFile(path)) continue;
        const target = normaliseImagePath(header.linkname ?? '');
        if (!target.ok) continue;
        const content = keptForHardlinks.get(target.path);
        const info: FileInfo = { path, size: content?.length ?? 0, mode };
        const wanting = analyzers.filter((a) => safeRequired(a, path, info));
        if (!wanting.length) continue;
        if (!content) {
          structure.warnings.push(
            `${layerName}: ${path} is a hardlink to ${target.path}, whose content was not kept (too large or too far back in the layer); not analysed`,
          );
          continue;
        }
        await analyzeFile(wanting, { ...info, content }, layerName, perAnalyzer);
        continue;
      }
      case 'file':
      case 'contiguous-file': {
        const size = header.size ?? 0;
        if (mode & 0o6000) structure.setidFiles.push({ path, mode });
        if (skip?.skipsFile(path)) {
          await drain(entry, progress);
          continue;
        }
        const info: FileInfo = { path, size, mode };
        const wanting = analyzers.filter((a) => safeRequired(a, path, info));
        if (!wanting.length) {
          await drain(entry, progress);
          continue;
        }
        const fitting = wanting.filter((a) => size <= fileCap(a, limits));
        for (const a of wanting) {
          if (size > a.maxFileSize) {
            perAnalyzer.get(a.name)!.push({
              path,
              warnings: [
                `${layerName}: ${path}: ${size} bytes exceeds the ${a.name} analyzer's size cap (${a.maxFileSize}); not analysed`,
              ],
            });
          } else if (size > limits.maxFileBytes) {
            perAnalyzer.get(a.name)!.push({
              path,
              warnings: [
                `${layerName}: ${path}: ${size} bytes is more than one file may take of the memory budget (${limits.maxFileBytes}); not analysed (raise --memory-budget)`,
              ],
            });
          }
        }
        if (!fitting.length) {
          await drain(entry, progress);
          continue;
        }
        const content = await readAll(entry, size, progress);
        const kept = content.length <= HARDLINK_KEEP_FILE_BYTES;
        if (kept) keptForHardlinks.add(path, content);
        await analyzeFile(fitting, { ...info, content }, layerName, perAnalyzer);
        if (!kept) releaseMemory(content.buffer); // readAll's own memory; analyzers keep no view of it
        continue;
      }
      default:
        await drain(entry, progress);
    }
  }
  tar.consumedTo(Number.POSITIVE_INFINITY);
  keptForHardlinks.clear();
  const analyzerFacts: AnalyzerLayerFacts[] = analyzers.map((a) => ({
    analyzer: a.name,
    files: perAnalyzer.get(a.name)!,
  }));
  return { structure, analyzers: analyzerFacts };
}

/** The most bytes of one file `a` reads: its own cap, lowered by the memory budget. */
export function fileCap(a: Analyzer, limits: WalkLimits): number {
  return Math.min(a.maxFileSize, limits.maxFileBytes);
}

/** The most recently read file contents, bounded in total bytes (a Map iterates oldest first); those dropped are released. */
class RecentContents {
  private readonly files = new Map<string, Buffer>();
  private bytes = 0;
  constructor(private readonly maxBytes: number) {}

  add(path: string, content: Buffer): void {
    this.remove(path);
    this.files.set(path, content);
    this.bytes += content.length;
    for (const [oldest] of this.files) {
      if (this.bytes <= this.maxBytes) break;
      this.remove(oldest);
    }
  }

  get(path: string): Buffer | undefined {
    return this.files.get(path);
  }

  clear(): void {
    for (const path of [...this.files.keys()]) this.remove(path);
  }

  private remove(path: string): void {
    const old = this.files.get(path);
    if (old) {
      this.bytes -= old.length;
      this.files.delete(path);
      releaseMemory(old.buffer);
    }
  }
}

function joinPath(dir: string, name: string): string {
  return dir ? `${dir}/${name}` : name;
}

function safeRequired(a: Analyzer, path: string, info: FileInfo): boolean {
  try {
    return a.required(path, info);
  } catch {
    return false;
  }
}

async function analyzeFile(
  wanting: Analyzer[],
  file: FileInfo & { content: Buffer },
  layerName: string,
  out: Map<string, FileAnalysis[]>,
): Promise<void> {
  for (const a of wanting) {
    const warnings: string[] = [];
    let dropped = 0;
    // A broken file can yield a warning per line: keep the first few, count the rest.
    const warn = (m: string): void => {
      if (warnings.length < MAX_WARNINGS_PER_FILE) warnings.push(`${layerName}: ${file.path}: ${m}`);
      else dropped++;
    };
    let output: AnalyzerOutput | undefined;
    try {
      output = (await a.analyze(file, { warn })) ?? undefined;
    } catch (e) {
      warnings.push(`${layerName}: ${file.path}: ${a.name} analyzer failed: ${errorMessage(e)}`);
    }
    if (dropped)
      warnings.push(`${layerName}: ${file.path}: ${dropped} more warnings from the ${a.name} analyzer not shown`);
    const rec: FileAnalysis = { path: file.path };
    if (output) rec.output = output;
    if (warnings.length) rec.warnings = warnings;
    out.get(a.name)!.push(rec);
  }
}

/** Skips an entry's bytes; the tar stream cannot move on before they are consumed. */
async function drain(entry: AsyncIterable<unknown>, progress: Progress | undefined): Promise<void> {
  let got = 0;
  for await (const chunk of entry) {
    got += (chunk as Buffer).length;
    progress?.(got);
  }
}

/** Reads an entry into one buffer of its declared size: chunks are copied in and dropped at once, never held as a list. */
async function readAll(entry: AsyncIterable<unknown>, size: number, progress: Progress | undefined): Promise<Buffer> {
  const out = Buffer.allocUnsafeSlow(size); // its own memory, not a slice of the shared pool that a kept file would pin
  let got = 0;
  for await (const chunk of entry) {
    const b = chunk as Buffer;
    if (got + b.length > size) throw new Error(`entry is longer than its header says (${size} bytes)`);
    b.copy(out, got);
    got += b.length;
    progress?.(got);
  }
  if (got !== size) throw new Error(`entry is truncated (${got} of ${size} bytes)`);
  return out;
}
