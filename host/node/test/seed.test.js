// The seed example (tests/scenarios/01-seed-partial-fulfilment.json): each
// output of this kit equals the CLI's `--json` byte for byte after key
// sorting.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { createEngine } from '../src/index.js';
import { PROVIDERS, canonical, cli, temporaryDirectory } from './helpers.js';

/// The seed's steps: the clock, the kit's call, the CLI's command.
const SEED = [
  ['2026-11-02T09:00:00Z', 'create_backorder', { order_id: 'O-1001', customer_id: 'C-42', sku: 'WIDGET-001', quantity: 100 },
    ['create', '--order', 'O-1001', '--customer', 'C-42', '--sku', 'WIDGET-001', '--quantity', '100', '--apply']],
  ['2026-11-05T10:00:00Z', 'stock_add', { sku: 'WIDGET-001', quantity: 60 },
    ['stock', 'add', '--sku', 'WIDGET-001', '--quantity', '60', '--apply']],
  ['2026-11-05T10:00:00Z', 'fulfill_backorder', { backorder_id: 'BO-2026-0001', quantity: 60, fulfilled_by: 'dock-2' },
    ['fulfill', 'BO-2026-0001', '--quantity', '60', '--by', 'dock-2', '--apply']],
  ['2026-11-05T10:00:00Z', 'get_backorder', { backorder_id: 'BO-2026-0001' }, ['show', 'BO-2026-0001']],
  ['2026-11-05T10:00:00Z', 'get_backorder_summary', {}, ['summary']],
  ['2026-11-05T10:00:00Z', 'get_sku_backorder_summary', { sku: 'WIDGET-001' }, ['sku-summary', 'WIDGET-001']],
  ['2026-11-05T10:00:00Z', 'check_integrity', {}, ['check']],
];

for (const [kind, make] of PROVIDERS) {
  test(`the seed example on the ${kind} provider prints what the CLI prints`, async (t) => {
    const db = join(temporaryDirectory(t), 'cli.db');
    const engine = await createEngine(make(t));
    for (const [now, op, args, command] of SEED) {
      engine.setClock(now);
      const expected = JSON.parse(cli(['--db', db, '--now', now, '--json', ...command]));
      const actual = engine.call(op, args);
      assert.equal(canonical(actual), canonical(expected), `${op}`);
    }
    // The outbox too, as `backorders events --json` prints it.
    const events = JSON.parse(cli(['--db', db, '--json', 'events']));
    assert.equal(canonical(engine.events()), canonical(events));
  });
}

test('an error prints what the CLI prints', async (t) => {
  const db = join(temporaryDirectory(t), 'cli.db');
  const engine = await createEngine(PROVIDERS[0][1](t), { now: '2026-11-02T09:00:00Z' });
  const cases = [
    ['get_backorder', { backorder_id: 'BO-2026-0009' }, ['show', 'BO-2026-0009']],
    ['create_backorder', { order_id: 'O-1', customer_id: 'C-1', sku: 'W', quantity: 0 },
      ['create', '--order', 'O-1', '--customer', 'C-1', '--sku', 'W', '--quantity', '0', '--apply']],
  ];
  for (const [op, args, command] of cases) {
    let printed;
    try {
      cli(['--db', db, '--now', '2026-11-02T09:00:00Z', '--json', ...command]);
    } catch (failure) {
      printed = JSON.parse(failure.stdout);
    }
    assert.ok(printed, `the CLI refused ${op}`);
    assert.throws(() => engine.call(op, args), (error) => canonical(error.toJSON()) === canonical(printed));
  }
});
