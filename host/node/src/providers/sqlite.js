// The SQLite provider over better-sqlite3: the same file as the Rust host's
// `backorders-sqlite` — the tables, application id, schema version and
// migrations read from its declaration (./schema.js), WAL, and the same
// guarantees (one SQLite transaction per call; a write takes the write lock
// up front; reservation ids never reused) — so a database either host
// writes opens in the other.
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { InventoryError } from '../provider.js';
import { BackorderError } from '../errors.js';
import { formatTime, parseTime } from '../dates.js';
import { rustSchema } from './schema.js';

/// The Rust provider's layout: application id ("BKOR"), schema version,
/// the batch that creates a database, the migrations.
const SCHEMA = rustSchema();
export const APPLICATION_ID = SCHEMA.applicationId;
/// `PRAGMA user_version`: the schema this provider reads and writes.
export const SCHEMA_VERSION = SCHEMA.version;
/// "No location" is part of the stock key: '' rather than NULL, as the Rust
/// providers store it (`backorders_host::provider::DEFAULT_LOCATION`).
const DEFAULT_LOCATION = '';
const BUSY_TIMEOUT_MS = 5000;
const WAL_CHECKPOINT_PAGES = 16_384;
const CACHE_KIB = 32 << 10;
const RESERVATION_PREFIX = 'RS-';

const bind = (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
const stored = (location) => location ?? DEFAULT_LOCATION;
const locationOf = (value) => (value === DEFAULT_LOCATION ? undefined : value);

function identify(db, path) {
  const { application_id: applicationId, user_version: version, objects } = db.prepare(`
    SELECT (SELECT application_id FROM pragma_application_id) AS application_id,
           (SELECT user_version FROM pragma_user_version) AS user_version,
           (SELECT count(*) FROM sqlite_schema) AS objects`).get();
  if (applicationId === APPLICATION_ID) {
    if (version === SCHEMA_VERSION) return 'ours';
    if (version >= 1 && version < SCHEMA_VERSION) return version;
    throw new BackorderError('unsupported_schema',
      `${path} has backorders schema version ${version}; this host reads version ${SCHEMA_VERSION}`,
      { path, found: version, supported: SCHEMA_VERSION });
  }
  if (applicationId === 0 && objects === 0) return 'empty';
  throw new BackorderError('foreign_database',
    `${path} is not a backorders database (application_id 0x${applicationId.toString(16)}); refusing to use it`,
    { path, application_id: applicationId });
}

/// Lays out the schema in an empty database, or upgrades an older one,
/// under the write lock; reads only when the schema is already there.
function ensureSchema(db, path) {
  if (identify(db, path) === 'ours') return;
  db.pragma('journal_mode = WAL');
  db.exec('BEGIN IMMEDIATE');
  try {
    const identity = identify(db, path);
    if (identity === 'empty') {
      db.exec(SCHEMA.create);
    } else if (identity !== 'ours') {
      for (const migration of SCHEMA.migrations.slice(identity - 1)) db.exec(migration);
      db.pragma(`user_version = ${SCHEMA_VERSION}`);
    }
    db.exec('COMMIT');
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}

/// Connections to one database file. If the file does not exist, only a
/// call that will commit creates it; previews and reads run against an
/// empty in-memory database, so they never leave a file behind.
export class SqliteProvider {
  #idle = null;

  constructor(path) {
    this.path = path;
  }

  connect(willCommit) {
    if (this.#idle) return this.#idle;
    if (existsSync(this.path) || willCommit) {
      this.#idle = SqliteConnection.open(this.path, willCommit);
      return this.#idle;
    }
    return SqliteConnection.open(':memory:', true);
  }

  release(connection) {
    if (connection !== this.#idle) connection.close();
  }

  describe() {
    return `sqlite:${this.path}`;
  }

  /// Closes the file's connection (the next call opens it again).
  close() {
    this.#idle?.close();
    this.#idle = null;
  }
}

export class SqliteConnection {
  /// The database at `path`, created when `create` and it does not exist.
  /// A file that is not a backorders database is refused untouched.
  static open(path, create) {
    let db;
    try {
      db = new Database(path, { fileMustExist: !create });
    } catch (error) {
      throw new BackorderError('open_database', `cannot open database ${path}: ${error.message}`, { path });
    }
    try {
      return new SqliteConnection(db, path);
    } catch (error) {
      db.close();
      if (error instanceof BackorderError) throw error;
      throw new BackorderError('open_database', `cannot open database ${path}: ${error.message}`, { path });
    }
  }

  constructor(db, path) {
    this.db = db;
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    ensureSchema(db, path);
    db.pragma('synchronous = NORMAL');
    db.pragma(`wal_autocheckpoint = ${WAL_CHECKPOINT_PAGES}`);
    db.pragma(`cache_size = ${-CACHE_KIB}`);
    const sql = (text) => db.prepare(text);
    this.statements = {
      beginRead: sql('BEGIN DEFERRED'),
      beginWrite: sql('BEGIN IMMEDIATE'),
      commit: sql('COMMIT'),
      rollback: sql('ROLLBACK'),
      get: sql('SELECT value FROM kv WHERE key = ?').pluck(),
      set: sql('INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
      delete: sql('DELETE FROM kv WHERE key = ?'),
      nextNumber: sql(`INSERT INTO sequences (name, next) VALUES (@name, @lowest + 1)
        ON CONFLICT (name) DO UPDATE SET next = max(next, @lowest) + 1 RETURNING next - 1`).pluck(),
      scan: sql('SELECT key, value FROM kv WHERE key >= ? AND key < ? ORDER BY key LIMIT ?'),
      available: sql('SELECT on_hand - reserved FROM stock WHERE sku = ? AND location = ?').pluck(),
      held: sql('SELECT sku, location, quantity FROM reservations WHERE id = ?'),
      lower: sql('UPDATE stock SET reserved = reserved - ?, on_hand = on_hand - ? WHERE sku = ? AND location = ?'),
      endReservation: sql('DELETE FROM reservations WHERE id = ?'),
      shrinkReservation: sql('UPDATE reservations SET quantity = quantity - ? WHERE id = ?'),
      reserveStock: sql('UPDATE stock SET reserved = reserved + ? WHERE sku = ? AND location = ?'),
      insertReservation: sql(`INSERT INTO reservations (sku, location, quantity, holder, expires_at, created_at)
        VALUES (?, ?, ?, ?, ?, ?)`),
      extend: sql('UPDATE reservations SET expires_at = ? WHERE id = ?'),
      reservedTotals: sql(`SELECT sku, location, SUM(quantity) AS quantity FROM reservations
        GROUP BY sku, location ORDER BY sku, location`),
      reservations: sql('SELECT id, holder, quantity FROM reservations WHERE sku = ? AND location = ? ORDER BY id'),
      stockLevel: sql('SELECT on_hand, reserved FROM stock WHERE sku = ? AND location = ?'),
      writeOnHand: sql(`INSERT INTO stock (sku, location, on_hand, reserved) VALUES (?, ?, ?, 0)
        ON CONFLICT (sku, location) DO UPDATE SET on_hand = excluded.on_hand`),
      stockLevels: sql(`SELECT sku, location, on_hand, reserved FROM stock
        WHERE @sku IS NULL OR sku = @sku ORDER BY sku, location LIMIT @limit`),
      stockAudit: sql(`SELECT s.sku, s.location, s.on_hand, s.reserved,
               (SELECT COALESCE(SUM(r.quantity), 0) FROM reservations r
                 WHERE r.sku = s.sku AND r.location = s.location) AS held
          FROM stock s
        UNION ALL
        SELECT r.sku, r.location, 0, 0, SUM(r.quantity) FROM reservations r
         WHERE NOT EXISTS (SELECT 1 FROM stock s WHERE s.sku = r.sku AND s.location = r.location)
         GROUP BY r.sku, r.location`),
      append: sql(`INSERT INTO events (seq, at, kind, backorder_id, sku, allocation_id, quantity, status, backorder, created_at)
        VALUES (${SCHEMA.nextEventSeq}, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      recentEvents: sql(`SELECT seq, at, kind, backorder_id, sku, allocation_id, quantity, status, backorder, created_at
        FROM events ORDER BY seq DESC LIMIT ?`),
    };
  }

  close() {
    this.db.close();
  }

  begin(access) {
    (access === 'write' ? this.statements.beginWrite : this.statements.beginRead).run();
  }

  commit() {
    this.statements.commit.run();
  }

  rollback() {
    // After a failed COMMIT SQLite may already have rolled back.
    if (this.db.inTransaction) this.statements.rollback.run();
  }

  // The key-value space: a BLOB primary key, which SQLite compares with
  // memcmp, shorter first: exactly the WIT's key order.

  get(key) {
    return this.statements.get.get(bind(key)) ?? undefined;
  }

  scan(start, end, limit) {
    return this.statements.scan.all(bind(start), bind(end), limit);
  }

  /// In the call's transaction: a rollback gives the number back.
  nextNumber(sequence, after) {
    return this.statements.nextNumber.get({ name: sequence, lowest: after + 1 });
  }

  writeBatch(writes) {
    for (const write of writes) {
      if (write.tag === 'set') this.statements.set.run(bind(write.val.key), bind(write.val.value));
      else this.statements.delete.run(bind(write.val));
    }
  }

  // Stock and reservations; the table's CHECKs keep 0 <= reserved <= on hand.

  available(sku, location) {
    return this.statements.available.get(sku, stored(location)) ?? 0;
  }

  #held(id) {
    const match = /^RS-([1-9][0-9]*)$/.exec(id);
    const held = match && Number.isSafeInteger(Number(match[1])) ? this.statements.held.get(Number(match[1])) : undefined;
    if (!held) throw InventoryError.unknownReservation(id);
    return { key: Number(match[1]), ...held };
  }

  #shrink(held, quantity) {
    if (quantity === held.quantity) this.statements.endReservation.run(held.key);
    else this.statements.shrinkReservation.run(quantity, held.key);
  }

  reserve({ sku, location, quantity, holder, expiresAt, createdAt }) {
    const available = this.available(sku, location);
    if (quantity > available) throw InventoryError.insufficientStock(available);
    this.statements.reserveStock.run(quantity, sku, stored(location));
    const { lastInsertRowid } = this.statements.insertReservation.run(sku, stored(location), quantity, holder, expiresAt ?? null, createdAt);
    return `${RESERVATION_PREFIX}${lastInsertRowid}`;
  }

  release(id, quantity) {
    const held = this.#held(id);
    const units = quantity ?? held.quantity;
    if (units > held.quantity) throw InventoryError.exceedsReservation(held.quantity);
    this.statements.lower.run(units, 0, held.sku, held.location);
    this.#shrink(held, units);
  }

  extend(id, expiresAt) {
    const held = this.#held(id);
    this.statements.extend.run(expiresAt ?? null, held.key);
  }

  consume(id, quantity) {
    const held = this.#held(id);
    if (quantity > held.quantity) throw InventoryError.exceedsReservation(held.quantity);
    this.statements.lower.run(quantity, quantity, held.sku, held.location);
    this.#shrink(held, quantity);
  }

  issue(sku, location, quantity) {
    const available = this.available(sku, location);
    if (quantity > available) throw InventoryError.insufficientStock(available);
    this.statements.lower.run(0, quantity, sku, stored(location));
  }

  reservedTotals() {
    return this.statements.reservedTotals.all().map((row) => ({ ...row, location: locationOf(row.location) }));
  }

  reservations(sku, location) {
    return this.statements.reservations.all(sku, stored(location))
      .map((row) => ({ reservationId: `${RESERVATION_PREFIX}${row.id}`, holder: row.holder, quantity: row.quantity }));
  }

  // Stock administration.

  stockLevel(sku, location) {
    const row = this.statements.stockLevel.get(sku, stored(location));
    return { sku, location: location ?? undefined, onHand: row?.on_hand ?? 0, reserved: row?.reserved ?? 0 };
  }

  writeOnHand(level) {
    this.statements.writeOnHand.run(level.sku, stored(level.location), level.onHand);
  }

  stockLevels(sku, limit) {
    return this.statements.stockLevels.all({ sku: sku ?? null, limit }).map((row) => ({
      sku: row.sku, location: locationOf(row.location), onHand: row.on_hand, reserved: row.reserved,
    }));
  }

  stockAudit() {
    return this.statements.stockAudit.all().map((row) => ({
      level: { sku: row.sku, location: locationOf(row.location), onHand: row.on_hand, reserved: row.reserved },
      heldByReservations: row.held,
    }));
  }

  // The outbox: rows of the call's transaction.

  /// The event's own columns, and its backorder (in the CLI's JSON form,
  /// as the Rust provider stores it) as JSON text.
  append(event, recordedAt) {
    this.statements.append.run(parseTime('at', event.at), event.kind, event.backorder_id, event.sku,
      event.allocation_id, event.quantity, event.status,
      event.backorder === null || event.backorder === undefined ? null : JSON.stringify(event.backorder), recordedAt);
  }

  recentEvents(limit) {
    return this.statements.recentEvents.all(limit).reverse().map((row) => ({
      seq: row.seq, kind: row.kind, at: formatTime(row.at), backorder_id: row.backorder_id, sku: row.sku,
      allocation_id: row.allocation_id, quantity: row.quantity, status: row.status,
      backorder: row.backorder === null ? null : JSON.parse(row.backorder), recorded_at: formatTime(row.created_at),
    }));
  }
}
