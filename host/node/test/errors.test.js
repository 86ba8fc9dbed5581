// Errors: one BackorderError class, with the kind, field, id and message
// of the CLI's JSON, and nothing changed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BackorderError, createEngine, MemoryProvider } from '../src/index.js';

const NOW = '2026-11-02T09:00:00Z';
const NEW = { order_id: 'O-1', customer_id: 'C-1', sku: 'WIDGET-001', quantity: 10 };

function refused(call, fields) {
  assert.throws(call, (error) => {
    assert.ok(error instanceof BackorderError);
    for (const [key, value] of Object.entries(fields)) assert.deepEqual(error[key], value, key);
    return true;
  });
}

test('each kind of refusal is a BackorderError with its fields', async () => {
  const engine = await createEngine(new MemoryProvider(), { now: NOW });
  refused(() => engine.call('create_backorder', { ...NEW, quantity: 0 }), { kind: 'invalid_input', field: 'quantity', id: null });
  refused(() => engine.call('create_backorder', { ...NEW, promised_date: '2026-02-30' }),
    { kind: 'invalid_input', field: 'promised_date', message: '`2026-02-30` is not a valid calendar date' });
  refused(() => engine.call('create_backorder', { ...NEW, qty: 1 }), { kind: 'invalid_input', field: 'qty' });
  refused(() => engine.call('create_backorder', { ...NEW, quantity: '10' }),
    { kind: 'invalid_input', field: 'quantity', message: 'invalid type: string "10", expected u64' });
  refused(() => engine.call('get_backorder', { backorder_id: 'BO-2026-0001' }), { kind: 'not_found', id: 'BO-2026-0001' });
  const { backorder_id: id } = engine.call('create_backorder', NEW);
  refused(() => engine.call('allocate_backorder', { backorder_id: id, quantity: 5 }), { kind: 'insufficient_stock', available: 0 });
  refused(() => engine.call('update_backorder', { backorder_id: id, priority: 'high', expected_version: 7 }),
    { kind: 'conflict', current_version: 1 });
  engine.call('cancel_backorder', { backorder_id: id });
  refused(() => engine.call('cancel_backorder', { backorder_id: id }),
    { kind: 'invalid_state', id, record: 'backorder', status: 'cancelled' });
  refused(() => engine.call('update_backorder', { backorder_id: id, notes: 'x', clear_notes: true }),
    { kind: 'invalid_input', field: 'notes', message: 'give a new value or clear_notes, not both' });
  refused(() => engine.call('stock_add', { sku: 'WIDGET 1', quantity: 1 }),
    { kind: 'invalid_input', field: 'sku', message: 'must not contain whitespace' });
  refused(() => engine.call('ship_backorder', {}), { kind: 'invalid_input', field: 'op' });
  // Nothing of the refused calls was kept.
  assert.equal(engine.call('list_backorders', {}).backorders.length, 1);
  assert.deepEqual(engine.stockShow(), []);
});

test('a stock count below what is reserved is refused by the host', async () => {
  const engine = await createEngine(new MemoryProvider(), { now: NOW });
  engine.call('stock_add', { sku: 'WIDGET-001', quantity: 5 });
  const { backorder_id: id } = engine.call('create_backorder', NEW);
  engine.call('allocate_backorder', { backorder_id: id, quantity: 4 });
  refused(() => engine.setStock('WIDGET-001', undefined, 3),
    { kind: 'stock_below_reserved', sku: 'WIDGET-001', on_hand: 3, reserved: 4 });
  // The component's count decides who loses reserved units instead.
  const count = engine.call('stock_set', { sku: 'WIDGET-001', quantity: 3, reason: 'cycle count' });
  assert.deepEqual([count.on_hand, count.reserved, count.available, count.released.length], [3, 3, 0, 1]);
});
