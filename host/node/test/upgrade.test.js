// Stored data outlives builds: the 0.1.0 build's database
// (tests/fixtures/backorders-0.1.0.db) opens through the kit's SQLite
// provider, is upgraded once as the Rust host upgrades it, and reads back
// what the 0.1.0 build read (backorders-0.1.0.readback.json), as
// host/cli/tests/upgrade.rs checks for the Rust host.
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { createEngine } from '../src/index.js';
import { SCHEMA_VERSION, SqliteProvider } from '../src/providers/sqlite.js';
import { REPO, canonical, temporaryDirectory } from './helpers.js';

const FIXTURES = join(REPO, 'tests/fixtures');
const NOW = '2026-11-04T10:00:00Z';

const userVersion = (path) => {
  const db = new Database(path, { readonly: true });
  try {
    return db.pragma('user_version', { simple: true });
  } finally {
    db.close();
  }
};

test('a database of the 0.1.0 build reads back unchanged through the kit, and replays its requests', async (t) => {
  const path = join(temporaryDirectory(t), 'old.db');
  copyFileSync(join(FIXTURES, 'backorders-0.1.0.db'), path);
  assert.equal(userVersion(path), 1);
  const golden = JSON.parse(readFileSync(join(FIXTURES, 'backorders-0.1.0.readback.json'), 'utf8'));
  assert.equal(Object.keys(golden).length, 22);
  // As upgrade.rs: since issue 16 a claim reads as `claimed`.
  const claim = golden['show BO-2026-0008'].allocations[0];
  assert.deepEqual([claim.allocation_id, claim.reservation_id], ['AL-000004', null]);
  claim.status = 'claimed';
  // And since issue 15 a stored event carries its backorder; one the 0.1.0
  // build recorded has none.
  for (const event of golden.events) event.backorder = null;

  const provider = new SqliteProvider(path);
  t.after(() => provider.close());
  const engine = await createEngine(provider, { now: NOW });
  const ask = (question) => {
    const [verb, ...rest] = question.split(' ');
    switch (verb) {
      case 'show': return engine.call('get_backorder', { backorder_id: rest[0] });
      case 'sku-summary': return engine.call('get_sku_backorder_summary', { sku: rest[0] });
      case 'list': return engine.call('list_backorders', { limit: 500 });
      case 'check': return engine.call('check_integrity');
      case 'summary': return engine.call('get_backorder_summary');
      case 'expected': return engine.call('list_expected_supply');
      case 'events': return engine.events({ limit: 1000 });
      case 'stock': return engine.stockShow();
      case 'replay': return rest[0] === 'create'
        ? engine.call('create_backorder', { order_id: 'O-1', customer_id: 'C-1', sku: 'WIDGET', quantity: 30, priority: 'critical',
          promised_date: '2026-11-20', request_id: 'req-create-1' })
        : engine.call('fulfill_backorder', { backorder_id: 'BO-2026-0004', quantity: 4, fulfilled_by: 'picker-1', request_id: 'req-fulfil-1' });
      default: throw new Error(`no question ${question}`);
    }
  };
  for (const [question, expected] of Object.entries(golden)) {
    assert.equal(canonical(ask(question)), canonical(expected), question);
  }
  assert.equal(userVersion(path), SCHEMA_VERSION, 'the first open upgraded the file');
  const { applied, ...created } = engine.call('create_backorder', { order_id: 'O-11', customer_id: 'C-11', sku: 'WIDGET', quantity: 1 });
  assert.equal(created.backorder_id, 'BO-2026-0011');
  assert.deepEqual(engine.events({ limit: 1 })[0].backorder, created, 'an event recorded after the upgrade carries its backorder');
  assert.equal(engine.call('check_integrity').clean, true);
});

test('a database of a newer schema is refused untouched', async (t) => {
  const path = join(temporaryDirectory(t), 'newer.db');
  copyFileSync(join(FIXTURES, 'backorders-0.1.0.db'), path);
  const db = new Database(path);
  db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
  db.close();
  const before = readFileSync(path);
  const engine = await createEngine(new SqliteProvider(path), { now: NOW });
  assert.throws(() => engine.call('get_backorder_summary'), (error) => error.kind === 'unsupported_schema'
    && error.message.endsWith(`has backorders schema version ${SCHEMA_VERSION + 1}; this host reads version ${SCHEMA_VERSION}`));
  assert.deepEqual(readFileSync(path), before);
});
