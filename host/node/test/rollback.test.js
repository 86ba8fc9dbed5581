// Every call is one transaction: a provider that throws mid-call, a trap,
// and a preview all leave the provider's data exactly as it was, and the
// next call works.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { BackorderError, createEngine } from '../src/index.js';
import { SqliteProvider } from '../src/providers/sqlite.js';
import { PROVIDERS, temporaryDirectory } from './helpers.js';

/// Everything a provider holds, as comparable text.
function snapshot(provider) {
  if (provider instanceof SqliteProvider) {
    if (!existsSync(provider.path)) return 'no file';
    const db = new Database(provider.path, { readonly: true });
    try {
      const tables = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").pluck().all();
      return JSON.stringify(tables.map((table) => [table, db.prepare(`SELECT * FROM "${table}"`).raw().all()]),
        (_, value) => (value instanceof Uint8Array ? Buffer.from(value).toString('hex') : value));
    } finally {
      db.close();
    }
  }
  const { values, keys, stock, reservationsById, outbox, nextSeq } = provider;
  return JSON.stringify({
    // Sorted: a Map's insertion order is not data.
    keys: keys.all(), values: [...values].sort().map(([key, value]) => [key, Buffer.from(value).toString('hex')]),
    stock: [...stock].sort(), reservations: [...reservationsById].sort(), outbox, nextSeq,
  });
}

/// `provider` whose connection throws from `method` while `armed.on`.
function throwing(provider, method, armed) {
  const wrapped = new WeakMap();
  return {
    connect: (willCommit) => {
      const connection = provider.connect(willCommit);
      const proxy = new Proxy(connection, {
        get(target, name) {
          const value = Reflect.get(target, name);
          if (typeof value !== 'function') return value;
          if (name === method && armed.on) {
            return () => {
              armed.on = false;
              throw new Error(`${method} failed: the disk is on fire`);
            };
          }
          return value.bind(target);
        },
      });
      wrapped.set(proxy, connection);
      return proxy;
    },
    release: (proxy) => provider.release?.(wrapped.get(proxy)),
  };
}

const NOW = '2026-11-02T09:00:00Z';
const NEW = { order_id: 'O-1', customer_id: 'C-1', sku: 'WIDGET-001', quantity: 10 };

/// An engine over `provider` with some data: stock, a backorder, an
/// allocation.
async function seeded(provider) {
  const engine = await createEngine(provider, { now: NOW });
  engine.call('stock_add', { sku: 'WIDGET-001', quantity: 8 });
  engine.call('create_backorder', NEW);
  engine.call('allocate_backorder', { backorder_id: 'BO-2026-0001', quantity: 3 });
  return engine;
}

for (const [kind, make] of PROVIDERS) {
  describe(`on the ${kind} provider`, () => {
    // [what throws, the call, the error kind the caller gets]
    const failures = [
      ['writeBatch', 'create_backorder', NEW, 'storage'],
      ['reserve', 'allocate_backorder', { backorder_id: 'BO-2026-0001', quantity: 2 }, 'storage'],
      // After the host added the received units: they vanish too.
      ['writeBatch', 'receive', { sku: 'WIDGET-001', quantity: 5 }, 'storage'],
      // The outbox has no error case: the component traps.
      ['append', 'fulfill_backorder', { backorder_id: 'BO-2026-0001', quantity: 4 }, 'trap'],
    ];
    for (const [method, op, args, expected] of failures) {
      test(`${method} throwing in ${op} changes nothing, and the next call works`, async (t) => {
        const provider = make(t);
        const armed = { on: false };
        const engine = await seeded(throwing(provider, method, armed));
        const before = snapshot(provider);
        const instances = engine.instances;
        armed.on = true;
        assert.throws(() => engine.call(op, args), (error) => error instanceof BackorderError && error.kind === expected);
        assert.equal(armed.on, false, `${method} was called`);
        assert.equal(snapshot(provider), before);
        // The same call again succeeds, on a fresh instance after a trap.
        const result = engine.call(op, args);
        assert.equal(result.applied, true);
        assert.equal(engine.instances, instances + (expected === 'trap' ? 1 : 0));
        assert.equal(engine.call('check_integrity').clean, true);
      });
    }

    test('a preview of each write runs and changes nothing', async (t) => {
      const provider = make(t);
      const engine = await seeded(provider);
      const before = snapshot(provider);
      const previews = [
        ['create_backorder', NEW],
        ['allocate_backorder', { backorder_id: 'BO-2026-0001', quantity: 2 }],
        ['fulfill_backorder', { backorder_id: 'BO-2026-0001', quantity: 4 }],
        ['cancel_backorder', { backorder_id: 'BO-2026-0001' }],
        ['receive', { sku: 'WIDGET-001', quantity: 5 }],
        ['stock_add', { sku: 'WIDGET-001', quantity: 5 }],
        ['stock_set', { sku: 'WIDGET-001', quantity: 0, reason: 'count' }],
        ['update_settings', { timezone: 'Europe/Berlin' }],
      ];
      for (const [op, args] of previews) {
        const result = engine.call(op, args, { apply: false });
        assert.equal(result.applied, false, op);
        assert.equal(snapshot(provider), before, op);
      }
      assert.equal(engine.call('create_backorder', NEW).backorder_id, 'BO-2026-0002');
    });
  });
}

test('a preview against a database file that does not exist creates none', async (t) => {
  const path = join(temporaryDirectory(t), 'none.db');
  const provider = new SqliteProvider(path);
  const engine = await createEngine(provider, { now: NOW });
  assert.equal(engine.call('create_backorder', NEW, { apply: false }).backorder_id, 'BO-2026-0001');
  assert.equal(engine.call('get_backorder_summary').open_backorders, 0);
  assert.equal(existsSync(path), false);
});
