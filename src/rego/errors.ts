/** Errors with OPA's codes and a file:line:column, so authors find the line that failed. */
export type RegoErrorCode =
  | 'rego_parse_error'
  | 'rego_compile_error'
  | 'rego_type_error'
  | 'rego_unsafe_var_error'
  | 'rego_recursion_error'
  | 'eval_conflict_error'
  | 'eval_type_error'
  | 'eval_builtin_error'
  | 'eval_cancel_error'
  | 'eval_limit_error';

export interface Location {
  file: string;
  row: number;
  col: number;
}

export class RegoError extends Error {
  constructor(
    readonly code: RegoErrorCode,
    readonly detail: string,
    readonly location?: Location,
  ) {
    super(`${location ? `${location.file}:${location.row}:${location.col}: ` : ''}${code}: ${detail}`);
  }
}

/** Thrown by a built-in given operands of the wrong type or value; OPA makes it undefined unless strict. */
export class BuiltinError extends Error {}
