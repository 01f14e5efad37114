/**
 * Policies users bring (`--policy`): Rego files compiled once, before any slow
 * work, then evaluated over each input document as Conftest does. A package's
 * `deny` and `violation` rules fail the scan; `warn` rules are reported only.
 * Each package's evaluation has its own deadline: a hostile policy from a
 * config repository stops with a clear error instead of hanging a pipeline.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Misconfiguration, Result, Severity } from '../../model/report.js';
import { SEVERITIES } from '../../model/report.js';
import { compileModules, evaluate, RegoError, type Compiled } from '../../rego/index.js';
import type { RuleNode } from '../../rego/compile.js';
import { UserError, errorMessage } from '../../util/errors.js';
import { parseUntrustedYaml } from '../../util/untrusted-yaml.js';

/** What a request names: policy files or directories, data files, packages to query. */
export interface PolicyOptions {
  paths: string[];
  /** JSON or YAML files merged into `data` (top-level keys must not clash). */
  dataFiles?: string[];
  /**
   * Packages queried (`container.security`). Default: every package with a
   * deny, violation or warn rule (Conftest's `--all-namespaces`).
   */
  namespaces?: string[];
  /** One package's evaluation over one input (default 5 s). */
  deadlineMs?: number;
}

export interface LoadedPolicies {
  compiled: Compiled;
  data: Record<string, unknown>;
  /** Packages queried, each with the result rules it defines. */
  packages: { name: string; rules: RuleName[] }[];
  deadlineMs: number;
}

type RuleName = 'deny' | 'violation' | 'warn';
const RULE_NAMES: readonly RuleName[] = ['deny', 'violation', 'warn'];

/** The result type of policy findings: counted by the policy gate, not by `--exit-code`'s finding count. */
export const POLICY_RESULT_TYPE = 'rego';

const MAX_POLICY_FILES = 10_000;
const MAX_POLICY_BYTES = 4 * 1024 * 1024;
const MAX_DEPTH = 32;
const DEFAULT_DEADLINE_MS = 5_000;

/** Reads and compiles the policies: an unreadable file or a Rego error is one UserError with file:line:column. */
export function loadPolicies(opts: PolicyOptions): LoadedPolicies {
  const files = opts.paths.flatMap((p) => regoFiles(p));
  if (files.length === 0)
    throw new UserError(`--policy ${opts.paths.join(', ')}: no .rego files`, 'name .rego files or directories of them');
  const modules = files.map((path) => ({ path, text: readBounded(path, '--policy') }));
  let compiled: Compiled;
  try {
    compiled = compileModules(modules);
  } catch (e) {
    if (e instanceof RegoError) throw new UserError(`policy: ${e.message}`, 'fix the policy and run again');
    throw e;
  }
  const data: Record<string, unknown> = {};
  for (const file of opts.dataFiles ?? []) mergeData(data, readData(file), file);
  const found = resultPackages(compiled.root);
  let packages = found;
  if (opts.namespaces?.length) {
    packages = opts.namespaces.map((ns) => {
      const pkg = found.find((p) => p.name === ns);
      if (!pkg)
        throw new UserError(
          `--namespace ${ns}: no deny, violation or warn rule in that package`,
          found.length
            ? `use one of ${found.map((p) => p.name).join(', ')}`
            : 'check the package names of the policies',
        );
      return pkg;
    });
  }
  if (packages.length === 0)
    throw new UserError('--policy: no package has a deny, violation or warn rule', 'name the rules as Conftest does');
  return { compiled, data, packages, deadlineMs: opts.deadlineMs ?? DEFAULT_DEADLINE_MS };
}

export interface PolicyFindings {
  /** deny and violation results. */
  failures: Misconfiguration[];
  warnings: Misconfiguration[];
}

/**
 * Evaluates every package over one input document. An evaluation error
 * (the deadline, a recursion or size cap, a built-in failing) stops the scan:
 * a policy that cannot answer must not read as a pass.
 */
export function evaluatePolicies(policies: LoadedPolicies, input: unknown): PolicyFindings {
  const out: PolicyFindings = { failures: [], warnings: [] };
  for (const pkg of policies.packages) {
    for (const rule of pkg.rules) {
      const query = `data.${pkg.name}.${rule}`;
      const r = evaluate(policies.compiled, query, {
        input,
        data: policies.data,
        limits: { deadlineMs: policies.deadlineMs },
      });
      if (r.kind === 'error') {
        // The message starts with the policy's file:line:column when the engine knows it.
        throw new UserError(`policy ${query}: ${r.message}`, 'fix or remove the policy');
      }
      if (r.kind === 'undefined') continue;
      const found = messagesOf(r.value, query).map((m) => finding(m, pkg.name, rule));
      (rule === 'warn' ? out.warnings : out.failures).push(...found);
    }
  }
  return out;
}

/** Policy findings as a report result (one per input target), or none when there are none. */
export function policyResult(target: string, found: PolicyFindings): Result[] {
  const all = [...found.failures, ...found.warnings];
  return all.length ? [{ target, class: 'config', type: POLICY_RESULT_TYPE, misconfigurations: all }] : [];
}

interface Message {
  msg: string;
  severity?: Severity;
  id?: string;
}

/** Conftest's result shapes: a set of strings, of objects with `msg`, or a boolean rule that is true. */
function messagesOf(value: unknown, query: string): Message[] {
  if (value === true) return [{ msg: `${query} is true` }];
  if (value === false || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.map((v) => {
    if (typeof v === 'string') return { msg: v };
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
      const o = v as Record<string, unknown>;
      const sev = typeof o['severity'] === 'string' ? o['severity'].toUpperCase() : undefined;
      const id = o['id'] ?? o['avd_id'];
      return {
        msg: typeof o['msg'] === 'string' ? o['msg'] : JSON.stringify(v),
        ...(sev && (SEVERITIES as readonly string[]).includes(sev) ? { severity: sev as Severity } : {}),
        ...(typeof id === 'string' ? { id } : {}),
      };
    }
    return { msg: JSON.stringify(v) };
  });
}

function finding(m: Message, pkg: string, rule: RuleName): Misconfiguration {
  return {
    id: m.id ?? `${pkg}.${rule}`,
    title: m.msg,
    description: `Rego policy data.${pkg}.${rule}`,
    message: m.msg,
    resolution: '',
    // Conftest results carry no severity: a failure is HIGH and a warning LOW unless the result says.
    severity: m.severity ?? (rule === 'warn' ? 'LOW' : 'HIGH'),
    status: 'FAIL',
    references: [],
  };
}

/** Packages (dotted) holding a deny, violation or warn rule, in name order. */
function resultPackages(root: RuleNode): { name: string; rules: RuleName[] }[] {
  const out: { name: string; rules: RuleName[] }[] = [];
  const walk = (node: RuleNode): void => {
    const rules = RULE_NAMES.filter((n) => (node.children.get(n)?.rules.length ?? 0) > 0);
    if (rules.length && node.path.length) out.push({ name: node.path.join('.'), rules });
    for (const child of node.children.values()) walk(child);
  };
  walk(root);
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/** A file, or the .rego files under a directory (sorted, bounded in count and depth). */
function regoFiles(path: string): string[] {
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st) throw new UserError(`--policy ${path}: not found`, 'name a .rego file or a directory of them');
  if (st.isFile()) return [path];
  const out: string[] = [];
  const walk = (dir: string, depth: number): void => {
    if (depth > MAX_DEPTH) return;
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(dir, e.name);
      if (e.isDirectory() && !e.name.startsWith('.')) walk(p, depth + 1);
      else if (e.isFile() && e.name.endsWith('.rego')) out.push(p);
      if (out.length > MAX_POLICY_FILES)
        throw new UserError(`--policy ${path}: more than ${MAX_POLICY_FILES} .rego files`, 'name a smaller directory');
    }
  };
  walk(path, 0);
  return out;
}

function readBounded(path: string, flag: string): string {
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st?.isFile()) throw new UserError(`${flag} ${path}: not a readable file`);
  if (st.size > MAX_POLICY_BYTES)
    throw new UserError(`${flag} ${path}: larger than ${MAX_POLICY_BYTES} bytes`, 'split it or name another file');
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new UserError(`${flag} ${path}: cannot read (${errorMessage(e)})`);
  }
}

function readData(file: string): Record<string, unknown> {
  const text = readBounded(file, '--data');
  let parsed: unknown;
  try {
    parsed = file.endsWith('.json') ? JSON.parse(text) : parseUntrustedYaml(text);
  } catch (e) {
    throw new UserError(`--data ${file}: not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'} (${errorMessage(e)})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new UserError(`--data ${file}: must be a mapping (its keys become data.<key>)`);
  return parsed as Record<string, unknown>;
}

function mergeData(into: Record<string, unknown>, add: Record<string, unknown>, file: string): void {
  for (const [k, v] of Object.entries(add)) {
    if (k in into) throw new UserError(`--data ${file}: data.${k} is already defined by another data file`);
    into[k] = v;
  }
}
