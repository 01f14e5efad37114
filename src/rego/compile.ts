/**
 * Compilation: modules merged into one tree of rules by path, every name
 * resolved once (a local variable, `input`/`data`, an import, a rule of the
 * package, a function or a built-in), variables declared in nested scopes
 * renamed so they cannot capture outer ones, and each body reordered so that
 * an expression runs only once the variables it reads are bound (OPA's safety
 * reordering). Unknown functions and constant operands of the wrong type are
 * compile errors, never a silent false at run time.
 */
import type { Annotations, Expr, Module, RuleDef, Term } from './ast.js';
import { BUILTINS } from './builtins/index.js';
import { checkOperands, type BuiltinTable } from './builtins/types.js';
import { BuiltinError, RegoError, type Location } from './errors.js';
import { parseModule, parseQuery } from './parser.js';
import { RObject, RSet, type Value } from './value.js';

export interface RuleNode {
  path: string[];
  children: Map<string, RuleNode>;
  rules: CompiledRule[];
  /** Annotations of packages at this path (for rego.metadata.chain). */
  pkgAnnotations: Annotations[];
}

export interface CompiledRule extends RuleDef {
  module: Module;
  pkg: string[];
}

export interface Compiled {
  root: RuleNode;
  modules: Module[];
  /** Queries already parsed and resolved against these modules (one policy, many inputs). */
  queries: Map<string, Expr[]>;
  /** OPA's built-ins plus the caller's own. */
  builtins: BuiltinTable;
}

export interface CompileOptions {
  /**
   * Built-ins the caller adds (Trivy's `result.new`, a host's own helpers); a name
   * OPA already defines is refused, so a policy cannot have its built-ins swapped.
   */
  builtins?: BuiltinTable;
}

const ROOTS = new Set(['input', 'data']);

export function compileModules(modules: { path: string; text: string }[], options: CompileOptions = {}): Compiled {
  for (const name of Object.keys(options.builtins ?? {})) {
    if (BUILTINS[name])
      throw new RegoError('rego_compile_error', `built-in ${name} is already defined; a caller cannot replace it`);
  }
  const builtins: BuiltinTable = { ...BUILTINS, ...options.builtins };
  const parsed = modules.map((m) => parseModule(m.text, m.path));
  const root: RuleNode = newNode([]);
  for (const mod of parsed) {
    const pkgNode = nodeAt(root, mod.pkg);
    pkgNode.pkgAnnotations.push(...mod.pkgAnnotations);
    for (const r of mod.rules) {
      if (mod.regoV1 && ROOTS.has(r.name[0]!))
        throw new RegoError('rego_compile_error', `${r.name[0]} cannot be shadowed by a rule`, r.loc);
      const node = nodeAt(pkgNode, r.name);
      node.rules.push({ ...r, module: mod, pkg: mod.pkg });
    }
  }
  checkImports(parsed);
  for (const mod of parsed) {
    const pkgNode = nodeAt(root, mod.pkg);
    const resolver = new Resolver(mod, pkgNode, root, builtins);
    for (const r of collectRules(pkgNode, mod)) resolver.rule(r);
  }
  checkRuleKinds(root);
  checkRecursion(root);
  return { root, modules: parsed, queries: new Map(), builtins };
}

/** Parses and resolves a query against the compiled modules (no package: refs are absolute). */
export function compileQuery(compiled: Compiled, text: string): Expr[] {
  const cached = compiled.queries.get(text);
  if (cached) return cached;
  const exprs = parseQuery(text);
  const mod: Module = {
    file: 'query',
    pkg: [],
    imports: [],
    rules: [],
    regoV1: true,
    pkgAnnotations: [],
    loc: { file: 'query', row: 1, col: 1 },
  };
  const resolver = new Resolver(mod, undefined, compiled.root, compiled.builtins);
  const body = resolver.topBody(exprs, new Set());
  if (compiled.queries.size < 256) compiled.queries.set(text, body);
  return body;
}

function newNode(path: string[]): RuleNode {
  return { path, children: new Map(), rules: [], pkgAnnotations: [] };
}

function nodeAt(from: RuleNode, segs: string[]): RuleNode {
  let node = from;
  for (const s of segs) {
    let child = node.children.get(s);
    if (!child) {
      child = newNode([...node.path, s]);
      node.children.set(s, child);
    }
    node = child;
  }
  return node;
}

function findNode(root: RuleNode, segs: string[]): RuleNode | undefined {
  let node: RuleNode | undefined = root;
  for (const s of segs) {
    node = node.children.get(s);
    if (!node) return undefined;
  }
  return node;
}

function collectRules(pkgNode: RuleNode, mod: Module): CompiledRule[] {
  const out: CompiledRule[] = [];
  const walk = (n: RuleNode): void => {
    for (const r of n.rules) if (r.module === mod) out.push(r);
    for (const c of n.children.values()) walk(c);
  };
  walk(pkgNode);
  return out;
}

function checkImports(mods: Module[]): void {
  for (const mod of mods) {
    const seen = new Map<string, string>();
    let keywords: string | undefined;
    for (const imp of mod.imports) {
      if (imp.path[0] === 'future' || imp.path[0] === 'rego') {
        const name = imp.path.join('.');
        if (name !== 'rego.v1' && !/^future\.keywords(\.(in|if|contains|every))?$/.test(name)) {
          throw new RegoError('rego_parse_error', `invalid import ${name}`, imp.loc);
        }
        if (keywords !== undefined && (name === 'rego.v1' || keywords === 'rego.v1')) {
          throw new RegoError(
            'rego_compile_error',
            `import ${name}: this import shadows previous import of ${keywords}`,
            imp.loc,
          );
        }
        keywords = name;
        continue;
      }
      const name = imp.alias ?? imp.path[imp.path.length - 1]!;
      if (imp.path.length === 1 && imp.alias === undefined) continue;
      if (seen.has(name))
        throw new RegoError('rego_compile_error', `import ${name}: this import shadows previous import`, imp.loc);
      if (ROOTS.has(name) && imp.alias !== undefined) {
        throw new RegoError('rego_compile_error', `${name} cannot be shadowed`, imp.loc);
      }
      seen.set(name, imp.path.join('.'));
    }
  }
}

function checkRuleKinds(node: RuleNode): void {
  const kinds = new Set(
    node.rules
      .filter((r) => !r.isDefault)
      .map((r) => (r.kind === 'function' ? 'function' : r.kind === 'complete' ? 'complete' : 'multi')),
  );
  if (kinds.size > 1) {
    const r = node.rules[1]!;
    throw new RegoError(
      'rego_type_error',
      `rule data.${node.path.join('.')} conflicts with the following rule: kinds differ`,
      r.loc,
    );
  }
  const defaults = node.rules.filter((r) => r.isDefault);
  if (defaults.length > 1) {
    throw new RegoError(
      'rego_type_error',
      `multiple default rules data.${node.path.join('.')} found`,
      defaults[1]!.loc,
    );
  }
  const fns = node.rules.filter((r) => r.kind === 'function');
  if (fns.length > 0 && new Set(fns.map((f) => f.args!.length)).size > 1) {
    throw new RegoError('rego_type_error', `function data.${node.path.join('.')} has arity mismatch`, fns[1]!.loc);
  }
  for (const c of node.children.values()) checkRuleKinds(c);
}

/** Scopes map a declared name to its internal name; nested declarations get fresh names. */
class Scope {
  readonly names = new Map<string, string>();
  constructor(readonly parent?: Scope) {}
  lookup(name: string): string | undefined {
    return this.names.get(name) ?? this.parent?.lookup(name);
  }
}

let freshCounter = 0;

class Resolver {
  private readonly aliases = new Map<string, string[]>();

  constructor(
    private readonly mod: Module,
    private readonly pkgNode: RuleNode | undefined,
    private readonly root: RuleNode,
    private readonly builtins: BuiltinTable,
  ) {
    for (const imp of mod.imports) {
      if (imp.path[0] === 'future' || imp.path[0] === 'rego') continue;
      const name = imp.alias ?? imp.path[imp.path.length - 1]!;
      this.aliases.set(name, imp.path);
    }
  }

  rule(r: CompiledRule): void {
    const scope = new Scope();
    const bound = new Set<string>();
    if (r.args) {
      for (const a of r.args) for (const v of patternVars(a)) scope.names.set(v, v);
      r.args = r.args.map((a) => this.term(a, scope));
      for (const a of r.args) for (const v of termVars(a)) bound.add(v);
    }
    if (r.isDefault) {
      if (r.value) r.value = this.term(r.value, scope);
      return;
    }
    r.body = this.body(r.body, scope, bound, headVars(r));
    if (r.value) r.value = this.term(r.value, scope);
    if (r.member) r.member = this.term(r.member, scope);
    r.keys = r.keys.map((k) => this.term(k, scope));
    for (const e of r.elses) {
      const elseScope = new Scope();
      if (r.args) for (const a of r.args) for (const v of termVars(a)) elseScope.names.set(v, v);
      e.body = this.body(e.body, elseScope, new Set(bound), []);
      if (e.value) e.value = this.term(e.value, elseScope);
    }
  }

  topBody(exprs: Expr[], bound: Set<string>): Expr[] {
    return this.body(exprs, new Scope(), bound, []);
  }

  /** Resolves a body: declarations first (they scope the whole body), then each expression, then reorders. */
  private body(exprs: Expr[], scope: Scope, bound: Set<string>, later: string[], nested = false): Expr[] {
    const inner = nested ? new Scope(scope) : scope;
    const seen = new Set<string>(inner.names.keys());
    const declaredHere = new Set<string>(inner.names.keys());
    for (const e of exprs) {
      const declared = e.e === 'some' ? e.vars : e.e === 'assign' ? patternVars(e.l) : [];
      for (const v of declared) {
        if (ROOTS.has(v) && this.mod.regoV1)
          throw new RegoError('rego_compile_error', `${v} cannot be shadowed`, e.loc);
        if (v === '_') continue;
        if (e.e === 'assign' && declaredHere.has(v))
          throw new RegoError('rego_compile_error', `var ${v} assigned above`, e.loc);
        if (e.e === 'assign' && seen.has(v)) {
          throw new RegoError(
            'rego_compile_error',
            `var ${v} referenced above (var \`${v}\` used before definition below)`,
            e.loc,
          );
        }
        declaredHere.add(v);
        // A local named input/data (v0 allows it) must not read as the root document.
        inner.names.set(v, nested || inner.parent || ROOTS.has(v) ? `${v}$${++freshCounter}` : v);
      }
      if (e.e === 'assign') termVars(e.r).forEach((v) => seen.add(v));
      else exprVars(e, []).forEach((v) => seen.add(v));
      if (e.e === 'somein')
        for (const t of e.key ? [e.key, e.value] : [e.value]) patternVars(t).forEach((v) => declaredHere.add(v));
    }
    const out = exprs.map((e) => this.expr(e, inner, bound));
    return reorder(out, bound, later);
  }

  private expr(e: Expr, scope: Scope, bound: Set<string>): Expr {
    const withs = e.withs.map((w) => ({
      ...w,
      target: this.withTarget(w.target),
      value: this.term(w.value, scope),
      fnValue: this.functionName(w.value),
    }));
    switch (e.e) {
      case 'term':
        // Only a call standing as an expression may take an output argument (`count(xs, n)`).
        return { ...e, withs, term: e.term.t === 'call' ? this.call(e.term, scope) : this.term(e.term, scope) };
      case 'unify':
        checkPatterns(e.l, e.r);
        return { ...e, withs, l: this.term(e.l, scope), r: this.term(e.r, scope) };
      case 'assign':
        checkPatterns(e.l, e.r);
        if (!['var', 'array', 'object'].includes(e.l.t) || patternVars(e.l).length === 0) {
          throw new RegoError(
            'rego_compile_error',
            'assignment operator := requires left-hand side to have bindable variables',
            e.loc,
          );
        }
        return { ...e, withs, l: this.term(e.l, scope), r: this.term(e.r, scope) };
      case 'some':
        return { ...e, withs, vars: e.vars.map((v) => scope.lookup(v) ?? v) };
      case 'not':
        return { ...e, withs, expr: this.expr(e.expr, scope, bound) };
      case 'somein': {
        const coll = this.term(e.coll, scope);
        const binders = new Scope(scope);
        for (const t of e.key ? [e.key, e.value] : [e.value]) {
          for (const v of patternVars(t)) binders.names.set(v, `${v}$${++freshCounter}`);
        }
        // Binders of `some … in` belong to the enclosing body: copy them into its scope.
        for (const [k, v] of binders.names) scope.names.set(k, v);
        return {
          ...e,
          withs,
          coll,
          key: e.key ? this.term(e.key, scope) : undefined,
          value: this.term(e.value, scope),
        };
      }
      case 'every': {
        const coll = this.term(e.coll, scope);
        const inner = new Scope(scope);
        for (const t of e.key ? [e.key, e.value] : [e.value]) {
          for (const v of patternVars(t)) inner.names.set(v, `${v}$${++freshCounter}`);
        }
        const key = e.key ? this.term(e.key, inner) : undefined;
        const value = this.term(e.value, inner);
        const innerBound = new Set(bound);
        for (const t of key ? [key, value] : [value]) for (const v of termVars(t)) innerBound.add(v);
        return { ...e, withs, coll, key, value, body: this.body(e.body, inner, innerBound, [], true) };
      }
    }
  }

  /** The function or built-in a term names (`data.lib.f`, an alias's `lib.f`, `count`), if any. */
  private functionName(t: Term): string | undefined {
    const name = t.t === 'var' ? t.name : t.t === 'ref' ? refName(t) : undefined;
    if (name === undefined) return undefined;
    const fn = this.functionPath(name);
    if (fn && findNode(this.root, fn)?.rules.some((r) => r.kind === 'function')) return `data.${fn.join('.')}`;
    return this.builtins[name] && !name.includes('$') ? name : undefined;
  }

  private withTarget(t: Term): Term {
    const fn = this.functionName(t);
    if (fn) return { t: 'scalar', v: fn, loc: t.loc };
    if (t.t === 'var' && ROOTS.has(t.name)) return t;
    if (t.t === 'ref' && t.head.t === 'var' && ROOTS.has(t.head.name)) return t;
    if (t.t === 'var' || t.t === 'ref') {
      // An import alias of a data path (`import data.lib` … `with lib.x as …`).
      const resolved = this.term(t, new Scope());
      if (resolved.t === 'ref' && resolved.head.t === 'var' && ROOTS.has(resolved.head.name)) return resolved;
    }
    if (t.t === 'var' || (t.t === 'ref' && t.head.t === 'var')) {
      const name = t.t === 'var' ? t.name : refName(t);
      if (name !== undefined) {
        const fn = this.functionPath(name);
        if (fn) return { t: 'scalar', v: `data.${fn.join('.')}`, loc: t.loc };
        if (this.builtins[name]) return { t: 'scalar', v: name, loc: t.loc };
      }
    }
    throw new RegoError(
      'rego_compile_error',
      'with keyword target must reference existing input, data, or a function',
      t.loc,
    );
  }

  term(t: Term, scope: Scope): Term {
    switch (t.t) {
      case 'scalar':
        return t;
      case 'var':
        return this.varTerm(t, scope);
      case 'ref': {
        const head = this.term(t.head, scope);
        const path = t.path.map((p) => this.term(p, scope));
        if (head.t === 'ref') return { ...t, head: head.head, path: [...head.path, ...path] };
        return { ...t, head, path };
      }
      case 'array':
      case 'set':
        return { ...t, items: t.items.map((i) => this.term(i, scope)) };
      case 'object':
        return { ...t, entries: t.entries.map(([k, v]) => [this.term(k, scope), this.term(v, scope)]) };
      case 'arraycompr':
      case 'setcompr': {
        const inner = new Scope(scope);
        const body = this.body(t.body, inner, new Set(), []);
        return { ...t, body, term: this.term(t.term, inner) };
      }
      case 'objcompr': {
        const inner = new Scope(scope);
        const body = this.body(t.body, inner, new Set(), []);
        return { ...t, body, key: this.term(t.key, inner), value: this.term(t.value, inner) };
      }
      case 'call': {
        const c = this.call(t, scope);
        if (c.t === 'call' && c.outputArg) {
          throw new RegoError(
            'rego_type_error',
            `${t.name}: too many arguments (expects ${t.args.length - 1} arguments)`,
            t.loc,
          );
        }
        return c;
      }
      case 'binop':
        return { ...t, l: this.term(t.l, scope), r: this.term(t.r, scope) };
      case 'in':
        return {
          ...t,
          key: t.key ? this.term(t.key, scope) : undefined,
          value: this.term(t.value, scope),
          coll: this.term(t.coll, scope),
        };
    }
  }

  private varTerm(t: Term & { t: 'var' }, scope: Scope): Term {
    if (t.name === '_') return { ...t, name: `_$${++freshCounter}` };
    const local = scope.lookup(t.name);
    if (local !== undefined) return { ...t, name: local };
    if (ROOTS.has(t.name)) return t;
    const alias = this.aliases.get(t.name);
    if (alias) return pathRef(alias, t.loc);
    if (this.pkgNode) {
      const child = this.pkgNode.children.get(t.name);
      if (child && definedIn(child, this.mod)) return pathRef(['data', ...this.pkgNode.path, t.name], t.loc);
    }
    return t;
  }

  private functionPath(name: string): string[] | undefined {
    const segs = name.split('.');
    if (segs[0] === 'data') return findNode(this.root, segs.slice(1)) ? segs.slice(1) : undefined;
    const alias = this.aliases.get(segs[0]!);
    if (alias && alias[0] === 'data') {
      const path = [...alias.slice(1), ...segs.slice(1)];
      if (findNode(this.root, path)) return path;
    }
    if (this.pkgNode) {
      const node = findNode(this.pkgNode, segs);
      if (node && node.rules.some((r) => r.kind === 'function')) return [...this.pkgNode.path, ...segs];
    }
    return undefined;
  }

  private call(t: Term & { t: 'call' }, scope: Scope): Term {
    const args = t.args.map((a) => this.term(a, scope));
    const user = this.functionPath(t.name);
    if (user) {
      const node = findNode(this.root, user)!;
      const fn = node.rules.find((r) => r.kind === 'function');
      if (!fn) throw new RegoError('rego_type_error', `data.${user.join('.')} is not a function`, t.loc);
      if (args.length !== fn.args!.length && args.length !== fn.args!.length + 1) {
        throw new RegoError(
          'rego_type_error',
          `data.${user.join('.')}: expects ${fn.args!.length} arguments, got ${args.length}`,
          t.loc,
        );
      }
      return { ...t, name: `data.${user.join('.')}`, args, outputArg: args.length === fn.args!.length + 1 };
    }
    const b = this.builtins[t.name];
    if (!b) throw new RegoError('rego_type_error', `undefined function ${t.name} (could not find function)`, t.loc);
    if (!b.variadic && args.length !== b.arity && args.length !== b.arity + 1) {
      throw new RegoError('rego_type_error', `${t.name}: expects ${b.arity} arguments, got ${args.length}`, t.loc);
    }
    const consts = args.slice(0, b.arity).map(constantOf);
    if (!b.variadic && consts.every((c) => c !== undefined)) {
      try {
        checkOperands(t.name, b, consts);
      } catch (err) {
        if (err instanceof BuiltinError) throw new RegoError('rego_type_error', err.message, t.loc);
        throw err;
      }
    }
    return { ...t, args, outputArg: !b.variadic && args.length === b.arity + 1 };
  }
}

/** A node that holds rules of this module's package (not a sub-package's). */
function definedIn(node: RuleNode, mod: Module): boolean {
  if (node.rules.some((r) => r.pkg.join('.') === mod.pkg.join('.'))) return true;
  for (const c of node.children.values()) if (definedIn(c, mod)) return true;
  return false;
}

/** OPA's type checker rejects unifying literals that can never match (a match error). */
function checkPatterns(l: Term, r: Term): void {
  if (l.t === 'array' && r.t === 'array') {
    if (l.items.length !== r.items.length) {
      throw new RegoError(
        'rego_type_error',
        `match error: mismatch in number of array elements (${l.items.length} and ${r.items.length})`,
        l.loc,
      );
    }
    l.items.forEach((x, i) => checkPatterns(x, r.items[i]!));
  }
  if (l.t === 'object' && r.t === 'object') {
    const keys = (o: Term & { t: 'object' }): string[] | undefined => {
      const out: string[] = [];
      for (const [k] of o.entries) {
        const c = constantOf(k);
        if (c === undefined) return undefined;
        out.push(JSON.stringify(c));
      }
      return out.sort();
    };
    const a = keys(l);
    const b = keys(r);
    if (a && b && a.join() !== b.join()) {
      throw new RegoError(
        'rego_type_error',
        `match error: object literal keys mismatch (${a.join(', ')} and ${b.join(', ')})`,
        l.loc,
      );
    }
  }
  const scalarVsComposite = (x: Term, y: Term): boolean =>
    (x.t === 'array' || x.t === 'object') && (y.t === 'array' || y.t === 'object') && x.t !== y.t;
  if (scalarVsComposite(l, r))
    throw new RegoError('rego_type_error', 'match error: incompatible destructuring patterns', l.loc);
}

/**
 * OPA rejects recursion at compile time: a rule or function that depends on itself
 * through data references or calls. References with variables in the path count as
 * depending on everything under the node they reach, as OPA's check does.
 */
function checkRecursion(root: RuleNode): void {
  const deps = new Map<RuleNode, Set<RuleNode>>();
  const ruleNodesUnder = (n: RuleNode, out: Set<RuleNode>): void => {
    if (n.rules.length > 0) out.add(n);
    for (const c of n.children.values()) ruleNodesUnder(c, out);
  };
  const refTargets = (path: Term[], out: Set<RuleNode>): void => {
    let node = root;
    for (const seg of path) {
      if (node.rules.length > 0) break;
      if (seg.t !== 'scalar' || typeof seg.v !== 'string') break;
      const next = node.children.get(seg.v);
      if (!next) return;
      node = next;
    }
    ruleNodesUnder(node, out);
  };
  const visitTerm = (t: Term, out: Set<RuleNode>): void => {
    if (t.t === 'ref' && t.head.t === 'var' && t.head.name === 'data') {
      refTargets(t.path, out);
      t.path.forEach((p) => visitTerm(p, out));
      return;
    }
    if (t.t === 'var' && t.name === 'data') ruleNodesUnder(root, out);
    if (t.t === 'call' && t.name.startsWith('data.')) {
      const node = findNode(root, t.name.split('.').slice(1));
      if (node) out.add(node);
    }
    forEachChild(t, (c) => visitTerm(c, out));
  };
  const all = new Set<RuleNode>();
  ruleNodesUnder(root, all);
  for (const node of all) {
    const out = new Set<RuleNode>();
    for (const r of node.rules) {
      const terms = [...r.keys, ...(r.args ?? []), ...(r.value ? [r.value] : []), ...(r.member ? [r.member] : [])];
      terms.forEach((t) => visitTerm(t, out));
      for (const body of [r.body, ...r.elses.map((e) => e.body)])
        body.forEach((e) => forEachExprTerm(e, (t) => visitTerm(t, out)));
      r.elses.forEach((e) => e.value && visitTerm(e.value, out));
    }
    deps.set(node, out);
  }
  const state = new Map<RuleNode, 'open' | 'done'>();
  const visit = (n: RuleNode, stack: RuleNode[]): void => {
    if (state.get(n) === 'done') return;
    if (state.get(n) === 'open') {
      const cycle = [...stack.slice(stack.indexOf(n)), n].map((x) => `data.${x.path.join('.')}`).join(' -> ');
      throw new RegoError(
        'rego_recursion_error',
        `rule ${`data.${n.path.join('.')}`} is recursive: ${cycle} (recursion detected)`,
        n.rules[0]!.loc,
      );
    }
    state.set(n, 'open');
    stack.push(n);
    for (const d of deps.get(n) ?? []) visit(d, stack);
    stack.pop();
    state.set(n, 'done');
  };
  for (const n of all) visit(n, []);
}

function forEachChild(t: Term, f: (t: Term) => void): void {
  switch (t.t) {
    case 'ref':
      f(t.head);
      t.path.forEach(f);
      break;
    case 'array':
    case 'set':
      t.items.forEach(f);
      break;
    case 'object':
      t.entries.forEach(([k, v]) => (f(k), f(v)));
      break;
    case 'arraycompr':
    case 'setcompr':
      f(t.term);
      t.body.forEach((e) => forEachExprTerm(e, f));
      break;
    case 'objcompr':
      f(t.key);
      f(t.value);
      t.body.forEach((e) => forEachExprTerm(e, f));
      break;
    case 'call':
      t.args.forEach(f);
      break;
    case 'binop':
      f(t.l);
      f(t.r);
      break;
    case 'in':
      if (t.key) f(t.key);
      f(t.value);
      f(t.coll);
      break;
    default:
      break;
  }
}

function forEachExprTerm(e: Expr, f: (t: Term) => void): void {
  switch (e.e) {
    case 'term':
      f(e.term);
      break;
    case 'unify':
    case 'assign':
      f(e.l);
      f(e.r);
      break;
    case 'not':
      forEachExprTerm(e.expr, f);
      break;
    case 'somein':
    case 'every':
      if (e.key) f(e.key);
      f(e.value);
      f(e.coll);
      if (e.e === 'every') e.body.forEach((x) => forEachExprTerm(x, f));
      break;
    default:
      break;
  }
  for (const w of e.withs) f(w.value);
}

function refName(t: Term & { t: 'ref' }): string | undefined {
  if (t.head.t !== 'var') return undefined;
  const names = [t.head.name];
  for (const p of t.path) {
    if (p.t !== 'scalar' || typeof p.v !== 'string') return undefined;
    names.push(p.v);
  }
  return names.join('.');
}

function pathRef(path: string[], loc: Location): Term {
  const [head, ...rest] = path;
  const h: Term = { t: 'var', name: head!, loc };
  if (rest.length === 0) return h;
  return { t: 'ref', head: h, path: rest.map((s) => ({ t: 'scalar', v: s, loc })), loc };
}

/** The value of a term made only of constants, else undefined. */
export function constantOf(t: Term): Value | undefined {
  switch (t.t) {
    case 'scalar':
      return t.v;
    case 'array': {
      const items = t.items.map(constantOf);
      return items.every((i) => i !== undefined) ? items : undefined;
    }
    case 'set': {
      const items = t.items.map(constantOf);
      return items.every((i) => i !== undefined) ? RSet.from(items) : undefined;
    }
    case 'object': {
      const o = new RObject();
      for (const [k, v] of t.entries) {
        const kv = constantOf(k);
        const vv = constantOf(v);
        if (kv === undefined || vv === undefined) return undefined;
        o.set(kv, vv);
      }
      return o;
    }
    default:
      return undefined;
  }
}

/** Variables a pattern (var, array/object of vars) binds. */
export function patternVars(t: Term): string[] {
  if (t.t === 'var') return [t.name];
  if (t.t === 'array') return t.items.flatMap(patternVars);
  if (t.t === 'object') return t.entries.flatMap(([, v]) => patternVars(v));
  return [];
}

function headVars(r: RuleDef): string[] {
  const terms = [...r.keys, ...(r.value ? [r.value] : []), ...(r.member ? [r.member] : [])];
  return terms.flatMap((t) => termVars(t));
}

/** Every variable in a term, including free ones inside comprehensions. */
export function termVars(t: Term, out: string[] = []): string[] {
  switch (t.t) {
    case 'var':
      if (!ROOTS.has(t.name)) out.push(t.name);
      break;
    case 'ref':
      termVars(t.head, out);
      t.path.forEach((p) => termVars(p, out));
      break;
    case 'array':
    case 'set':
      t.items.forEach((i) => termVars(i, out));
      break;
    case 'object':
      t.entries.forEach(([k, v]) => (termVars(k, out), termVars(v, out)));
      break;
    case 'arraycompr':
    case 'setcompr':
      termVars(t.term, out);
      t.body.forEach((e) => exprVars(e, out));
      break;
    case 'objcompr':
      termVars(t.key, out);
      termVars(t.value, out);
      t.body.forEach((e) => exprVars(e, out));
      break;
    case 'call':
      t.args.forEach((a) => termVars(a, out));
      break;
    case 'binop':
      termVars(t.l, out);
      termVars(t.r, out);
      break;
    case 'in':
      if (t.key) termVars(t.key, out);
      termVars(t.value, out);
      termVars(t.coll, out);
      break;
    default:
      break;
  }
  return out;
}

function exprVars(e: Expr, out: string[]): string[] {
  switch (e.e) {
    case 'term':
      termVars(e.term, out);
      break;
    case 'unify':
    case 'assign':
      termVars(e.l, out);
      termVars(e.r, out);
      break;
    case 'some':
      break;
    case 'not':
      exprVars(e.expr, out);
      break;
    case 'somein':
    case 'every':
      if (e.key) termVars(e.key, out);
      termVars(e.value, out);
      termVars(e.coll, out);
      if (e.e === 'every') e.body.forEach((x) => exprVars(x, out));
      break;
  }
  for (const w of e.withs) termVars(w.value, out);
  return out;
}

/**
 * Variables an expression reads (must be bound before it runs) and writes
 * (binds). Reads: operands of calls and operators, heads of refs, comprehension
 * free variables, everything under `not`. Writes: the rest (patterns, ref indexes).
 */
function readsWrites(e: Expr): { reads: Set<string>; writes: Set<string> } {
  const reads = new Set<string>();
  const writes = new Set<string>();
  const read = (t: Term): void => void termVars(t).forEach((v) => reads.add(v));
  const visit = (t: Term): void => {
    switch (t.t) {
      case 'var':
        if (!ROOTS.has(t.name)) writes.add(t.name);
        break;
      case 'ref':
        if (t.head.t === 'var') {
          if (!ROOTS.has(t.head.name)) reads.add(t.head.name);
        } else visit(t.head);
        t.path.forEach(visit);
        break;
      case 'array':
      case 'set':
        t.items.forEach(visit);
        break;
      case 'object':
        t.entries.forEach(([k, v]) => (read(k), visit(v)));
        break;
      case 'call':
        t.args.forEach((a, i) => (t.outputArg && i === t.args.length - 1 ? visit(a) : read(a)));
        break;
      default:
        read(t);
    }
  };
  switch (e.e) {
    case 'term':
      if (e.term.t === 'call') visit(e.term);
      else if (e.term.t === 'ref') visit(e.term);
      else read(e.term);
      break;
    case 'unify':
    case 'assign':
      visit(e.l);
      visit(e.r);
      break;
    case 'somein':
      read(e.coll);
      if (e.key) visit(e.key);
      visit(e.value);
      break;
    case 'some':
      break;
    default:
      exprVars(e, []).forEach((v) => reads.add(v));
  }
  for (const w of e.withs) read(w.value);
  for (const v of writes) reads.delete(v);
  return { reads, writes };
}

/** OPA's safety reordering: run each expression once what it reads is bound. Stable otherwise. */
function reorder(exprs: Expr[], bound: Set<string>, _later: string[]): Expr[] {
  if (exprs.length < 2) {
    for (const e of exprs) readsWrites(e).writes.forEach((v) => bound.add(v));
    return exprs;
  }
  const info = exprs.map(readsWrites);
  const writable = new Set<string>();
  info.forEach((i) => i.writes.forEach((v) => writable.add(v)));
  const done = new Set<number>();
  const out: Expr[] = [];
  const have = new Set(bound);
  while (out.length < exprs.length) {
    let picked = -1;
    for (let i = 0; i < exprs.length; i++) {
      if (done.has(i)) continue;
      const needs = [...info[i]!.reads].filter((v) => writable.has(v) && !have.has(v));
      if (needs.length === 0) {
        picked = i;
        break;
      }
    }
    if (picked < 0) picked = [...Array(exprs.length).keys()].find((i) => !done.has(i))!;
    done.add(picked);
    out.push(exprs[picked]!);
    info[picked]!.writes.forEach((v) => have.add(v));
    info[picked]!.reads.forEach((v) => have.add(v));
  }
  have.forEach((v) => bound.add(v));
  return out;
}
