// Every operation's result, and a preview's, equals what the CLI prints
// with `--json` for the same call on the same state, byte for byte after
// key sorting; so do errors.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { BackorderError, createEngine, MemoryProvider } from '../src/index.js';
import { canonical, cli, temporaryDirectory } from './helpers.js';

const T1 = '2026-11-02T09:00:00Z';
const T2 = '2026-11-05T10:30:00Z';
const T3 = '2026-12-01T12:00:00Z';

/// [clock, operation, arguments, the CLI's command for the same call]
const CALLS = [
  [T1, 'create_backorder', { order_id: 'O-1', customer_id: 'C-1', sku: 'W', quantity: 10, priority: 'high', promised_date: '2026-11-20' },
    ['create', '--order', 'O-1', '--customer', 'C-1', '--sku', 'W', '--quantity', '10', '--priority', 'high', '--promised-date', '2026-11-20', '--apply']],
  [T1, 'create_backorder', { order_id: 'O-2', customer_id: 'C-2', sku: 'W', quantity: 5, location: 'east', notes: 'rush', expected_date: '2026-11-06T08:00:00Z' },
    ['create', '--order', 'O-2', '--customer', 'C-2', '--sku', 'W', '--quantity', '5', '--location', 'east', '--notes', 'rush', '--expected-date', '2026-11-06T08:00:00Z', '--apply']],
  [T1, 'stock_add', { sku: 'W', quantity: 6 }, ['stock', 'add', '--sku', 'W', '--quantity', '6', '--apply']],
  [T1, 'allocate_backorder', { backorder_id: 'BO-2026-0001', quantity: 4, expires_at: '2026-11-10' },
    ['allocate', 'BO-2026-0001', '--quantity', '4', '--expires-at', '2026-11-10', '--apply']],
  [T1, 'confirm_allocation', { allocation_id: 'AL-000001' }, ['confirm', 'AL-000001', '--apply']],
  [T1, 'allocate_backorder', { backorder_id: 'BO-2026-0001', quantity: 2, source: 'purchase_order', source_ref: 'PO-1' },
    ['allocate', 'BO-2026-0001', '--quantity', '2', '--source', 'purchase_order', '--source-ref', 'PO-1', '--apply']],
  [T1, 'extend_allocation', { allocation_id: 'AL-000002', expires_at: '2026-11-15T00:00:00.250Z' },
    ['extend', 'AL-000002', '--expires-at', '2026-11-15T00:00:00.250Z', '--apply']],
  [T1, 'release_allocation', { allocation_id: 'AL-000002' }, ['release', 'AL-000002', '--apply']],
  [T1, 'expect_supply', { sku: 'W', quantity: 8, expected_at: '2026-11-12', source: 'purchase_order', source_ref: 'PO-9' },
    ['expect', '--sku', 'W', '--quantity', '8', '--date', '2026-11-12', '--source', 'purchase_order', '--source-ref', 'PO-9', '--apply']],
  [T1, 'list_expected_supply', { sku: 'W' }, ['expected', '--sku', 'W']],
  [T1, 'update_backorder', { backorder_id: 'BO-2026-0002', priority: 'critical', clear_notes: true },
    ['update', 'BO-2026-0002', '--priority', 'critical', '--clear-notes', '--apply']],
  [T1, 'list_backorders', { open_only: true, limit: 1 }, ['list', '--open', '--limit', '1']],
  [T2, 'receive', { sku: 'W', quantity: 3, location: 'east', expires_at: '2026-11-30' },
    ['receive', '--sku', 'W', '--quantity', '3', '--location', 'east', '--expires-at', '2026-11-30', '--apply']],
  [T2, 'allocate_available', { sku: 'W', policy: 'fifo' }, ['allocate-available', '--sku', 'W', '--policy', 'fifo', '--apply']],
  [T2, 'fulfill_backorder', { backorder_id: 'BO-2026-0001', quantity: 4, fulfilled_by: 'dock-1', notes: 'first' },
    ['fulfill', 'BO-2026-0001', '--quantity', '4', '--by', 'dock-1', '--notes', 'first', '--apply']],
  [T2, 'stock_set', { sku: 'W', quantity: 1, reason: 'cycle count' }, ['stock', 'set', '--sku', 'W', '--quantity', '1', '--reason', 'cycle count', '--apply']],
  [T2, 'stock_adjust', { sku: 'W', quantity: 2, reason: 'found' }, ['stock', 'adjust', '--sku', 'W', '--quantity', '2', '--reason', 'found', '--apply']],
  [T2, 'cancel_backorder', { backorder_id: 'BO-2026-0002', quantity: 1, reason: 'changed' },
    ['cancel', 'BO-2026-0002', '--quantity', '1', '--reason', 'changed', '--apply']],
  [T3, 'expire_allocations', {}, ['expire', '--apply']],
  [T3, 'update_settings', { timezone: 'Europe/Berlin' }, ['settings', '--timezone', 'Europe/Berlin', '--apply']],
  [T3, 'get_backorder', { backorder_id: 'BO-2026-0001' }, ['show', 'BO-2026-0001']],
  [T3, 'get_backorder', { backorder_id: 'BO-2026-0002' }, ['show', 'BO-2026-0002']],
  [T3, 'list_backorders', { overdue_only: true }, ['list', '--overdue']],
  [T3, 'get_sku_backorder_summary', { sku: 'W' }, ['sku-summary', 'W']],
  [T3, 'get_backorder_summary', {}, ['summary']],
  [T3, 'check_integrity', {}, ['check']],
  // Previews: run, shown, rolled back.
  [T3, 'create_backorder', { order_id: 'O-3', customer_id: 'C-3', sku: 'W', quantity: 1 },
    ['create', '--order', 'O-3', '--customer', 'C-3', '--sku', 'W', '--quantity', '1'], { apply: false }],
  [T3, 'cancel_backorder', { backorder_id: 'BO-2026-0001' }, ['cancel', 'BO-2026-0001'], { apply: false }],
  [T3, 'list_backorders', {}, ['list']],
];

/// Calls the CLI refuses, and how the kit refuses them.
const REFUSALS = [
  ['fulfill_backorder', { backorder_id: 'BO-2026-0001', quantity: 99 }, ['fulfill', 'BO-2026-0001', '--quantity', '99', '--apply']],
  ['confirm_allocation', { allocation_id: 'AL-000002' }, ['confirm', 'AL-000002', '--apply']],
  ['update_backorder', { backorder_id: 'BO-2026-0001', notes: 'n', expected_version: 1 },
    ['update', 'BO-2026-0001', '--notes', 'n', '--expected-version', '1', '--apply']],
  ['allocate_backorder', { backorder_id: 'BO-2026-0001', quantity: 1, expires_at: '2026-11-31' },
    ['allocate', 'BO-2026-0001', '--quantity', '1', '--expires-at', '2026-11-31', '--apply']],
  ['update_settings', { timezone: 'Mars/Olympus_Mons' }, ['settings', '--timezone', 'Mars/Olympus_Mons', '--apply']],
];

test('every operation prints what the CLI prints', async (t) => {
  const db = join(temporaryDirectory(t), 'cli.db');
  const engine = await createEngine(new MemoryProvider());
  for (const [now, op, args, command, options] of CALLS) {
    engine.setClock(now);
    const expected = JSON.parse(cli(['--db', db, '--now', now, '--json', ...command]));
    assert.equal(canonical(engine.call(op, args, options)), canonical(expected), `${op} ${command.join(' ')}`);
  }
  assert.equal(canonical(engine.events({ limit: 1000 })), canonical(JSON.parse(cli(['--db', db, '--json', 'events', '--limit', '1000']))));
  assert.equal(canonical(engine.stockShow()), canonical(JSON.parse(cli(['--db', db, '--json', 'stock', 'show']))));
  for (const [op, args, command] of REFUSALS) {
    let printed;
    try {
      cli(['--db', db, '--now', T3, '--json', ...command]);
    } catch (failure) {
      printed = JSON.parse(failure.stdout);
    }
    assert.ok(printed, `the CLI refuses ${command.join(' ')}`);
    assert.throws(() => engine.call(op, args), (error) => {
      assert.ok(error instanceof BackorderError);
      assert.equal(canonical(error.toJSON()), canonical(printed), command.join(' '));
      return true;
    });
  }
});
