/**
 * Top-down evaluation by backtracking: each expression calls its continuation
 * once per way it can be satisfied, with variables bound on a trail that is
 * unwound on return; a continuation returns true to stop the search (`not`, a
 * function's first answer). Rule values are cached per query and per `with`
 * context. Every step counts against a deadline and calls against a depth cap,
 * so a hostile policy ends in an error instead of hanging its caller.
 */
import type { Expr, Term } from './ast.js';
import { checkOperands, type BuiltinContext } from './builtins/types.js';
import { constantOf, type Compiled, type CompiledRule, type RuleNode } from './compile.js';
import { BuiltinError, RegoError, type Location } from './errors.js';
import { compare, equal, fromJson, RObject, RSet, show, toJson, typeName, type Value } from './value.js';

type K = () => boolean;
type VK = (v: Value) => boolean;

export interface EvalLimits {
  /** Wall-clock budget for the whole query. */
  deadlineMs: number;
  /** Nested rule and function evaluations. */
  maxCallDepth: number;
  /** Elements one comprehension, rule or built-in may produce. */
  maxCollection: number;
}

export const DEFAULT_LIMITS: EvalLimits = { deadlineMs: 5000, maxCallDepth: 128, maxCollection: 1_000_000 };

interface Ctx {
  input: Value | undefined;
  data: RObject;
  overrides: Map<string, Value>;
  mocks: Map<string, Value | { fn: string }>;
  cache: Map<RuleNode, Value | undefined>;
}

class Env {
  readonly vals = new Map<string, Value>();
  private readonly trail: string[] = [];
  get(name: string): Value | undefined {
    return this.vals.get(name);
  }
  bind(name: string, v: Value): void {
    this.vals.set(name, v);
    this.trail.push(name);
  }
  mark(): number {
    return this.trail.length;
  }
  undo(mark: number): void {
    while (this.trail.length > mark) this.vals.delete(this.trail.pop()!);
  }
}

export interface EvalOptions {
  input?: unknown;
  data?: unknown;
  limits?: Partial<EvalLimits>;
  /** OPA's --strict-builtin-errors: a built-in's error stops the query instead of making it undefined. */
  strictBuiltinErrors?: boolean;
  print?: (message: string) => void;
  /** Fixed clock for time.now_ns (nanoseconds); defaults to the real time at the query's start. */
  nowNs?: number;
}

export class Evaluator {
  private ctx: Ctx;
  private readonly limits: EvalLimits;
  private readonly deadline: number;
  private steps = 0;
  /** The expression being evaluated, named in deadline errors. */
  private where: Location | undefined;
  private depth = 0;
  private readonly inProgress = new Set<RuleNode>();
  private readonly ruleStack: CompiledRule[] = [];
  private readonly nodes = new Map<string, RuleNode | undefined>();
  private readonly bctx: BuiltinContext;

  constructor(
    private readonly compiled: Compiled,
    private readonly options: EvalOptions,
  ) {
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.deadline = Date.now() + this.limits.deadlineMs;
    const data = fromJson(options.data ?? {});
    this.ctx = {
      input: options.input === undefined ? undefined : fromJson(options.input),
      data: data instanceof RObject ? data : new RObject(),
      overrides: new Map(),
      mocks: new Map(),
      cache: new Map(),
    };
    this.bctx = {
      nowNs: options.nowNs ?? Date.now() * 1e6,
      print: options.print ?? (() => undefined),
      checkDeadline: () => this.checkDeadline(),
      memo: new Map(),
    };
  }

  private checkDeadline(): void {
    if (Date.now() > this.deadline) {
      throw new RegoError(
        'eval_cancel_error',
        `evaluation exceeded its deadline of ${this.limits.deadlineMs} ms`,
        this.where,
      );
    }
  }

  private tick(): void {
    if ((++this.steps & 1023) === 0) this.checkDeadline();
  }

  /** Solutions of a query: each with its bindings and the value of each expression. */
  query(body: Expr[], onResult: (bindings: Map<string, Value>, values: Value[]) => void): void {
    const env = new Env();
    const single =
      body.length === 1 && body[0]!.e === 'term' && body[0]!.withs.length === 0 && !isOutputCall(body[0]!.term);
    this.guard(() => {
      if (single) {
        const term = (body[0] as Expr & { e: 'term' }).term;
        this.evalTerm(term, env, (v) => (onResult(new Map(env.vals), [v]), false));
      } else {
        this.evalBody(body, 0, env, () => {
          onResult(
            new Map(env.vals),
            body.map(() => true),
          );
          return false;
        });
      }
    });
  }

  private guard(run: () => void): void {
    try {
      run();
    } catch (err) {
      if (err instanceof RangeError && /call stack/i.test(err.message)) {
        throw new RegoError('eval_limit_error', 'evaluation nested too deeply (stack exhausted)', this.where);
      }
      throw err;
    }
  }

  // ---- bodies and expressions ----

  private evalBody(body: Expr[], i: number, env: Env, k: K): boolean {
    if (i === body.length) return k();
    return this.evalExpr(body[i]!, env, () => this.evalBody(body, i + 1, env, k));
  }

  private evalExpr(e: Expr, env: Env, k: K): boolean {
    this.where = e.loc;
    this.tick();
    if (e.withs.length > 0) return this.evalWith(e, env, k);
    switch (e.e) {
      case 'term': {
        const t = e.term;
        if (isOutputCall(t)) {
          const call = t as Term & { t: 'call' };
          const out = call.args[call.args.length - 1]!;
          return this.evalCall(call, call.args.slice(0, -1), env, (v) => this.unifyValue(out, v, env, k));
        }
        return this.evalTerm(t, env, (v) => (v === false ? false : k()));
      }
      case 'unify':
        return this.unify(e.l, e.r, env, k);
      case 'assign':
        return this.unify(e.l, e.r, env, k);
      case 'some':
        return k();
      case 'not': {
        const mark = env.mark();
        let found = false;
        this.evalExpr(e.expr, env, () => {
          found = true;
          return true;
        });
        env.undo(mark);
        return found ? false : k();
      }
      case 'somein':
        return this.evalTerm(e.coll, env, (coll) => {
          if (!isCollection(coll)) {
            if (this.options.strictBuiltinErrors) {
              throw new RegoError(
                'eval_type_error',
                `\`some .. in collection\` expects array/set/object, got ${typeName(coll)}`,
                e.loc,
              );
            }
            return false;
          }
          return this.iterate(coll, (key, val) =>
            e.key
              ? this.unifyValue(e.key, key, env, () => this.unifyValue(e.value, val, env, k))
              : this.unifyValue(e.value, val, env, k),
          );
        });
      case 'every':
        return this.evalTerm(e.coll, env, (coll) => {
          if (!isCollection(coll)) return false;
          const all = !this.iterate(coll, (key, val) => {
            const mark = env.mark();
            let ok = false;
            const bodyK = (): boolean => this.evalBody(e.body, 0, env, () => ((ok = true), true));
            if (e.key) this.unifyValue(e.key, key, env, () => this.unifyValue(e.value, val, env, bodyK));
            else this.unifyValue(e.value, val, env, bodyK);
            env.undo(mark);
            return !ok;
          });
          return all ? k() : false;
        });
    }
  }

  private evalWith(e: Expr, env: Env, k: K): boolean {
    const values: Value[] = [];
    for (const w of e.withs) {
      if (w.fnValue && w.target.t === 'scalar') {
        values.push(null);
        continue;
      }
      let got: Value | undefined;
      this.evalTerm(w.value, env, (v) => ((got = v), true));
      if (got === undefined) return false;
      values.push(got);
    }
    const saved = this.ctx;
    const next: Ctx = {
      input: saved.input,
      data: saved.data,
      overrides: new Map(saved.overrides),
      mocks: new Map(saved.mocks),
      cache: new Map(),
    };
    e.withs.forEach((w, i) => {
      const v = values[i]!;
      const t = w.target;
      if (t.t === 'scalar') {
        next.mocks.set(t.v as string, w.fnValue ? { fn: w.fnValue } : v);
        return;
      }
      const head =
        t.t === 'var'
          ? t.name
          : (t as Term & { t: 'ref' }).head.t === 'var'
            ? ((t as Term & { t: 'ref' }).head as { name: string }).name
            : '';
      const path = t.t === 'ref' ? t.path.map((p) => (p.t === 'scalar' && typeof p.v === 'string' ? p.v : '')) : [];
      if (head === 'input') next.input = setPath(next.input, path, v);
      else {
        next.overrides.set(path.join('\u0000'), v);
        const base = setPath(next.data, path, v);
        next.data = base instanceof RObject ? base : new RObject();
      }
    });
    const inner: Expr = { ...e, withs: [] };
    this.ctx = next;
    try {
      return this.evalExpr(inner, env, () => {
        this.ctx = saved;
        try {
          return k();
        } finally {
          this.ctx = next;
        }
      });
    } finally {
      this.ctx = saved;
    }
  }

  // ---- unification ----

  private unify(l: Term, r: Term, env: Env, k: K): boolean {
    if (this.evaluable(r, env)) return this.evalTerm(r, env, (v) => this.unifyValue(l, v, env, k));
    if (this.evaluable(l, env)) return this.evalTerm(l, env, (v) => this.unifyValue(r, v, env, k));
    if (l.t === 'array' && r.t === 'array') {
      if (l.items.length !== r.items.length) return false;
      const step = (i: number): boolean =>
        i === l.items.length ? k() : this.unify(l.items[i]!, r.items[i]!, env, () => step(i + 1));
      return step(0);
    }
    throw new RegoError(
      'rego_unsafe_var_error',
      `var ${firstUnbound(l, env) ?? firstUnbound(r, env) ?? '?'} is unsafe`,
      l.loc,
    );
  }

  /** Matches a term (possibly a pattern of unbound variables) against a value. */
  private unifyValue(t: Term, v: Value, env: Env, k: K): boolean {
    switch (t.t) {
      case 'var': {
        if (t.name === 'input' || t.name === 'data') return this.evalTerm(t, env, (x) => (equal(x, v) ? k() : false));
        const cur = env.get(t.name);
        if (cur !== undefined) return equal(cur, v) ? k() : false;
        const mark = env.mark();
        env.bind(t.name, v);
        const stop = k();
        env.undo(mark);
        return stop;
      }
      case 'array': {
        if (!Array.isArray(v) || v.length !== t.items.length) return false;
        const step = (i: number): boolean =>
          i === t.items.length ? k() : this.unifyValue(t.items[i]!, v[i]!, env, () => step(i + 1));
        return step(0);
      }
      case 'object': {
        if (!(v instanceof RObject) || v.size !== t.entries.length) return false;
        const step = (i: number): boolean => {
          if (i === t.entries.length) return k();
          const [kt, vt] = t.entries[i]!;
          return this.evalTerm(kt, env, (key) => {
            const got = v.get(key);
            return got === undefined ? false : this.unifyValue(vt, got, env, () => step(i + 1));
          });
        };
        return step(0);
      }
      default:
        return this.evalTerm(t, env, (x) => (equal(x, v) ? k() : false));
    }
  }

  /** Whether a term can be evaluated now: every variable outside ref indexes is bound. */
  private evaluable(t: Term, env: Env): boolean {
    switch (t.t) {
      case 'var':
        return t.name === 'input' || t.name === 'data' || env.get(t.name) !== undefined;
      case 'ref':
        return this.evaluable(t.head, env);
      case 'array':
      case 'set':
        return t.items.every((i) => this.evaluable(i, env));
      case 'object':
        return t.entries.every(([a, b]) => this.evaluable(a, env) && this.evaluable(b, env));
      default:
        return true;
    }
  }

  // ---- terms ----

  private evalTerm(t: Term, env: Env, k: VK): boolean {
    switch (t.t) {
      case 'scalar':
        return k(t.v);
      case 'var': {
        if (t.name === 'input') return this.ctx.input === undefined ? false : k(this.ctx.input);
        if (t.name === 'data') return k(this.nodeValue(this.compiled.root) ?? new RObject());
        const v = env.get(t.name);
        if (v === undefined)
          throw new RegoError('rego_unsafe_var_error', `var ${displayName(t.name)} is unsafe`, t.loc);
        return k(v);
      }
      case 'ref':
        return this.evalRef(t, env, k);
      case 'array':
        return this.evalList(t.items, env, (vals) => k(vals));
      case 'set':
        return this.evalList(t.items, env, (vals) => k(RSet.from(vals)));
      case 'object':
        return this.evalList(
          t.entries.flatMap(([a, b]) => [a, b]),
          env,
          (vals) => {
            const o = new RObject();
            for (let i = 0; i < vals.length; i += 2) o.set(vals[i]!, vals[i + 1]!);
            return k(o);
          },
        );
      case 'arraycompr': {
        const out: Value[] = [];
        this.collect(
          t.body,
          env,
          t.loc,
          () => this.evalTerm(t.term, env, (v) => (out.push(v), false)),
          () => out.length,
        );
        return k(out);
      }
      case 'setcompr': {
        const out = new RSet();
        this.collect(
          t.body,
          env,
          t.loc,
          () => this.evalTerm(t.term, env, (v) => (out.add(v), false)),
          () => out.size,
        );
        return k(out);
      }
      case 'objcompr': {
        const out = new RObject();
        this.collect(
          t.body,
          env,
          t.loc,
          () =>
            this.evalTerm(t.key, env, (key) =>
              this.evalTerm(t.value, env, (v) => {
                const prev = out.get(key);
                if (prev !== undefined && !equal(prev, v)) {
                  throw new RegoError(
                    'eval_conflict_error',
                    `object keys must be unique: value for key ${show(key)} generated multiple times`,
                    t.loc,
                  );
                }
                out.set(key, v);
                return false;
              }),
            ),
          () => out.size,
        );
        return k(out);
      }
      case 'call':
        return this.evalCall(t, t.args, env, k);
      case 'binop':
        return this.evalTerm(t.l, env, (a) =>
          this.evalTerm(t.r, env, (b) => {
            const v = this.binop(t.op, a, b, t.loc);
            return v === undefined ? false : k(v);
          }),
        );
      case 'in':
        return this.evalTerm(t.coll, env, (coll) =>
          this.evalTerm(t.value, env, (v) => {
            if (t.key) return this.evalTerm(t.key, env, (key) => k(memberWithKey(coll, key, v)));
            return k(member(coll, v));
          }),
        );
    }
  }

  private collect(body: Expr[], env: Env, loc: Location, each: () => boolean, size: () => number): void {
    const mark = env.mark();
    this.evalBody(body, 0, env, () => {
      each();
      if (size() > this.limits.maxCollection) {
        throw new RegoError(
          'eval_limit_error',
          `comprehension produced more than ${this.limits.maxCollection} elements`,
          loc,
        );
      }
      return false;
    });
    env.undo(mark);
  }

  private evalList(terms: Term[], env: Env, k: (vals: Value[]) => boolean): boolean {
    const vals: Value[] = [];
    const step = (i: number): boolean => {
      if (i === terms.length) return k(vals.slice());
      return this.evalTerm(terms[i]!, env, (v) => {
        vals[i] = v;
        return step(i + 1);
      });
    };
    return step(0);
  }

  private binop(op: string, a: Value, b: Value, loc: Location): Value | undefined {
    switch (op) {
      case '==':
        return equal(a, b);
      case '!=':
        return !equal(a, b);
      case '<':
        return compare(a, b) < 0;
      case '<=':
        return compare(a, b) <= 0;
      case '>':
        return compare(a, b) > 0;
      case '>=':
        return compare(a, b) >= 0;
      default:
        break;
    }
    const name = { '+': 'plus', '-': 'minus', '*': 'mul', '/': 'div', '%': 'rem', '|': 'or', '&': 'and' }[op]!;
    return this.callBuiltin(name, [a, b], loc);
  }

  // ---- refs and the data document ----

  private evalRef(t: Term & { t: 'ref' }, env: Env, k: VK): boolean {
    if (t.head.t === 'var' && t.head.name === 'data') return this.evalData(this.compiled.root, t.path, 0, env, k);
    return this.evalTerm(t.head, env, (hv) => this.walk(hv, t.path, 0, env, k));
  }

  private walk(v: Value, path: Term[], i: number, env: Env, k: VK): boolean {
    if (i === path.length) return k(v);
    const seg = path[i]!;
    if (!this.evaluable(seg, env)) {
      if (!isCollection(v)) return false;
      return this.iterate(v, (key, child) =>
        this.unifyValue(seg, key, env, () => this.walk(child, path, i + 1, env, k)),
      );
    }
    return this.evalTerm(seg, env, (key) => {
      const child = index(v, key);
      return child === undefined ? false : this.walk(child, path, i + 1, env, k);
    });
  }

  private evalData(node: RuleNode, path: Term[], i: number, env: Env, k: VK): boolean {
    this.tick();
    const override = this.ctx.overrides.get(node.path.join('\u0000'));
    if (override !== undefined && node.path.length > 0) return this.walk(override, path, i, env, k);
    if (node.rules.length > 0) {
      const v = this.ruleValue(node);
      return v === undefined ? false : this.walk(v, path, i, env, k);
    }
    if (i === path.length) {
      const v = this.nodeValue(node);
      return v === undefined ? false : k(v);
    }
    const seg = path[i]!;
    if (this.evaluable(seg, env)) {
      return this.evalTerm(seg, env, (key) => {
        const child = typeof key === 'string' ? node.children.get(key) : undefined;
        if (child) return this.evalData(child, path, i + 1, env, k);
        const base = baseAt(this.ctx.data, node.path);
        const sub = base === undefined ? undefined : index(base, key);
        return sub === undefined ? false : this.walk(sub, path, i + 1, env, k);
      });
    }
    const whole = this.nodeValue(node);
    return whole === undefined ? false : this.walk(whole, path, i, env, k);
  }

  /** The document at a node: base data merged with the values of its rules and sub-packages. */
  private nodeValue(node: RuleNode): Value | undefined {
    const override = this.ctx.overrides.get(node.path.join('\u0000'));
    if (override !== undefined && node.path.length > 0) return override;
    if (node.rules.length > 0) return this.ruleValue(node);
    const base = baseAt(this.ctx.data, node.path);
    const out = new RObject();
    if (base instanceof RObject) for (const [key, v] of base.entries()) out.set(key, v);
    else if (base !== undefined && node.children.size === 0) return base;
    for (const [name, child] of node.children) {
      const v = this.nodeValue(child);
      if (v !== undefined) out.set(name, v);
    }
    return out;
  }

  // ---- rules ----

  private ruleValue(node: RuleNode): Value | undefined {
    const cache = this.ctx.cache;
    if (cache.has(node)) return cache.get(node);
    const first = node.rules[0]!;
    if (first.kind === 'function' || node.rules.some((r) => r.kind === 'function')) {
      // A function of no arguments is referred to like a rule (`data.pkg.f`).
      return first.args?.length === 0 ? this.callFunction(`data.${node.path.join('.')}`, [], first.loc) : undefined;
    }
    if (this.inProgress.has(node)) {
      throw new RegoError(
        'rego_recursion_error',
        `rule data.${node.path.join('.')} is recursive (recursion detected)`,
        first.loc,
      );
    }
    if (++this.depth > this.limits.maxCallDepth) {
      throw new RegoError('eval_limit_error', `rules nest more than ${this.limits.maxCallDepth} deep`, first.loc);
    }
    this.inProgress.add(node);
    try {
      const v = this.computeRule(node);
      cache.set(node, v);
      return v;
    } finally {
      this.inProgress.delete(node);
      this.depth--;
    }
  }

  private computeRule(node: RuleNode): Value | undefined {
    const defs = node.rules.filter((r) => !r.isDefault);
    const dflt = node.rules.find((r) => r.isDefault);
    const kind = defs[0]?.kind ?? 'complete';
    if (kind === 'set' && defs.some((r) => r.keys.length > 0)) {
      // `p[a][b] contains x`: an object of sets.
      const out = new RObject();
      for (const r of defs) {
        this.solve(r, r.body, (env) =>
          this.evalList(r.keys, env, (keys) =>
            this.evalTerm(r.member!, env, (v) => {
              addToSetAt(out, keys, v, node, r.loc);
              return false;
            }),
          ),
        );
      }
      return this.withChildren(node, out);
    }
    if (kind === 'set') {
      const out = new RSet();
      for (const r of defs) {
        this.solve(r, r.body, (env) =>
          this.evalTerm(r.member!, env, (v) => {
            out.add(v);
            if (out.size > this.limits.maxCollection)
              throw new RegoError('eval_limit_error', 'partial set too large', r.loc);
            return false;
          }),
        );
      }
      return this.withChildren(node, out);
    }
    if (kind === 'object') {
      const out = new RObject();
      for (const r of defs) {
        this.solve(r, r.body, (env) =>
          this.evalList(r.keys, env, (keys) =>
            this.evalTerm(r.value!, env, (v) => {
              insertAt(out, keys, v, node, r.loc);
              return false;
            }),
          ),
        );
      }
      return this.withChildren(node, out);
    }
    let found: Value | undefined;
    let foundRule: CompiledRule | undefined;
    for (const r of defs) {
      const v = this.firstChainValue(r, [], r.loc);
      if (v === undefined) continue;
      if (found !== undefined && !equal(found, v)) {
        throw new RegoError(
          'eval_conflict_error',
          `complete rules must not produce multiple outputs (rules should not produce multiple outputs): data.${node.path.join('.')}`,
          r.loc,
        );
      }
      found = v;
      foundRule = r;
    }
    void foundRule;
    if (found === undefined && dflt) {
      this.evalTerm(dflt.value!, new Env(), (v) => ((found = v), true));
    }
    if (found !== undefined && node.children.size > 0 && found instanceof RObject)
      return this.withChildren(node, found);
    return found;
  }

  /** Sub-rules under a multi-value rule (`p.q` beside `p[x]`) join its object. */
  private withChildren(node: RuleNode, v: Value): Value {
    if (node.children.size === 0 || !(v instanceof RObject)) return v;
    for (const [name, child] of node.children) {
      const cv = this.nodeValue(child);
      if (cv !== undefined) v.set(name, cv);
    }
    return v;
  }

  /** A complete rule's or function's value: its body, then each `else` in turn, first that holds. */
  private firstChainValue(r: CompiledRule, args: Value[], loc: Location): Value | undefined {
    const bodies = [
      { value: r.value, body: r.body },
      ...r.elses.map((e) => ({
        value: e.value ?? (r.kind === 'function' || r.value ? undefined : TRUE),
        body: e.body,
      })),
    ];
    for (let b = 0; b < bodies.length; b++) {
      const { value, body } = bodies[b]!;
      const valueTerm = value ?? TRUE;
      // A constant value cannot conflict: stop at the first solution (OPA's early exit).
      const early = b > 0 || r.elses.length > 0 || constantOf(valueTerm) !== undefined;
      let found: Value | undefined;
      this.solve(
        r,
        body,
        (env) =>
          this.evalTerm(valueTerm, env, (v) => {
            if (found !== undefined && !equal(found, v)) {
              throw new RegoError(
                'eval_conflict_error',
                r.kind === 'function'
                  ? `functions must not produce multiple outputs for same inputs: data.${[...r.pkg, ...r.name].join('.')}`
                  : `complete rules must not produce multiple outputs (rules should not produce multiple outputs): data.${[...r.pkg, ...r.name].join('.')}`,
                loc,
              );
            }
            found = v;
            return early;
          }),
        args,
      );
      if (found !== undefined) return found;
    }
    return undefined;
  }

  /** Runs a rule body in a fresh environment (arguments bound first) and calls `each` per solution. */
  private solve(r: CompiledRule, body: Expr[], each: (env: Env) => boolean, args?: Value[]): void {
    const env = new Env();
    this.ruleStack.push(r);
    try {
      const run = (): boolean => this.evalBody(body, 0, env, () => each(env));
      if (r.args && args) {
        const step = (i: number): boolean =>
          i === args.length ? run() : this.unifyValue(r.args![i]!, args[i]!, env, () => step(i + 1));
        step(0);
      } else run();
    } finally {
      this.ruleStack.pop();
    }
  }

  // ---- calls ----

  private evalCall(t: Term & { t: 'call' }, argTerms: Term[], env: Env, k: VK): boolean {
    return this.evalList(argTerms, env, (args) => {
      let name = t.name;
      const mock = this.ctx.mocks.get(name);
      if (mock instanceof Object && 'fn' in mock) name = mock.fn;
      else if (mock !== undefined) return k(mock);
      if (name.startsWith('data.')) {
        const v = this.callFunction(name, args, t.loc);
        return v === undefined ? false : k(v);
      }
      if (name !== t.name) {
        const v = this.callBuiltin(name, args, t.loc);
        return v === undefined ? false : k(v);
      }
      if (t.name === 'walk') return this.walkBuiltin(args[0]!, k);
      if (t.name === 'rego.metadata.rule') return k(this.metadataRule());
      if (t.name === 'rego.metadata.chain') return k(this.metadataChain());
      const v = this.callBuiltin(t.name, args, t.loc);
      return v === undefined ? false : k(v);
    });
  }

  private callBuiltin(name: string, args: Value[], loc: Location): Value | undefined {
    const b = this.compiled.builtins[name];
    if (!b) throw new RegoError('rego_type_error', `undefined function ${name}`, loc);
    try {
      checkOperands(name, b, args);
      return b.fn(args, this.bctx, name);
    } catch (err) {
      if (err instanceof BuiltinError) {
        if (this.options.strictBuiltinErrors) throw new RegoError('eval_builtin_error', err.message, loc);
        return undefined;
      }
      throw err;
    }
  }

  private callFunction(name: string, args: Value[], loc: Location): Value | undefined {
    const node = this.nodeFor(name);
    if (!node) throw new RegoError('rego_type_error', `undefined function ${name}`, loc);
    if (++this.depth > this.limits.maxCallDepth) {
      throw new RegoError(
        'eval_limit_error',
        `function calls nest more than ${this.limits.maxCallDepth} deep (recursion detected?)`,
        loc,
      );
    }
    try {
      let found: Value | undefined;
      for (const r of node.rules) {
        if (r.isDefault || r.kind !== 'function') continue;
        const v = this.firstChainValue(r, args, loc);
        if (v === undefined) continue;
        if (found !== undefined && !equal(found, v)) {
          throw new RegoError(
            'eval_conflict_error',
            `functions must not produce multiple outputs for same inputs: ${name}`,
            loc,
          );
        }
        found = v;
      }
      if (found === undefined) {
        const dflt = node.rules.find((r) => r.isDefault);
        if (dflt?.value) this.evalTerm(dflt.value, new Env(), (v) => ((found = v), true));
      }
      return found;
    } finally {
      this.depth--;
    }
  }

  private nodeFor(name: string): RuleNode | undefined {
    if (this.nodes.has(name)) return this.nodes.get(name);
    let node: RuleNode | undefined = this.compiled.root;
    for (const s of name.split('.').slice(1)) node = node?.children.get(s);
    this.nodes.set(name, node);
    return node;
  }

  private walkBuiltin(root: Value, k: VK): boolean {
    const path: Value[] = [];
    const visit = (v: Value): boolean => {
      this.tick();
      if (k([path.slice(), v])) return true;
      if (!isCollection(v)) return false;
      return this.iterate(v, (key, child) => {
        path.push(key);
        const stop = visit(child);
        path.pop();
        return stop;
      });
    };
    return visit(root);
  }

  private metadataRule(): Value {
    const r = this.ruleStack[this.ruleStack.length - 1];
    if (!r?.annotations) return new RObject();
    return fromJson({ scope: 'rule', ...r.annotations });
  }

  private metadataChain(): Value {
    const r = this.ruleStack[this.ruleStack.length - 1];
    if (!r) return [];
    const chain: unknown[] = [];
    const rulePath = [...r.pkg, ...r.name];
    chain.push(
      r.annotations
        ? { path: ['data', ...rulePath], annotations: { scope: 'rule', ...r.annotations } }
        : { path: ['data', ...rulePath] },
    );
    for (const a of r.module.pkgAnnotations)
      chain.push({ path: ['data', ...r.pkg], annotations: { scope: 'package', ...a } });
    return fromJson(chain);
  }

  /** Calls f(key, value) for each element; stops (returning true) when f does. */
  private iterate(coll: Value, f: (key: Value, val: Value) => boolean): boolean {
    if (Array.isArray(coll)) {
      for (let i = 0; i < coll.length; i++) {
        this.tick();
        if (f(i, coll[i]!)) return true;
      }
    } else if (coll instanceof RObject) {
      for (const [key, v] of coll.entries()) {
        this.tick();
        if (f(key, v)) return true;
      }
    } else if (coll instanceof RSet) {
      for (const v of coll.values()) {
        this.tick();
        if (f(v, v)) return true;
      }
    }
    return false;
  }
}

const TRUE: Term = { t: 'scalar', v: true, loc: { file: '', row: 0, col: 0 } };

function isOutputCall(t: Term): boolean {
  return t.t === 'call' && t.outputArg === true;
}

function isCollection(v: Value): boolean {
  return Array.isArray(v) || v instanceof RObject || v instanceof RSet;
}

export function index(v: Value, key: Value): Value | undefined {
  if (Array.isArray(v)) return typeof key === 'number' && Number.isInteger(key) && key >= 0 ? v[key] : undefined;
  if (v instanceof RObject) return v.get(key);
  if (v instanceof RSet) return v.has(key) ? key : undefined;
  return undefined;
}

function member(coll: Value, v: Value): boolean {
  if (Array.isArray(coll)) return coll.some((x) => equal(x, v));
  if (coll instanceof RSet) return coll.has(v);
  if (coll instanceof RObject) return coll.entries().some(([, x]) => equal(x, v));
  return false;
}

function memberWithKey(coll: Value, key: Value, v: Value): boolean {
  const got = index(coll, key);
  return got !== undefined && equal(got, v);
}

function baseAt(data: RObject, path: string[]): Value | undefined {
  let v: Value | undefined = data;
  for (const s of path) {
    if (!(v instanceof RObject)) return undefined;
    v = v.getStr(s);
    if (v === undefined) return undefined;
  }
  return v;
}

/** A copy of `root` with `v` at `path`, copying only the objects along the way. */
function setPath(root: Value | undefined, path: string[], v: Value): Value {
  if (path.length === 0) return v;
  const out = new RObject();
  if (root instanceof RObject) for (const [key, x] of root.entries()) out.set(key, x);
  out.set(path[0]!, setPath(out.getStr(path[0]!), path.slice(1), v));
  return out;
}

function insertAt(out: RObject, keys: Value[], v: Value, node: RuleNode, loc: Location): void {
  let o = out;
  for (let i = 0; i < keys.length - 1; i++) {
    let next = o.get(keys[i]!);
    if (next === undefined) {
      next = new RObject();
      o.set(keys[i]!, next);
    }
    if (!(next instanceof RObject)) {
      throw new RegoError('eval_conflict_error', `object keys must be unique: data.${node.path.join('.')}`, loc);
    }
    o = next;
  }
  const last = keys[keys.length - 1]!;
  const prev = o.get(last);
  if (prev !== undefined && !equal(prev, v)) {
    throw new RegoError(
      'eval_conflict_error',
      `object keys must be unique: value for key ${show(last)} generated multiple times: ${show(prev)} and ${show(v)} (data.${node.path.join('.')})`,
      loc,
    );
  }
  o.set(last, v);
}

function addToSetAt(out: RObject, keys: Value[], v: Value, node: RuleNode, loc: Location): void {
  let o = out;
  for (let i = 0; i < keys.length; i++) {
    const last = i === keys.length - 1;
    let next = o.get(keys[i]!);
    if (next === undefined) {
      next = last ? new RSet() : new RObject();
      o.set(keys[i]!, next);
    }
    if (last) {
      if (!(next instanceof RSet))
        throw new RegoError('eval_conflict_error', `object keys must be unique: data.${node.path.join('.')}`, loc);
      next.add(v);
      // The parent's cached canonical key is stale once a member is added in place.
      o.set(keys[i]!, next);
      return;
    }
    if (!(next instanceof RObject))
      throw new RegoError('eval_conflict_error', `object keys must be unique: data.${node.path.join('.')}`, loc);
    o = next;
  }
}

function firstUnbound(t: Term, env: Env): string | undefined {
  if (t.t === 'var' && t.name !== 'input' && t.name !== 'data' && env.get(t.name) === undefined)
    return displayName(t.name);
  if (t.t === 'array' || t.t === 'set') for (const i of t.items) return firstUnbound(i, env);
  return undefined;
}

function displayName(name: string): string {
  return name.replace(/\$\d+$/, '');
}

export { toJson };
