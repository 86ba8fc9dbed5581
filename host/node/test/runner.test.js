// The scenario runner finds what differs, and refuses a malformed file
// naming the step and the field, before anything runs.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createEngine, MemoryProvider } from '../src/index.js';
import { ScenarioError, parseScenario, runScenario } from '../src/scenario.js';
import { SCENARIOS } from './helpers.js';

const seed = () => JSON.parse(readFileSync(join(SCENARIOS, '01-seed-partial-fulfilment.json'), 'utf8'));

test('a step whose result differs fails, names where, and stops its scenario', async () => {
  const scenario = seed();
  scenario.steps[2].expect.quantity_remaining = 41;
  scenario.steps[2].expect.fulfillment.fulfilled_at = '2026-11-05';
  const engine = await createEngine(new MemoryProvider());
  const report = runScenario(parseScenario(JSON.stringify(scenario), 'seed', engine), engine);
  assert.equal(report.passed, false);
  assert.deepEqual(report.steps.map((step) => step.status), ['passed', 'passed', 'failed', 'not_run', 'not_run']);
  // `2026-11-05` is midnight, not 10:00: a time compared as a time.
  assert.deepEqual(report.steps[2].differences.map((difference) => [difference.path, difference.expected, difference.actual]), [
    ['quantity_remaining', 41, 40],
    ['fulfillment.fulfilled_at', '2026-11-05', '2026-11-05T10:00:00Z'],
  ]);
});

test('an unexpected success or error fails the step', async () => {
  const scenario = seed();
  scenario.steps[3] = { op: 'get_backorder', args: { backorder_id: 'BO-2026-0009' }, expect: { status: 'pending' } };
  scenario.steps[4] = { op: 'get_backorder', args: { backorder_id: 'BO-2026-0009' }, expect_error: 'not_found' };
  const engine = await createEngine(new MemoryProvider());
  const report = runScenario(parseScenario(JSON.stringify(scenario), 'seed', engine), engine);
  assert.equal(report.steps[3].status, 'failed');
  assert.match(report.steps[3].problem, /expected the call to succeed; it failed: not found: BO-2026-0009/);
});

test('a malformed file is refused naming the step and the field', async () => {
  const engine = await createEngine(new MemoryProvider());
  const refused = (change, message) => {
    const scenario = seed();
    change(scenario);
    assert.throws(() => parseScenario(JSON.stringify(scenario), 'seed.json', engine),
      (error) => error instanceof ScenarioError && error.message.includes(message), message);
  };
  refused((s) => { s.steps[2].args.qty = 1; }, 'seed.json: step 3 ("ship them"): args.qty: unknown field `qty`, expected one of `backorder_id`');
  refused((s) => { s.steps[0].args.priority = 'urgent'; }, 'args.priority: unknown priority `urgent`');
  refused((s) => { s.steps[2].op = 'ship'; }, 'op: unknown operation `ship`');
  refused((s) => { s.steps[2].args.backorder_id = '$nope'; }, '`$nope` is not saved by an earlier step');
  refused((s) => { s.steps[3].preview = true; }, 'get_backorder only reads; there is nothing to preview');
  refused((s) => { s.steps[0].expect_eror = {}; }, 'unknown field `expect_eror`');
  refused((s) => { s.now = '2026-13-01'; }, 'now: `2026-13-01` is not a valid calendar date');
});
