/**
 * Secret findings for the report: from the secret analyzer's facts of the
 * final filesystem, from files deleted by a later layer (still recoverable
 * from the layer that holds them), and from the image configuration.
 */
import type { SecretHit } from '../analyzer/secret/scan-text.js';
import type { ConfigSecrets } from '../analyzer/secret/config.js';
import type { Artifact } from '../model/artifact.js';
import type { MergedFact } from '../model/artifact.js';
import type { LayerRef } from '../model/package.js';
import type { Result, SecretFinding } from '../model/report.js';
import type { ImageConfig } from '../model/image-config.js';

/** Hits of the file's last content (for a deleted file: as its own layer still holds it). */
function hitsOf(fact: MergedFact): { hits: SecretHit[]; layerIndex: number } | undefined {
  const last = fact.history.at(-1);
  const hits = last?.output?.extra?.['secrets'] as SecretHit[] | undefined;
  return last && hits?.length ? { hits, layerIndex: last.layerIndex } : undefined;
}

function finding(h: SecretHit, layer: LayerRef | undefined, deleted: boolean): SecretFinding {
  const f: SecretFinding = {
    ruleId: h.ruleId,
    category: h.category,
    severity: h.severity,
    title: h.title,
    startLine: h.startLine,
    endLine: h.endLine,
    match: h.match,
  };
  if (layer) f.layer = layer;
  if (deleted) f.deleted = true;
  return f;
}

/** History index → layer: history entries marked empty_layer make no layer. */
function layerOfHistory(config: ImageConfig, layers: LayerRef[], historyIndex: number): LayerRef | undefined {
  const h = config.history ?? [];
  if (h[historyIndex]?.empty_layer) return undefined;
  const n = h.slice(0, historyIndex).filter((e) => !e.empty_layer).length;
  return layers[n];
}

/**
 * `configSecrets`: the config's secrets by the scan's rule set (findConfigSecrets).
 * `relativePaths`: targets as paths relative to a project directory (`.env`), as Trivy's fs names them.
 */
export function secretResults(
  artifact: Artifact,
  config: ImageConfig,
  configSecrets: ConfigSecrets,
  opts: { relativePaths?: boolean } = {},
): Result[] {
  const results: Result[] = [];
  const add = (facts: MergedFact[], deleted: boolean): void => {
    for (const fact of facts) {
      if (fact.analyzer !== 'secret' && !fact.analyzer.startsWith('secret:')) continue;
      const found = hitsOf(fact);
      if (!found) continue;
      results.push({
        target: opts.relativePaths ? fact.path : `/${fact.path}`,
        class: 'secret',
        type: '',
        secrets: found.hits.map((h) => finding(h, artifact.layers[found.layerIndex], deleted)),
      });
    }
  };
  add(artifact.merged.current, false);
  add(artifact.merged.removed, true);
  const configHits = configSecrets.hits;
  if (configHits.length) {
    results.push({
      target: 'image config',
      class: 'secret',
      type: '',
      secrets: configHits.map((h) => {
        const f = finding(
          h,
          h.historyIndex !== undefined ? layerOfHistory(config, artifact.layers, h.historyIndex) : undefined,
          false,
        );
        f.title = `${h.title} (${h.where})`;
        return f;
      }),
    });
  }
  return results.sort((a, b) => (a.target < b.target ? -1 : a.target > b.target ? 1 : 0));
}
