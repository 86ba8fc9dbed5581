// The scenario runner: runs the files of tests/scenarios/ (the
// conformance format, see tests/scenarios/README.md) against this kit and a
// provider, with the semantics of `backorders run`
// (host/cli/src/scenario/): the file checked whole first, a fresh provider
// per scenario, a failing step stops its scenario.
import { BackorderError } from './errors.js';
import { parseTime } from './dates.js';
import { OPERATIONS, request } from './operations.js';

const FILE_KEYS = ['name', 'description', 'now', 'stock', 'steps'];
const STOCK_KEYS = ['sku', 'location', 'quantity'];
const STEP_KEYS = ['name', 'op', 'args', 'now', 'preview', 'save', 'expect', 'expect_exact', 'expect_error',
  'expect_backorders', 'expect_summary', 'expect_sku_summary', 'expect_stock'];
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export class ScenarioError extends Error {}

const join = (path, key) => (path ? `${path}.${key}` : key);
const isObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);

/// `"$bo1"` names `bo1`; `"$$x"` is the literal `$x`.
function text(string) {
  if (string.startsWith('$$')) return { literal: string.slice(1) };
  if (!string.startsWith('$')) return { literal: string };
  const name = string.slice(1);
  if (!NAME.test(name)) {
    throw new ScenarioError(`\`${string}\` is not a reference: write \`$\` and a name of letters, digits and \`_\`, or \`$$\` for a literal \`$\``);
  }
  return { reference: name };
}

function referencesIn(value, path, found = []) {
  if (typeof value === 'string') {
    const parsed = text(value);
    if (parsed.reference) found.push([path, parsed.reference]);
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => referencesIn(item, `${path}[${index}]`, found));
  } else if (isObject(value)) {
    for (const [key, item] of Object.entries(value)) referencesIn(item, join(path, key), found);
  }
  return found;
}

function resolve(saved, value, path = '') {
  if (typeof value === 'string') {
    const parsed = text(value);
    if (parsed.literal !== undefined) return parsed.literal;
    if (!saved.has(parsed.reference)) throw new ScenarioError(`${path ? `${path}: ` : ''}\`$${parsed.reference}\` was not saved`);
    return saved.get(parsed.reference);
  }
  if (Array.isArray(value)) return value.map((item, index) => resolve(saved, item, `${path}[${index}]`));
  if (isObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, resolve(saved, item, join(path, key))]));
  }
  return value;
}

/// Reads and checks a scenario file's text; `origin` names it in errors,
/// `engine` (any engine) knows the enums' cases.
export function parseScenario(source, origin, engine) {
  let file;
  try {
    file = JSON.parse(source);
  } catch (error) {
    throw new ScenarioError(`${origin}: not valid JSON: ${error.message}`);
  }
  const fail = (where, message) => {
    throw new ScenarioError(`${origin}: ${where ? `${where}: ` : ''}${message}`);
  };
  const known = (object, keys, where) => {
    if (!isObject(object)) fail(where, 'expected an object');
    for (const key of Object.keys(object)) {
      if (!keys.includes(key)) fail(where, `unknown field \`${key}\`, expected one of ${keys.map((k) => `\`${k}\``).join(', ')}`);
    }
  };
  known(file, FILE_KEYS, '');
  if (typeof file.now !== 'string') fail('now', 'missing field `now`');
  let now;
  try {
    now = parseTime('now', file.now);
  } catch (error) {
    fail('now', error.message);
  }
  if (!Array.isArray(file.steps) || file.steps.length === 0) fail('steps', 'a scenario needs at least one step');
  const stock = (file.stock ?? []).map((line, index) => {
    known(line, STOCK_KEYS, `stock[${index}]`);
    return { sku: line.sku, location: line.location ?? undefined, quantity: line.quantity };
  });
  const saved = new Set();
  const steps = file.steps.map((step, index) => {
    const where = `step ${index + 1}${step?.name ? ` (${JSON.stringify(step.name)})` : ''}`;
    const error = (field, message) => fail(`${where}: ${field}`, message);
    known(step, STEP_KEYS, where);
    const op = Object.hasOwn(OPERATIONS, step.op) ? OPERATIONS[step.op] : undefined;
    if (!op) error('op', `unknown operation \`${step.op}\`; expected one of: ${Object.keys(OPERATIONS).join(', ')}`);
    if (step.preview && !op.write) error('preview', `${step.op} only reads; there is nothing to preview`);
    let stepNow;
    if (step.now !== undefined) {
      try {
        stepNow = parseTime('now', step.now);
      } catch (refusal) {
        error('now', refusal.message);
      }
    }
    const args = step.args ?? {};
    const checkReferences = (value, field, visible) => {
      let found;
      try {
        found = referencesIn(value, field);
      } catch (refusal) {
        error(field, refusal.message);
      }
      for (const [path, name] of found) {
        if (!visible.has(name)) error(path, `\`$${name}\` is not saved by an earlier step`);
      }
    };
    checkReferences(args, 'args', saved);
    try {
      request(op, args, engine.cases);
    } catch (refusal) {
      // Only the arguments' own shape is checked here; a reference stands
      // in for its value, checked when the step runs.
      if (refusal.argument && referencesIn(args[refusal.field] ?? null, '').length === 0) {
        error(`args.${refusal.field}`, refusal.message);
      }
    }
    const save = Object.entries(step.save ?? {});
    for (const [name, path] of save) {
      if (!NAME.test(name)) error(`save.${name}`, 'a saved name is a letter or `_`, then letters, digits or `_`');
      if (!path) error(`save.${name}`, 'give the path of a field of the result');
    }
    const visible = new Set([...saved, ...save.map(([name]) => name)]);
    if (step.expect !== undefined && step.expect_exact !== undefined) {
      error('expect_exact', 'give `expect` (the fields given) or `expect_exact` (the whole result), not both');
    }
    let expected;
    if (step.expect_error !== undefined) {
      if (step.expect !== undefined || step.expect_exact !== undefined) error('expect_error', 'a step expecting an error has no result to expect');
      if (save.length > 0) error('save', 'a step expecting an error has no result to save from');
      const fields = typeof step.expect_error === 'string' ? { kind: step.expect_error } : step.expect_error;
      if (!isObject(fields) || typeof fields.kind !== 'string') {
        error('expect_error', 'give the error kind (`"not_found"`) or an object with `kind` and the fields to match');
      }
      checkReferences(fields, 'expect_error', visible);
      expected = { error: fields };
    } else {
      const result = step.expect ?? step.expect_exact;
      if (result !== undefined) checkReferences(result, step.expect !== undefined ? 'expect' : 'expect_exact', visible);
      expected = { result, exact: step.expect === undefined };
    }
    const checks = [];
    for (const [id, fields] of Object.entries(step.expect_backorders ?? {})) {
      checkReferences(id, `expect_backorders.${id}`, visible);
      checkReferences(fields, `expect_backorders.${id}`, visible);
      checks.push({ subject: 'backorder', id, expected: fields });
    }
    if (step.expect_summary !== undefined) {
      checkReferences(step.expect_summary, 'expect_summary', visible);
      checks.push({ subject: 'summary', expected: step.expect_summary });
    }
    for (const [sku, fields] of Object.entries(step.expect_sku_summary ?? {})) {
      checkReferences(fields, `expect_sku_summary.${sku}`, visible);
      checks.push({ subject: 'sku summary', sku, expected: fields });
    }
    (step.expect_stock ?? []).forEach((row, rowIndex) => {
      const field = `expect_stock[${rowIndex}]`;
      if (!isObject(row)) error(field, 'give an object with `sku` and the figures to match');
      const { sku, location, ...figures } = row;
      if (typeof sku !== 'string') error(`${field}.sku`, 'give the SKU as a text');
      if (location !== undefined && location !== null && typeof location !== 'string') {
        error(`${field}.location`, 'give the location as a text, or null');
      }
      checkReferences(figures, field, visible);
      checks.push({ subject: 'stock', sku, location: location ?? undefined, expected: figures });
    });
    for (const [name] of save) saved.add(name);
    return {
      number: index + 1, name: step.name ?? null, op: step.op, args, now: stepNow, apply: !step.preview,
      save, expected, checks,
    };
  });
  return { origin, name: file.name ?? null, description: file.description ?? null, now, stock, steps };
}

/// Both are times, and the same one.
function sameTime(expected, actual) {
  try {
    return parseTime('expected', expected) === parseTime('actual', actual);
  } catch {
    return false;
  }
}

/// Expected against actual: objects by the keys expected (all and no
/// others when `exact`), arrays element by element and of the same length,
/// times as times, everything else as equal JSON.
export function compare(subject, expected, actual, exact) {
  const differences = [];
  const found = (path, expectedValue, actualValue, note) => differences.push({
    subject, path, expected: expectedValue === undefined ? null : expectedValue,
    actual: actualValue === undefined ? null : actualValue, note: note ?? null,
  });
  const walk = (path, want, got) => {
    if (isObject(want) && isObject(got)) {
      for (const [key, value] of Object.entries(want)) {
        if (Object.hasOwn(got, key)) walk(join(path, key), value, got[key]);
        else found(join(path, key), value, undefined, `no such field; there are: ${Object.keys(got).join(', ')}`);
      }
      if (exact) {
        for (const [key, value] of Object.entries(got)) if (!Object.hasOwn(want, key)) found(join(path, key), undefined, value, 'not expected');
      }
    } else if (Array.isArray(want) && Array.isArray(got)) {
      const common = Math.min(want.length, got.length);
      for (let index = 0; index < common; index += 1) walk(`${path}[${index}]`, want[index], got[index]);
      for (let index = common; index < Math.max(want.length, got.length); index += 1) {
        found(`${path}[${index}]`, want[index], got[index], `expected ${want.length} elements, got ${got.length}`);
      }
    } else if (typeof want === 'string' && typeof got === 'string' && sameTime(want, got)) {
      // The same instant, written differently.
    } else if (JSON.stringify(want) !== JSON.stringify(got)) {
      found(path, want, got);
    }
  };
  walk('', expected, actual);
  return differences;
}

function lookup(value, path) {
  let current = value;
  for (const segment of path.split('.')) {
    if (Array.isArray(current)) current = /^\d+$/.test(segment) ? current[Number(segment)] : undefined;
    else if (isObject(current)) current = Object.hasOwn(current, segment) ? current[segment] : undefined;
    else return undefined;
  }
  return current;
}

/// Runs a checked scenario on `engine` (over a fresh provider). Returns
/// `{file, name, passed, error, steps: [{step, name, op, status, problem,
/// differences}]}`, status `passed`, `failed` or `not_run`, as the
/// CLI's `run --json`.
export function runScenario(scenario, engine) {
  const report = { file: scenario.origin, name: scenario.name, passed: false, error: null, steps: [] };
  const notRun = (step) => ({ step: step.number, name: step.name, op: step.op, status: 'not_run', problem: null, differences: [] });
  engine.setClock(scenario.now);
  try {
    for (const line of scenario.stock) engine.setStock(line.sku, line.location, line.quantity);
  } catch (error) {
    report.error = { kind: 'setup', message: `could not start: ${error.message}` };
    report.steps = scenario.steps.map(notRun);
    return report;
  }
  const saved = new Map();
  let stopped = false;
  for (const step of scenario.steps) {
    const result = stopped ? notRun(step) : runStep(engine, step, saved);
    stopped ||= result.status === 'failed';
    report.steps.push(result);
  }
  report.passed = report.steps.every((step) => step.status === 'passed');
  return report;
}

function runStep(engine, step, saved) {
  const report = { step: step.number, name: step.name, op: step.op, status: 'passed', problem: null, differences: [] };
  const failed = (problem) => ({ ...report, status: 'failed', problem });
  if (step.now !== undefined) engine.setClock(step.now);
  let args;
  try {
    args = resolve(saved, step.args, '');
    request(OPERATIONS[step.op], args, () => null);
  } catch (error) {
    if (error instanceof ScenarioError) return failed(`args.${error.message}`);
    if (error.argument) return failed(`args.${error.field}: ${error.message}`);
  }
  let outcome;
  try {
    outcome = { value: engine.call(step.op, args, { apply: step.apply }) };
  } catch (error) {
    if (!(error instanceof BackorderError)) throw error;
    outcome = { error: error.toJSON().error };
  }
  try {
    if (step.expected.error) {
      if (!outcome.error) return failed(`expected the call to fail with ${JSON.stringify(step.expected.error)}; it succeeded: ${JSON.stringify(outcome.value)}`);
      report.differences.push(...compare('error', resolve(saved, step.expected.error), outcome.error, false));
    } else {
      if (outcome.error) return failed(`expected the call to succeed; it failed: ${outcome.error.message}: ${JSON.stringify(outcome.error)}`);
      for (const [name, path] of step.save) {
        const value = lookup(outcome.value, path);
        if (value === undefined || value === null) {
          return failed(`save ${name}: \`${path}\` ${value === null ? 'is null' : 'does not exist'} in the result: ${JSON.stringify(outcome.value)}`);
        }
        saved.set(name, value);
      }
      if (step.expected.result !== undefined) {
        report.differences.push(...compare('result', resolve(saved, step.expected.result), outcome.value, step.expected.exact));
      }
    }
    for (const check of step.checks) report.differences.push(...observe(engine, check, saved));
  } catch (error) {
    if (error instanceof ScenarioError || error instanceof BackorderError) return failed(error.message);
    throw error;
  }
  return report.differences.length > 0 ? { ...report, status: 'failed' } : report;
}

function observe(engine, check, saved) {
  const expected = resolve(saved, check.expected);
  const read = (subject, body) => {
    try {
      return body();
    } catch (error) {
      if (error instanceof BackorderError) throw new ScenarioError(`${subject}: could not be read: ${error.message}`);
      throw error;
    }
  };
  switch (check.subject) {
    case 'backorder': {
      const id = resolve(saved, check.id);
      const subject = id === check.id ? `backorder ${id}` : `backorder ${check.id} = ${id}`;
      return compare(subject, expected, read(subject, () => engine.call('get_backorder', { backorder_id: id })), false);
    }
    case 'summary':
      return compare('summary', expected, read('summary', () => engine.call('get_backorder_summary')), false);
    case 'sku summary': {
      const sku = resolve(saved, check.sku);
      const subject = `sku summary ${sku}`;
      return compare(subject, expected, read(subject, () => engine.call('get_sku_backorder_summary', { sku })), false);
    }
    default: {
      const subject = check.location === undefined ? `stock ${check.sku}` : `stock ${check.sku} at ${check.location}`;
      const level = read(subject, () => engine.stockShow(check.sku)).find((row) => (row.location ?? undefined) === check.location)
        ?? { sku: check.sku, location: check.location ?? null, on_hand: 0, reserved: 0, available: 0 };
      return compare(subject, expected, level, false);
    }
  }
}
