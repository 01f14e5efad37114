/**
 * The input documents of a configuration file (schema/policy-input/config.json),
 * as Conftest presents them so its policies run unchanged: each YAML document
 * as-is (Kubernetes, Compose, anything), a Dockerfile as Conftest's list of
 * commands (`[{Cmd, Flags, Value, Stage, SubCmd, JSON, Original}]`, with
 * Trivy's StartLine/EndLine added), and each container of a Kubernetes
 * workload also as `{type: "Container", spec, pod, workload}` (issue 20).
 */
import { DockerfileParser } from 'dockerfile-ast';
import { isDockerfile } from '../../analyzer/config/config-file.js';
import { POD_SPEC } from '../../detect/misconfig/kubernetes.js';
import { parseYamlDocs } from '../../detect/misconfig/yaml-doc.js';

export interface DockerfileCommand {
  Cmd: string;
  Flags: string[];
  Value: string[];
  Stage: number;
  SubCmd: string;
  JSON: boolean;
  Original: string;
  StartLine: number;
  EndLine: number;
}

/** The documents a policy sees for one file (`target` names it; its base name picks Dockerfile or YAML). */
export function configInputs(target: string, text: string): unknown[] {
  if (isDockerfile(target.split('/').pop()!)) return [dockerfileCommands(text)];
  const out: unknown[] = [];
  for (const d of parseYamlDocs(text).docs) {
    if (d.value === null || d.value === undefined) continue;
    out.push(d.value);
    out.push(...workloadContainers(d.value));
  }
  return out;
}

type J = Record<string, unknown>;
const isObject = (v: unknown): v is J => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Each container of a workload, with its pod spec and the workload around it. */
export function workloadContainers(doc: unknown): unknown[] {
  if (!isObject(doc) || typeof doc['kind'] !== 'string') return [];
  const path = POD_SPEC[doc['kind']];
  if (!path) return [];
  let pod: unknown = doc;
  for (const k of path) pod = isObject(pod) ? pod[k] : undefined;
  if (!isObject(pod)) return [];
  const workload = { kind: doc['kind'], apiVersion: doc['apiVersion'], metadata: doc['metadata'] ?? {} };
  const out: unknown[] = [];
  for (const field of ['initContainers', 'containers', 'ephemeralContainers']) {
    const list = pod[field];
    if (!Array.isArray(list)) continue;
    for (const spec of list) if (isObject(spec)) out.push({ type: 'Container', spec, pod, workload });
  }
  return out;
}

/** Instructions whose arguments are one shell command unless written as a JSON array. */
const SHELL_FORM = new Set(['run', 'cmd', 'entrypoint', 'shell']);
/** Instructions whose arguments are key=value pairs, flattened to [key, value, …] as buildkit does. */
const KEY_VALUE = new Set(['env', 'label']);

/** A Dockerfile as Conftest's command list (buildkit's parser output): one entry per instruction. */
export function dockerfileCommands(text: string): DockerfileCommand[] {
  const out: DockerfileCommand[] = [];
  let stage = -1;
  for (const ins of DockerfileParser.parse(text).getInstructions()) {
    const cmd = ins.getKeyword().toLowerCase();
    if (cmd === 'from') stage++;
    const range = ins.getRange();
    // Line continuations joined, as buildkit sees one logical line.
    let rest = (ins.getArgumentsContent() ?? '').replace(/\\\r?\n/g, '').trim();
    // dockerfile-ast takes COPY/ADD/FROM/RUN/HEALTHCHECK flags out of the arguments; others keep them.
    const flags: string[] = flagsOf(ins);
    for (let m = /^--\S+/.exec(rest); m; m = /^--\S+/.exec(rest)) {
      flags.push(m[0]);
      rest = rest.slice(m[0].length).trimStart();
    }
    let subCmd = '';
    if (cmd === 'onbuild') {
      const sp = rest.search(/\s/);
      subCmd = (sp < 0 ? rest : rest.slice(0, sp)).toLowerCase();
      rest = sp < 0 ? '' : rest.slice(sp + 1).trim();
    }
    const json = jsonArray(rest);
    let value: string[];
    if (json && (SHELL_FORM.has(cmd) || SHELL_FORM.has(subCmd) || cmd === 'copy' || cmd === 'add' || cmd === 'volume'))
      value = json;
    else if (SHELL_FORM.has(cmd)) value = rest ? [rest] : [];
    else if (KEY_VALUE.has(cmd)) value = keyValues(rest);
    else value = rest.split(/\s+/).filter(Boolean);
    out.push({
      Cmd: cmd,
      Flags: flags,
      Value: value,
      Stage: Math.max(stage, 0),
      SubCmd: subCmd,
      JSON: json !== undefined,
      Original: text
        .split('\n')
        .slice(range.start.line, range.end.line + 1)
        .join('\n')
        .trim(),
      StartLine: range.start.line + 1,
      EndLine: range.end.line + 1,
    });
  }
  return out;
}

interface AstFlag {
  getName(): string;
  getValue(): string | null;
}

function flagsOf(ins: object): string[] {
  const get = (ins as { getFlags?: () => AstFlag[] }).getFlags;
  if (typeof get !== 'function') return [];
  return get.call(ins).map((f) => {
    const v = f.getValue();
    return v === null ? `--${f.getName()}` : `--${f.getName()}=${v}`;
  });
}

function jsonArray(text: string): string[] | undefined {
  if (!text.startsWith('[')) return undefined;
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) && v.every((x) => typeof x === 'string') ? v : undefined;
  } catch {
    return undefined;
  }
}

/** `A=1 B="two words"` → [A, 1, B, two words]; the legacy `ENV A value words` → [A, value words]. */
function keyValues(text: string): string[] {
  if (!/^[^\s=]+=/.test(text)) {
    const sp = text.search(/\s/);
    return sp < 0 ? [text] : [text.slice(0, sp), text.slice(sp + 1).trim()];
  }
  const out: string[] = [];
  // Linear: one pass over key=value tokens, quoted values kept whole.
  const re = /([^\s=]+)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const raw = m[2]!;
    const unquoted = /^["']/.test(raw) ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw;
    out.push(m[1]!, unquoted);
  }
  return out;
}
