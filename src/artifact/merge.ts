/**
 * Applies layers bottom-up, as the container runtime would: later files
 * replace earlier ones, whiteouts and opaque directories hide lower content,
 * a symlink hides what was below its path. Works on analyzer facts only,
 * never on file bytes. Keeps, for every surviving fact, the run of layers
 * that wrote it, which is what layer attribution needs.
 */
import type { FactVersion, MergedFact, MergedLayers } from '../model/artifact.js';
import type { AnalyzerOutput, LayerFacts } from '../model/facts.js';
import { dirnameOf } from '../layer/path.js';

function keyOf(analyzer: string, path: string): string {
  return `${analyzer}\0${path}`;
}

/** True when `path` or one of its ancestors is in `set`. `strict`: ancestors only. */
function hiddenBy(path: string, set: Set<string>, strict = false): boolean {
  if (!set.size) return false;
  if (!strict && set.has(path)) return true;
  for (let p = dirnameOf(path); ; p = dirnameOf(p)) {
    if (set.has(p)) return true;
    if (p === '') return false;
  }
}

export function mergeLayers(layers: readonly LayerFacts[]): MergedLayers {
  const current = new Map<string, MergedFact>();
  const removed: MergedFact[] = [];
  const symlinks = new Map<string, string>();
  const setid = new Map<string, { path: string; mode: number; layerIndex: number }>();
  const warnings: string[] = [];

  layers.forEach((layer, layerIndex) => {
    const s = layer.structure;
    warnings.push(...s.warnings);
    const gone = new Set(s.whiteouts);
    const opaque = new Set(s.opaqueDirs);
    const linked = new Set(Object.keys(s.symlinks));
    // Paths this layer writes as regular files replace lower symlinks at the same place.
    const writes = new Set<string>();
    for (const a of layer.analyzers) for (const f of a.files) writes.add(f.path);

    const hides = (path: string): boolean =>
      hiddenBy(path, gone) || hiddenBy(path, opaque, true) || hiddenBy(path, linked);
    for (const [key, fact] of current) {
      if (hides(fact.path)) {
        current.delete(key);
        removed.push(fact);
      }
    }
    for (const [path] of symlinks)
      if (hiddenBy(path, gone) || hiddenBy(path, opaque, true) || writes.has(path)) symlinks.delete(path);
    for (const [path] of setid) if (hides(path) || writes.has(path)) setid.delete(path);

    for (const [path, target] of Object.entries(s.symlinks)) symlinks.set(path, target);
    for (const f of s.setidFiles) setid.set(f.path, { ...f, layerIndex });
    for (const a of layer.analyzers) {
      for (const f of a.files) {
        if (f.warnings) warnings.push(...f.warnings);
        const key = keyOf(a.analyzer, f.path);
        const version: FactVersion = f.output ? { layerIndex, output: f.output } : { layerIndex };
        const existing = current.get(key);
        if (existing) existing.history.push(version);
        else current.set(key, { analyzer: a.analyzer, path: f.path, history: [version] });
      }
    }
  });
  return { current: [...current.values()], removed, symlinks, setidFiles: [...setid.values()], warnings };
}

/**
 * The layer that introduced a fact's current value: walking down from the
 * top, the lowest layer of the unbroken run in which `present` holds.
 */
export function introducingLayer(fact: MergedFact, present: (output: AnalyzerOutput | undefined) => boolean): number {
  const h = fact.history;
  let k = h.length - 1;
  while (k > 0 && present(h[k - 1]!.output)) k--;
  return h[k]!.layerIndex;
}
