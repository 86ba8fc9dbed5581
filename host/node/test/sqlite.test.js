// The SQLite provider writes the Rust host's file: a database this kit
// writes opens in `backorders --db FILE` and checks clean, and one the CLI
// writes opens here.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { BackorderError, createEngine } from '../src/index.js';
import { SqliteProvider } from '../src/providers/sqlite.js';
import { rustSchema } from '../src/providers/schema.js';
import { canonical, cli, temporaryDirectory } from './helpers.js';

const NOW = '2026-11-02T09:00:00Z';

test('a database the kit writes opens in the CLI, checks clean and reads the same', async (t) => {
  const path = join(temporaryDirectory(t), 'kit.db');
  const provider = new SqliteProvider(path);
  const engine = await createEngine(provider, { now: NOW });
  engine.call('update_settings', { timezone: 'Europe/Berlin' });
  engine.call('stock_add', { sku: 'WIDGET-001', quantity: 30 });
  engine.call('stock_add', { sku: 'WIDGET-001', location: 'east', quantity: 4 });
  const first = engine.call('create_backorder', { order_id: 'O-1', customer_id: 'C-1', sku: 'WIDGET-001', quantity: 50, promised_date: '2026-11-20' });
  engine.call('create_backorder', { order_id: 'O-2', customer_id: 'C-2', sku: 'WIDGET-001', quantity: 5, location: 'east', priority: 'high' });
  const { allocation } = engine.call('allocate_backorder', { backorder_id: first.backorder_id, quantity: 20, expires_at: '2026-11-10' });
  engine.call('confirm_allocation', { allocation_id: allocation.allocation_id });
  engine.call('fulfill_backorder', { backorder_id: first.backorder_id, quantity: 25 });
  engine.call('expect_supply', { sku: 'WIDGET-001', quantity: 25, expected_at: '2026-11-25', source: 'purchase_order', source_ref: 'PO-1' });
  engine.call('receive', { sku: 'WIDGET-001', quantity: 3, location: 'east' });
  const kitShow = engine.call('get_backorder', { backorder_id: first.backorder_id });
  const kitEvents = engine.events({ limit: 1000 });
  provider.close();

  assert.match(cli(['--db', path, 'check']), /clean/);
  const check = JSON.parse(cli(['--db', path, '--json', 'check']));
  assert.equal(check.clean, true);
  assert.equal(canonical(JSON.parse(cli(['--db', path, '--json', 'show', first.backorder_id]))), canonical(kitShow));
  assert.equal(canonical(JSON.parse(cli(['--db', path, '--json', 'events', '--limit', '1000']))), canonical(kitEvents));
  assert.equal(JSON.parse(cli(['--db', path, '--json', 'settings'])).timezone, 'Europe/Berlin');
  // And the CLI carries on where the kit stopped.
  const next = JSON.parse(cli(['--db', path, '--now', NOW, '--json', 'create', '--order', 'O-3', '--customer', 'C-3', '--sku', 'WIDGET-001', '--quantity', '1', '--apply']));
  assert.equal(next.backorder_id, 'BO-2026-0003');
});

test('a database the CLI writes opens in the kit', async (t) => {
  const path = join(temporaryDirectory(t), 'cli.db');
  cli(['--db', path, '--now', NOW, 'create', '--order', 'O-1', '--customer', 'C-1', '--sku', 'WIDGET-001', '--quantity', '7', '--apply']);
  cli(['--db', path, '--now', NOW, 'stock', 'add', '--sku', 'WIDGET-001', '--quantity', '3', '--apply']);
  cli(['--db', path, '--now', NOW, 'allocate', 'BO-2026-0001', '--quantity', '3', '--apply']);
  const provider = new SqliteProvider(path);
  t.after(() => provider.close());
  const engine = await createEngine(provider, { now: NOW });
  assert.equal(canonical(engine.call('get_backorder', { backorder_id: 'BO-2026-0001' })),
    canonical(JSON.parse(cli(['--db', path, '--json', 'show', 'BO-2026-0001']))));
  assert.equal(engine.call('check_integrity').clean, true);
  assert.deepEqual(engine.stockShow('WIDGET-001'), JSON.parse(cli(['--db', path, '--json', 'stock', 'show', '--sku', 'WIDGET-001'])));
  assert.equal(engine.call('fulfill_backorder', { backorder_id: 'BO-2026-0001', quantity: 3 }).quantity_remaining, 4);
});

test('a file that is not a backorders database is refused and left as it was', async (t) => {
  const path = join(temporaryDirectory(t), 'foreign.db');
  execFileSync('python3', ['-c', `import sqlite3; c = sqlite3.connect(${JSON.stringify(path)}); c.execute('CREATE TABLE t (x)'); c.commit()`]);
  const before = readFileSync(path);
  const provider = new SqliteProvider(path);
  const engine = await createEngine(provider, { now: NOW });
  assert.throws(() => engine.call('create_backorder', { order_id: 'O', customer_id: 'C', sku: 'W', quantity: 1 }),
    (error) => error instanceof BackorderError && error.kind === 'foreign_database' && /not a backorders database/.test(error.message));
  assert.deepEqual(readFileSync(path), before);
});

test('a failing commit is a storage error, not a success', async (t) => {
  const path = join(temporaryDirectory(t), 'kit.db');
  const provider = new SqliteProvider(path);
  t.after(() => provider.close());
  const engine = await createEngine(provider, { now: NOW });
  engine.call('stock_add', { sku: 'W', quantity: 1 });
  const connection = provider.connect(true);
  const commit = connection.commit;
  connection.commit = () => { throw new Error('disk full'); };
  t.after(() => { connection.commit = commit; });
  assert.throws(() => engine.call('stock_add', { sku: 'W', quantity: 1 }),
    (error) => error instanceof BackorderError && error.kind === 'storage_unavailable' && error.operation === 'commit');
  connection.commit = commit;
  assert.equal(engine.stockShow('W')[0].on_hand, 1);
});

test('the kit lays out the same schema as the Rust host', async (t) => {
  const directory = temporaryDirectory(t);
  const rust = join(directory, 'rust.db');
  cli(['--db', rust, '--now', NOW, 'stock', 'add', '--sku', 'W', '--quantity', '1', '--apply']);
  const provider = new SqliteProvider(join(directory, 'kit.db'));
  const engine = await createEngine(provider, { now: NOW });
  engine.call('stock_add', { sku: 'W', quantity: 1 });
  provider.close();
  const layout = (path) => {
    const db = new Database(path, { readonly: true });
    try {
      const objects = db.prepare("SELECT type, name, tbl_name FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' ORDER BY name").all();
      return {
        pragmas: ['application_id', 'user_version', 'journal_mode'].map((name) => db.pragma(name, { simple: true })),
        objects,
        columns: objects.filter((object) => object.type === 'table').map((table) => db.pragma(`table_info("${table.name}")`)),
        indexes: objects.filter((object) => object.type === 'index').map((index) => db.pragma(`index_info("${index.name}")`)),
      };
    } finally {
      db.close();
    }
  };
  assert.deepEqual(layout(join(directory, 'kit.db')), layout(rust));
});

test('the layout is read from the Rust declaration, and one it cannot read is refused by name', (t) => {
  const schema = rustSchema();
  assert.equal(schema.applicationId, 0x424b4f52);
  assert.equal(schema.migrations.length, schema.version - 1);
  assert.match(schema.create, /PRAGMA user_version = \d+;\s*$/);
  const path = join(temporaryDirectory(t), 'schema.rs');
  writeFileSync(path, 'pub const APPLICATION_ID: i32 = 1;\n');
  assert.throws(() => rustSchema(path), /schema\.rs: cannot find the constant SCHEMA_VERSION/);
});
