/**
 * Recursive-descent parser for Rego v0 and v1 syntax. Keywords (`if`,
 * `contains`, `in`, `every`) are recognised by position, so v0 modules that
 * never imported them still parse, as OPA 1.x's v0 compatibility and Conftest
 * take them; a module importing `rego.v1` gets v1's checks (`if` before bodies,
 * `contains` for partial sets). Operator precedence follows OPA's grammar,
 * lowest first: `in`, comparisons, `|`, `&`, `+ -`, `* / %`.
 */
import { parseUntrustedYaml } from '../util/untrusted-yaml.js';
import type { Annotations, Expr, Import, Module, RuleDef, Term, With } from './ast.js';
import { RegoError, type Location } from './errors.js';
import { tokenize, type Comment, type Token } from './lexer.js';

const COMPARISONS = new Set(['==', '!=', '<', '<=', '>', '>=']);
/** Nesting bound: deeper terms recurse in the parser and would overflow the stack. */
const MAX_DEPTH = 200;

interface MetadataBlock {
  endRow: number;
  annotations: Annotations;
}

class Parser {
  private pos = 0;
  private depth = 0;
  private readonly tokens: Token[];
  private readonly blocks: MetadataBlock[];
  private regoV1 = false;

  constructor(
    private readonly file: string,
    text: string,
  ) {
    const { tokens, comments } = tokenize(text, file);
    this.tokens = tokens;
    this.blocks = metadataBlocks(comments, file);
  }

  private get tok(): Token {
    return this.tokens[this.pos]!;
  }
  private peek(n = 1): Token {
    return this.tokens[Math.min(this.pos + n, this.tokens.length - 1)]!;
  }
  private loc(t: Token = this.tok): Location {
    return { file: this.file, row: t.row, col: t.col };
  }
  fail(msg: string, t: Token = this.tok): never {
    throw new RegoError('rego_parse_error', msg, this.loc(t));
  }
  private atEnd(): boolean {
    return this.tok.kind === 'eof';
  }
  private isP(p: string): boolean {
    return this.tok.kind === 'punct' && this.tok.text === p;
  }
  private isW(w: string): boolean {
    return this.tok.kind === 'ident' && this.tok.text === w;
  }
  private acceptP(p: string): boolean {
    if (!this.isP(p)) return false;
    this.pos++;
    return true;
  }
  private acceptW(w: string): boolean {
    if (!this.isW(w)) return false;
    this.pos++;
    return true;
  }
  private expectP(p: string): Token {
    if (!this.isP(p)) this.fail(`expecting \`${p}\`, found ${this.describe()}`);
    return this.tokens[this.pos++]!;
  }
  private ident(): Token {
    if (this.tok.kind !== 'ident') this.fail(`expecting identifier, found ${this.describe()}`);
    return this.tokens[this.pos++]!;
  }
  private describe(t: Token = this.tok): string {
    return t.kind === 'eof' ? 'end of file' : `\`${t.text}\``;
  }

  module(): Module {
    const pkgBlock = this.takeAnnotations();
    const pkgTok = this.tok;
    if (!this.acceptW('package')) this.fail('expecting `package`');
    const pkg = this.pathSegments();
    const imports: Import[] = [];
    const rules: RuleDef[] = [];
    while (this.isW('import')) imports.push(this.importDecl());
    this.regoV1 = imports.some((i) => i.path.join('.') === 'rego.v1');
    while (this.tok.kind !== 'eof') {
      if (this.isW('import')) {
        imports.push(this.importDecl());
        continue;
      }
      rules.push(this.rule());
    }
    return {
      file: this.file,
      pkg,
      imports,
      rules,
      regoV1: this.regoV1,
      pkgAnnotations: pkgBlock ? [pkgBlock] : [],
      loc: this.loc(pkgTok),
    };
  }

  /** The `# METADATA` block that ends just before the current token, if any. */
  private takeAnnotations(): Annotations | undefined {
    const row = this.tok.row;
    let found: Annotations | undefined;
    while (this.blocks.length > 0 && this.blocks[0]!.endRow < row) {
      found = this.blocks.shift()!.annotations;
    }
    return found;
  }

  private pathSegments(): string[] {
    const segs = [this.ident().text];
    for (;;) {
      if (this.isP('.') && !this.tok.spaceBefore) {
        this.pos++;
        segs.push(this.ident().text);
      } else if (this.isP('[') && !this.tok.spaceBefore) {
        this.pos++;
        if (this.tok.kind !== 'string' && this.tok.kind !== 'rawstring') this.fail('expecting string in path');
        segs.push(this.tokens[this.pos++]!.value);
        this.expectP(']');
      } else return segs;
    }
  }

  private importDecl(): Import {
    const t = this.tok;
    this.pos++;
    const path = this.pathSegments();
    const head = path[0]!;
    if (!['data', 'input', 'future', 'rego'].includes(head)) {
      this.fail(`invalid import \`${path.join('.')}\`: must begin with input or data`, t);
    }
    let alias: string | undefined;
    if (this.acceptW('as')) alias = this.ident().text;
    return { path, alias, loc: this.loc(t) };
  }

  private rule(): RuleDef {
    const annotations = this.takeAnnotations();
    const start = this.tok;
    const isDefault = this.acceptW('default');
    const nameTok = this.ident();
    const name = [nameTok.text];
    const keys: Term[] = [];
    let args: Term[] | undefined;
    if (this.isP('(') && !this.tok.spaceBefore) {
      this.pos++;
      args = this.isP(')') ? [] : this.termList(')');
      this.expectP(')');
    } else {
      for (;;) {
        if (this.isP('.') && !this.tok.spaceBefore) {
          this.pos++;
          const seg = this.ident();
          if (keys.length === 0) name.push(seg.text);
          else keys.push({ t: 'scalar', v: seg.text, loc: this.loc(seg) });
        } else if (this.isP('[') && !this.tok.spaceBefore) {
          this.pos++;
          const k = this.inTerm();
          this.expectP(']');
          if (keys.length === 0 && k.t === 'scalar' && typeof k.v === 'string' && !this.isP('[')) {
            // `p["q"]` names the same rule as `p.q` when no dynamic key follows it.
            name.push(k.v);
          } else keys.push(k);
        } else break;
      }
    }
    let member: Term | undefined;
    let value: Term | undefined;
    let assign = false;
    if (this.isW('contains') && args === undefined) {
      this.pos++;
      member = this.inTerm();
    } else if (this.isP('=') || this.isP(':=')) {
      assign = this.tok.text === ':=';
      this.pos++;
      value = this.inTerm();
    }
    if (isDefault) {
      if (value === undefined) this.fail('default rules must have a value', start);
      checkDefaultValue(value, this);
      return {
        kind: args ? 'function' : 'complete',
        name,
        keys,
        args,
        value,
        body: [],
        isDefault,
        assign,
        elses: [],
        loc: this.loc(start),
        annotations,
      };
    }
    const hadIf = this.isW('if');
    const body = this.ruleBody(start, value !== undefined || member !== undefined || args !== undefined);
    const elses: RuleDef['elses'] = [];
    while (this.isW('else')) {
      const elseTok = this.tok;
      this.pos++;
      let elseValue: Term | undefined;
      if (this.acceptP('=') || this.acceptP(':=')) elseValue = this.inTerm();
      const elseBody = this.ruleBody(elseTok, true, true);
      elses.push({ value: elseValue, body: elseBody ?? [], loc: this.loc(elseTok) });
    }
    let kind: RuleDef['kind'];
    if (
      !this.regoV1 &&
      !hadIf &&
      !args &&
      name.length === 2 &&
      keys.length === 0 &&
      value === undefined &&
      member === undefined
    ) {
      // v0 reads `p.q { … }` (no `if`) as the partial set `p["q"]`.
      member = { t: 'scalar', v: name.pop()!, loc: this.loc(start) };
    }
    if (args) kind = 'function';
    else if (member) kind = 'set';
    else if (keys.length > 1 && value === undefined) {
      kind = 'object';
      value = { t: 'scalar', v: true, loc: this.loc(start) };
    } else if (keys.length > 0 && value === undefined) {
      if (this.regoV1) this.fail('`contains` keyword is required for partial set rules', start);
      kind = 'set';
      member = keys.pop();
    } else if (keys.length > 0) kind = 'object';
    else kind = 'complete';
    if (body === undefined && value === undefined && member === undefined) {
      this.fail('rule must have a body or a value', start);
    }
    if (elses.length > 0 && kind !== 'complete' && kind !== 'function')
      this.fail('else keyword cannot be used on multi-value rules', start);
    return {
      kind,
      name,
      keys,
      args,
      value,
      member,
      body: body ?? [],
      isDefault,
      assign,
      elses,
      loc: this.loc(start),
      annotations,
    };
  }

  /** `if { … }`, `if expr`, `{ … }` (v0), or nothing (a rule with only a value). */
  private ruleBody(start: Token, mayBeEmpty: boolean, isElse = false): Expr[] | undefined {
    if (this.acceptW('if')) {
      if (this.isP('{') && !this.looksLikeTermAfterBrace()) {
        this.pos++;
        return this.body('}');
      }
      return [this.literal()];
    }
    if (this.isP('{') && !this.tok.nlBefore) {
      if (this.regoV1) this.fail('`if` keyword is required before rule body');
      this.pos++;
      return this.body('}');
    }
    if (this.isP('{') && this.tok.nlBefore && !isElse) {
      // A body on the next line still belongs to the rule in v0 (`p\n{ … }` is rare but legal).
      if (this.regoV1) this.fail('`if` keyword is required before rule body');
      this.pos++;
      return this.body('}');
    }
    if (!mayBeEmpty) this.fail('rule must have a body', start);
    return undefined;
  }

  /** `if {}` is an empty object literal body? OPA treats `if {` as a body; keep that. */
  private looksLikeTermAfterBrace(): boolean {
    return false;
  }

  body(closer: string): Expr[] {
    const out: Expr[] = [];
    if (this.acceptP(closer)) return out;
    for (;;) {
      out.push(this.literal());
      if (this.acceptP(closer)) return out;
      if (this.acceptP(';')) continue;
      if (this.tok.nlBefore) continue;
      this.fail(`unexpected ${this.describe()}`);
    }
  }

  query(): Expr[] {
    const out: Expr[] = [];
    while (this.tok.kind !== 'eof') {
      out.push(this.literal());
      if (this.acceptP(';')) continue;
      if (this.atEnd() || this.tok.nlBefore) continue;
      this.fail(`unexpected ${this.describe()}`);
    }
    return out;
  }

  literal(): Expr {
    const start = this.tok;
    const loc = this.loc(start);
    let expr: Expr;
    if (this.isW('not') && !this.isPunctNext('(', '.', '[', '=', ':=')) {
      this.pos++;
      const inner = this.plainLiteral();
      expr = { e: 'not', expr: inner, loc, withs: [] };
    } else expr = this.plainLiteral();
    const withs: With[] = [];
    while (this.isW('with')) {
      const wt = this.tok;
      this.pos++;
      const target = this.primaryTerm();
      if (!this.acceptW('as')) this.fail('expecting `as`');
      const value = this.inTerm();
      withs.push({ target, value, loc: this.loc(wt) });
    }
    expr.withs = withs;
    return expr;
  }

  private isPunctNext(...ps: string[]): boolean {
    const n = this.peek();
    return n.kind === 'punct' && ps.includes(n.text) && !n.spaceBefore;
  }

  private plainLiteral(): Expr {
    const start = this.tok;
    const loc = this.loc(start);
    if (this.isW('some') && this.keywordStarts()) {
      this.pos++;
      const terms = [this.relationTerm()];
      while (this.acceptP(',')) terms.push(this.relationTerm());
      if (this.acceptW('in')) {
        if (terms.length > 2) this.fail('too many terms before `in`');
        const coll = this.relationTerm();
        return terms.length === 2
          ? { e: 'somein', key: terms[0], value: terms[1]!, coll, loc, withs: [] }
          : { e: 'somein', value: terms[0]!, coll, loc, withs: [] };
      }
      const vars = terms.map((t) => {
        if (t.t !== 'var') this.fail('expecting variable after `some`', start);
        return t.name;
      });
      return { e: 'some', vars, loc, withs: [] };
    }
    if (this.isW('every') && this.keywordStarts()) {
      this.pos++;
      const first = this.relationTerm();
      let key: Term | undefined;
      let value = first;
      if (this.acceptP(',')) {
        key = first;
        value = this.relationTerm();
      }
      if (!this.acceptW('in')) this.fail('expecting `in` after `every` variables');
      const coll = this.relationTerm();
      this.expectP('{');
      const body = this.body('}');
      for (const t of key ? [key, value] : [value]) if (t.t !== 'var') this.fail('every binds variables only', start);
      return { e: 'every', key, value, coll, body, loc, withs: [] };
    }
    let l = this.inTerm();
    if (this.isP(',') && l.t !== 'in') {
      // `k, v in coll` as a membership expression.
      const save = this.pos;
      this.pos++;
      const r = this.inTerm();
      if (r.t === 'in' && r.key === undefined) l = { t: 'in', key: l, value: r.value, coll: r.coll, loc: l.loc };
      else this.pos = save;
    }
    if (this.acceptP('=')) return { e: 'unify', l, r: this.inTerm(), loc, withs: [] };
    if (this.acceptP(':=')) return { e: 'assign', l, r: this.inTerm(), loc, withs: [] };
    return { e: 'term', term: l, loc, withs: [] };
  }

  /** `some`/`every` begin a declaration unless used as a plain name (`some = 1`, `some.x`, `some[0]`). */
  private keywordStarts(): boolean {
    const n = this.peek();
    if (n.kind === 'eof') return false;
    if (n.kind !== 'punct') return true;
    if (['=', ':=', '==', '!=', ';', '}', ')', ']', ','].includes(n.text)) return false;
    if (['.', '[', '('].includes(n.text) && !n.spaceBefore) return false;
    return n.text === '[' || n.text === '{' || n.text === '-' || n.text === '(';
  }

  private termList(closer: string, noUnion = false): Term[] {
    const out = [this.inTerm(noUnion)];
    while (this.acceptP(',')) {
      if (this.isP(closer)) break;
      out.push(this.inTerm(noUnion));
    }
    return out;
  }

  inTerm(noUnion = false): Term {
    this.enter();
    let l = this.relationTerm(noUnion);
    while (this.isW('in')) {
      this.pos++;
      const coll = this.relationTerm(noUnion);
      l = { t: 'in', value: l, coll, loc: l.loc };
    }
    this.depth--;
    return l;
  }

  private enter(): void {
    if (++this.depth > MAX_DEPTH) this.fail(`expression nests more than ${MAX_DEPTH} deep`);
  }

  private relationTerm(noUnion = false): Term {
    let l = this.orTerm(noUnion);
    while (this.tok.kind === 'punct' && COMPARISONS.has(this.tok.text)) {
      const op = this.tokens[this.pos++]!.text;
      l = { t: 'binop', op, l, r: this.orTerm(noUnion), loc: l.loc };
    }
    return l;
  }

  private orTerm(noUnion: boolean): Term {
    let l = this.andTerm();
    while (!noUnion && this.isP('|')) {
      this.pos++;
      l = { t: 'binop', op: '|', l, r: this.andTerm(), loc: l.loc };
    }
    return l;
  }

  private andTerm(): Term {
    let l = this.arithTerm();
    while (this.isP('&')) {
      this.pos++;
      l = { t: 'binop', op: '&', l, r: this.arithTerm(), loc: l.loc };
    }
    return l;
  }

  private arithTerm(): Term {
    let l = this.factorTerm();
    while ((this.isP('+') || this.isP('-')) && !this.tok.nlBefore) {
      const op = this.tokens[this.pos++]!.text;
      l = { t: 'binop', op, l, r: this.factorTerm(), loc: l.loc };
    }
    return l;
  }

  private factorTerm(): Term {
    let l = this.unaryTerm();
    while (this.isP('*') || this.isP('/') || this.isP('%')) {
      const op = this.tokens[this.pos++]!.text;
      l = { t: 'binop', op, l, r: this.unaryTerm(), loc: l.loc };
    }
    return l;
  }

  private unaryTerm(): Term {
    if (this.isP('-')) {
      const minus = this.tok;
      this.pos++;
      if (this.tok.kind !== 'number') this.fail('unary - can only be used with numeric literals', minus);
      const n = this.tokens[this.pos++]!;
      return this.postfix({ t: 'scalar', v: -Number(n.value), loc: this.loc(minus) });
    }
    return this.primaryTerm();
  }

  primaryTerm(): Term {
    this.enter();
    const t = this.tok;
    const loc = this.loc(t);
    let term: Term;
    switch (t.kind) {
      case 'number':
        this.pos++;
        term = { t: 'scalar', v: Number(t.value), loc };
        break;
      case 'string':
      case 'rawstring':
        this.pos++;
        term = { t: 'scalar', v: t.value, loc };
        break;
      case 'ident':
        term = this.identTerm();
        break;
      case 'punct':
        if (t.text === '(') {
          this.pos++;
          term = this.inTerm();
          this.expectP(')');
        } else if (t.text === '[') term = this.arrayTerm();
        else if (t.text === '{') term = this.braceTerm();
        else this.fail(`unexpected ${this.describe()}`);
        break;
      default:
        this.fail(`unexpected ${this.describe()}`);
    }
    this.depth--;
    return this.postfix(term);
  }

  private identTerm(): Term {
    const t = this.tokens[this.pos++]!;
    const loc = this.loc(t);
    if (t.text === 'true' || t.text === 'false') return { t: 'scalar', v: t.text === 'true', loc };
    if (t.text === 'null') return { t: 'scalar', v: null, loc };
    if (t.text === 'set' && this.isP('(') && !this.tok.spaceBefore && this.peek().text === ')') {
      this.pos += 2;
      return { t: 'set', items: [], loc };
    }
    // A dotted name followed by `(` is a call (`strings.replace_n(…)`, `data.lib.f(…)`).
    const names = [t.text];
    let p = this.pos;
    while (
      this.tokens[p]?.text === '.' &&
      !this.tokens[p]!.spaceBefore &&
      this.tokens[p + 1]?.kind === 'ident' &&
      !this.tokens[p + 1]!.spaceBefore
    ) {
      names.push(this.tokens[p + 1]!.text);
      p += 2;
    }
    const after = this.tokens[p];
    if (after?.kind === 'punct' && after.text === '(' && !after.spaceBefore) {
      this.pos = p + 1;
      const args = this.isP(')') ? [] : this.termList(')');
      this.expectP(')');
      return { t: 'call', name: names.join('.'), args, loc };
    }
    return { t: 'var', name: t.text, loc };
  }

  private postfix(term: Term): Term {
    const path: Term[] = [];
    for (;;) {
      if (this.isP('.') && !this.tok.spaceBefore) {
        const dot = this.tok;
        this.pos++;
        if (this.tok.kind !== 'ident') this.fail(`expecting identifier after \`.\`, found ${this.describe()}`);
        if (this.tok.spaceBefore) this.fail('invalid whitespace between . and identifier', dot);
        const seg = this.tokens[this.pos++]!;
        path.push({ t: 'scalar', v: seg.text, loc: this.loc(seg) });
      } else if (this.isP('[') && !this.tok.spaceBefore) {
        this.pos++;
        path.push(this.inTerm());
        this.expectP(']');
      } else break;
    }
    if (path.length === 0) return term;
    if (term.t === 'ref') return { ...term, path: [...term.path, ...path] };
    return { t: 'ref', head: term, path, loc: term.loc };
  }

  /** Runs a parse that may fail; on a parse error restores nothing and returns undefined. */
  private attempt<T>(parse: () => T): T | undefined {
    const depth = this.depth;
    try {
      return parse();
    } catch (err) {
      if (!(err instanceof RegoError) || err.code !== 'rego_parse_error') throw err;
      this.depth = depth;
      return undefined;
    }
  }

  private arrayTerm(): Term {
    const loc = this.loc();
    this.pos++;
    if (this.acceptP(']')) return { t: 'array', items: [], loc };
    const start = this.pos;
    let first = this.inTerm(true);
    if (this.acceptP('|')) {
      const compr = this.attempt(() => ({ t: 'arraycompr' as const, term: first, body: this.body(']'), loc }));
      if (compr) return compr;
      // Not a comprehension after all (`[x | y, 5]`): an array whose first item is a union, as OPA reparses it.
      this.pos = start;
      first = this.inTerm();
    }
    const items = [first];
    while (this.acceptP(',')) {
      if (this.isP(']')) break;
      items.push(this.inTerm());
    }
    this.expectP(']');
    return { t: 'array', items, loc };
  }

  private braceTerm(): Term {
    const loc = this.loc();
    this.pos++;
    if (this.acceptP('}')) return { t: 'object', entries: [], loc };
    const start = this.pos;
    const first = this.inTerm(true);
    if (this.acceptP(':')) {
      const v = this.inTerm(true);
      if (this.acceptP('|')) return { t: 'objcompr', key: first, value: v, body: this.body('}'), loc };
      const entries: [Term, Term][] = [[first, v]];
      while (this.acceptP(',')) {
        if (this.isP('}')) break;
        const k = this.inTerm();
        this.expectP(':');
        entries.push([k, this.inTerm()]);
      }
      this.expectP('}');
      return { t: 'object', entries, loc };
    }
    let setFirst = first;
    if (this.acceptP('|')) {
      const compr = this.attempt(() => ({ t: 'setcompr' as const, term: first, body: this.body('}'), loc }));
      if (compr) return compr;
      this.pos = start;
      setFirst = this.inTerm();
    }
    const items = [setFirst];
    while (this.acceptP(',')) {
      if (this.isP('}')) break;
      items.push(this.inTerm());
    }
    this.expectP('}');
    return { t: 'set', items, loc };
  }
}

/** OPA requires a default value to be a constant: no variables, references, calls or operators. */
function checkDefaultValue(term: Term, parser: Parser): void {
  const what: Partial<Record<Term['t'], string>> = {
    var: 'var',
    ref: 'ref',
    call: 'call',
    binop: 'binexpr',
    in: 'membership',
  };
  const kind = what[term.t];
  if (kind) {
    throw new RegoError('rego_type_error', `invalid \`${kind}\` in default value`, term.loc);
  }
  if (term.t === 'array' || term.t === 'set') term.items.forEach((i) => checkDefaultValue(i, parser));
  if (term.t === 'object')
    term.entries.forEach(([k, v]) => (checkDefaultValue(k, parser), checkDefaultValue(v, parser)));
}

function metadataBlocks(comments: Comment[], file: string): MetadataBlock[] {
  const blocks: MetadataBlock[] = [];
  for (let i = 0; i < comments.length; i++) {
    const c = comments[i]!;
    if (c.text.trim() !== 'METADATA') continue;
    const lines: string[] = [];
    let row = c.row;
    let j = i + 1;
    while (j < comments.length && comments[j]!.row === row + 1 && comments[j]!.col === c.col) {
      const text = comments[j]!.text;
      lines.push(text.startsWith(' ') ? text.slice(1) : text);
      row++;
      j++;
    }
    let parsed: unknown;
    try {
      parsed = parseUntrustedYaml(lines.join('\n'));
    } catch (err) {
      throw new RegoError('rego_parse_error', `invalid METADATA block: ${(err as Error).message.split('\n')[0]}`, {
        file,
        row: c.row,
        col: c.col,
      });
    }
    if (parsed !== null && (typeof parsed !== 'object' || Array.isArray(parsed))) {
      throw new RegoError('rego_parse_error', 'METADATA block must be a YAML mapping', {
        file,
        row: c.row,
        col: c.col,
      });
    }
    blocks.push({ endRow: row, annotations: (parsed ?? {}) as Annotations });
    i = j - 1;
  }
  return blocks;
}

export function parseModule(text: string, file: string): Module {
  return new Parser(file, text).module();
}

export function parseQuery(text: string, file = 'query'): Expr[] {
  return new Parser(file, text).query();
}
