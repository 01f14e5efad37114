/**
 * Focused tests of the Rego engine: the seed policies of issue 20 over
 * container input, both syntaxes, hostile policies stopped by the deadline
 * and caps, error positions, metadata and the undefined/false distinction.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileModules, evaluate, RegoError, type EvalResult } from '../../src/rego/index.js';

function run(text: string, query: string, input?: unknown, extra: Parameters<typeof evaluate>[2] = {}): EvalResult {
  return evaluate(compileModules([{ path: 'policy.rego', text }]), query, { input, ...extra });
}

function value(r: EvalResult): unknown {
  assert.equal(r.kind, 'value', JSON.stringify(r));
  return (r as { value: unknown }).value;
}

// The seed's first policy, unchanged (Rego v0, as users wrote it).
const CONTAINER = `package container
deny[msg] { input.type == "Container"; not input.spec.securityContext.runAsNonRoot; msg = "Containers must not run as root" }
deny[msg] { input.type == "Container"; not input.spec.securityContext.readOnlyRootFilesystem; msg = "Root filesystem must be read-only" }
`;

// The seed's second policy, unchanged.
const SECURITY = `package container.security
default allow = false
allow { startswith(input.image, "registry.company.com/") }
deny { input.vulnerabilities[_].severity == "CRITICAL" }
deny { input.config.User == "root" }
deny { not input.hostConfig.ReadonlyRootfs }
`;

test('seed deny[msg] policy denies a root container and passes a hardened one', () => {
  const root = { type: 'Container', spec: { securityContext: {} } };
  assert.deepEqual(value(run(CONTAINER, 'data.container.deny', root)), [
    'Containers must not run as root',
    'Root filesystem must be read-only',
  ]);
  const hardened = {
    type: 'Container',
    spec: { securityContext: { runAsNonRoot: true, readOnlyRootFilesystem: true } },
  };
  assert.deepEqual(value(run(CONTAINER, 'data.container.deny', hardened)), []);
  // Not a container: the rule bodies fail at the first expression, the set is empty (defined).
  assert.deepEqual(value(run(CONTAINER, 'data.container.deny', { type: 'Pod' })), []);
});

test('seed allow/deny policy: default, partial truth, undefined deny', () => {
  const bad = {
    image: 'docker.io/library/polyglot:1',
    config: { User: 'root' },
    vulnerabilities: [{ severity: 'LOW' }, { severity: 'CRITICAL' }],
    hostConfig: { ReadonlyRootfs: false },
  };
  assert.equal(value(run(SECURITY, 'data.container.security.allow', bad)), false);
  assert.equal(value(run(SECURITY, 'data.container.security.deny', bad)), true);
  const good = {
    image: 'registry.company.com/app:1',
    config: { User: '1000' },
    vulnerabilities: [{ severity: 'HIGH' }],
    hostConfig: { ReadonlyRootfs: true },
  };
  assert.equal(value(run(SECURITY, 'data.container.security.allow', good)), true);
  // deny has no default: undefined, not false (OPA's semantics).
  assert.equal(run(SECURITY, 'data.container.security.deny', good).kind, 'undefined');
  assert.deepEqual(value(run(SECURITY, 'data.container.security', good)), { allow: true });
});

test('v1 syntax: contains, if, some … in, every, with, functions with else', () => {
  const policy = `package k8s
import rego.v1

deny contains msg if {
  some c in input.containers
  not c.securityContext.readOnlyRootFilesystem
  msg := sprintf("container %q: root filesystem is writable", [c.name])
}

all_limited if every c in input.containers { c.resources.limits.memory }

size(b) := "big" if b > units.parse_bytes("1Gi")
else := "small"

sizes := {c.name: size(units.parse_bytes(c.resources.limits.memory)) | some c in input.containers}
`;
  const input = {
    containers: [
      { name: 'a', securityContext: { readOnlyRootFilesystem: true }, resources: { limits: { memory: '2Gi' } } },
      { name: 'b', securityContext: {}, resources: { limits: { memory: '10Mi' } } },
    ],
  };
  assert.deepEqual(value(run(policy, 'data.k8s.deny', input)), ['container "b": root filesystem is writable']);
  assert.equal(value(run(policy, 'data.k8s.all_limited', input)), true);
  assert.deepEqual(value(run(policy, 'data.k8s.sizes', input)), { a: 'big', b: 'small' });
  assert.deepEqual(value(run(policy, 'x := data.k8s.deny with input as {"containers": []}', input)), { x: [] });
});

test('METADATA annotations reach rego.metadata.rule() and chain()', () => {
  const policy = `# METADATA
# title: Container checks
package checks
import rego.v1

# METADATA
# title: No root
# custom:
#   id: DS002
#   severity: HIGH
deny contains out if {
  input.user == "root"
  meta := rego.metadata.rule()
  out := {"id": meta.custom.id, "msg": meta.title, "chain": count(rego.metadata.chain())}
}
`;
  assert.deepEqual(value(run(policy, 'data.checks.deny', { user: 'root' })), [
    { chain: 2, id: 'DS002', msg: 'No root' },
  ]);
});

test('a hostile policy is stopped: deadline on a huge iteration, caps on recursion and comprehension size', () => {
  const slow = `package h
x := count([1 | numbers.range(1, 1000)[_]; numbers.range(1, 1000)[_]; numbers.range(1, 1000)[_]])`;
  const started = Date.now();
  const r = run(slow, 'data.h.x', undefined, { limits: { deadlineMs: 300 } });
  assert.equal(r.kind, 'error');
  assert.ok(r.kind === 'error' && ['eval_cancel_error', 'eval_limit_error'].includes(r.code), JSON.stringify(r));
  assert.ok(Date.now() - started < 5000, 'stopped long before the work would finish');

  // Recursion is refused at compile time, as OPA does, for rules and functions alike.
  assert.throws(
    () => run('package h\np { q }\nq { p }', 'data.h.p'),
    /rego_recursion_error: rule data\.h\.(p|q) is recursive/,
  );
  assert.throws(() => run('package h\nf(x) := y if { y := f(x + 1) }\nr := f(0)', 'data.h.r'), /rego_recursion_error/);
  assert.throws(() => run('package h\nx := count(data.h)', 'data.h.x'), /rego_recursion_error/);

  // A chain of distinct rules deeper than the cap is stopped at run time.
  const chain = ['package h', ...Array.from({ length: 300 }, (_, i) => `r${i} := r${i + 1} + 1`), 'r300 := 0'].join(
    '\n',
  );
  const deep = run(chain, 'data.h.r0');
  assert.ok(deep.kind === 'error' && deep.code === 'eval_limit_error', JSON.stringify(deep));
  assert.equal(value(run(chain, 'data.h.r0', undefined, { limits: { maxCallDepth: 400 } })), 300);

  const big = `package h
x := [i | some i in numbers.range(1, 900000)]
y := [[i, j] | some i in x; some j in x]`;
  const b = run(big, 'count(data.h.y)', undefined, { limits: { deadlineMs: 60000, maxCollection: 100000 } });
  assert.ok(b.kind === 'error' && ['eval_limit_error', 'eval_cancel_error'].includes(b.code), JSON.stringify(b));
});

test('regexes run in linear time; a backtracking-only pattern with nested repeats is refused', () => {
  const input = { s: `${'a'.repeat(100000)}!` };
  const started = Date.now();
  assert.equal(value(run('package r\nx := regex.match(`^(a+)+$`, input.s)', 'data.r.x', input)), false);
  assert.equal(value(run('package r\nx := regex.match(`(?i)^(A|a)*$`, input.s)', 'data.r.x', input)), false);
  assert.ok(Date.now() - started < 3000, `took ${Date.now() - started} ms`);
  // Unicode classes need the backtracking engine: there nested repeats are refused, not run.
  const r = run('package r\nx := regex.match(`^(\\pL+)+$`, input.s)', 'data.r.x', input, { strictBuiltinErrors: true });
  assert.ok(
    r.kind === 'error' && r.code === 'eval_builtin_error' && /nested quantifiers/.test(r.message),
    JSON.stringify(r),
  );
  assert.equal(
    value(run('package r\nx := regex.match(`^[a-z]+(\\.[a-z]+)*$`, "registry.company.com")', 'data.r.x')),
    true,
  );
});

test('errors carry file:line:column and OPA codes', () => {
  const parse = (() => {
    try {
      compileModules([{ path: 'bad.rego', text: 'package p\n\nallow {\n  input.x ==\n}\n' }]);
    } catch (err) {
      return err;
    }
    return undefined;
  })();
  assert.ok(parse instanceof RegoError);
  assert.equal(parse.code, 'rego_parse_error');
  assert.deepEqual(parse.location, { file: 'bad.rego', row: 5, col: 1 });
  assert.match(parse.message, /^bad\.rego:5:1: rego_parse_error/);

  const unknown = (() => {
    try {
      compileModules([{ path: 'u.rego', text: 'package p\nx := no_such_builtin(1)\n' }]);
    } catch (err) {
      return err;
    }
    return undefined;
  })();
  assert.ok(unknown instanceof RegoError);
  assert.equal(unknown.code, 'rego_type_error');
  assert.match(unknown.message, /u\.rego:2:6: .*no_such_builtin/);

  const conflict = run('package p\nx := 1 if input.a\nx := 2 if input.b\n', 'data.p.x', { a: true, b: true });
  assert.ok(conflict.kind === 'error' && conflict.code === 'eval_conflict_error');
  assert.deepEqual(conflict.location, { file: 'policy.rego', row: 3, col: 1 });
});

test('built-in errors are undefined by default and errors when strict, as in OPA', () => {
  const policy = 'package b\nx := to_number(input.s)\n';
  assert.equal(run(policy, 'data.b.x', { s: 'abc' }).kind, 'undefined');
  const strict = run(policy, 'data.b.x', { s: 'abc' }, { strictBuiltinErrors: true });
  assert.ok(strict.kind === 'error' && strict.code === 'eval_builtin_error');
  // Constant operands of the wrong type are a compile-time type error.
  assert.throws(() => compileModules([{ path: 'c.rego', text: 'package c\nx := upper(1)\n' }]), /rego_type_error/);
});

test("print goes to the caller's sink, data documents merge with rules", () => {
  const lines: string[] = [];
  const policy = 'package p\nimport data.settings\nx if { print("limit", settings.limit); settings.limit > 1 }\n';
  const r = evaluate(compileModules([{ path: 'p.rego', text: policy }]), 'data.p.x', {
    data: { settings: { limit: 3 } },
    print: (m) => lines.push(m),
  });
  assert.equal(value(r), true);
  assert.deepEqual(lines, ['limit 3']);
});

test("a caller adds built-ins (as Trivy adds result.new) but cannot replace OPA's", () => {
  const policy = 'package t\ndeny contains res if { input.x; res := result.new("bad", input) }\n';
  const compiled = compileModules([{ path: 't.rego', text: policy }], {
    builtins: {
      'result.new': { arity: 2, types: ['string', 'any'], fn: ([msg]) => msg ?? null },
    },
  });
  assert.deepEqual(value(evaluate(compiled, 'data.t.deny', { input: { x: 1 } })), ['bad']);
  assert.throws(() => compileModules([{ path: 't.rego', text: policy }]), /rego_type_error: .*result\.new/);
  assert.throws(
    () => compileModules([], { builtins: { count: { arity: 1, types: ['any'], fn: () => 0 } } }),
    /cannot replace/,
  );
});

test('input nested deeper than the stack is an error result, not a crash', () => {
  let deep: unknown = 1;
  for (let i = 0; i < 200000; i++) deep = [deep];
  const r = run('package d\nx := count(input)\n', 'data.d.x', deep);
  assert.ok(r.kind === 'error' || r.kind === 'value', JSON.stringify(r).slice(0, 200));
  if (r.kind === 'error') assert.equal(r.code, 'eval_limit_error');
});
