/** The parsed form of Rego modules and queries. */
import type { Location } from './errors.js';
import type { Value } from './value.js';

export type Term =
  | { t: 'scalar'; v: Value; loc: Location }
  | { t: 'var'; name: string; loc: Location }
  | { t: 'ref'; head: Term; path: Term[]; loc: Location }
  | { t: 'array'; items: Term[]; loc: Location }
  | { t: 'set'; items: Term[]; loc: Location }
  | { t: 'object'; entries: [Term, Term][]; loc: Location }
  | { t: 'arraycompr'; term: Term; body: Expr[]; loc: Location }
  | { t: 'setcompr'; term: Term; body: Expr[]; loc: Location }
  | { t: 'objcompr'; key: Term; value: Term; body: Expr[]; loc: Location }
  | { t: 'call'; name: string; args: Term[]; loc: Location; outputArg?: boolean }
  | { t: 'binop'; op: string; l: Term; r: Term; loc: Location }
  | { t: 'in'; key?: Term; value: Term; coll: Term; loc: Location };

export interface With {
  target: Term;
  value: Term;
  /** Set when the replacement names a function or built-in (`with f as g`): calls go to it. */
  fnValue?: string;
  loc: Location;
}

export type Expr = (
  | { e: 'term'; term: Term }
  | { e: 'unify'; l: Term; r: Term }
  | { e: 'assign'; l: Term; r: Term }
  | { e: 'some'; vars: string[] }
  | { e: 'somein'; key?: Term; value: Term; coll: Term }
  | { e: 'every'; key?: Term; value: Term; coll: Term; body: Expr[] }
  | { e: 'not'; expr: Expr }
) & { loc: Location; withs: With[] };

export type RuleKind = 'complete' | 'set' | 'object' | 'function';

export interface RuleDef {
  kind: RuleKind;
  /** Ground leading segments of the head ref relative to the package (`p.q` in `p.q[x] := 1`). */
  name: string[];
  /** Dynamic part of the head ref (partial object keys, or the set member for `p[x]`). */
  keys: Term[];
  args?: Term[];
  value?: Term;
  /** A set rule's member. */
  member?: Term;
  body: Expr[];
  isDefault: boolean;
  assign: boolean;
  elses: { value?: Term; body: Expr[]; loc: Location }[];
  loc: Location;
  annotations?: Annotations;
}

export type Annotations = Record<string, unknown> & { scope?: string };

export interface Import {
  path: string[];
  /** A head that is not `data`/`input` (`future`, `rego`) marks a keyword import. */
  alias?: string;
  loc: Location;
}

export interface Module {
  file: string;
  pkg: string[];
  imports: Import[];
  rules: RuleDef[];
  regoV1: boolean;
  pkgAnnotations: Annotations[];
  /** Annotations with scope `subpackages`/`document`, kept for `rego.metadata.chain()`. */
  loc: Location;
}
