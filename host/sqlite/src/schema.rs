//! The database layout, and the check that a file is ours before anything
//! writes to it.

use std::path::Path;

use rusqlite::Connection;

use backorders_host::HostError;

use super::database;
use super::transaction::while_locked;

/// `PRAGMA application_id` of a backorders database ("BKOR"), so a foreign
/// SQLite file is recognised and refused.
pub const APPLICATION_ID: i32 = 0x424B_4F52;

/// `PRAGMA user_version`: the schema this host reads and writes.
pub const SCHEMA_VERSION: i32 = 6;

/// How each older schema moves to the next, in order: `MIGRATIONS[i]`
/// takes schema `i + 1` to `i + 2`. Each runs in the transaction that
/// upgrades the file, so an upgrade is all or nothing.
const MIGRATIONS: [&str; 5] = [
    // 1 -> 2 (WIT 0.2.0): every value the component stores now starts with
    // its format version byte; what the 0.1.0 component wrote is version 1
    // byte for byte (see wit/store.wit, "Values").
    // `||` yields TEXT in SQLite; the value column holds BLOBs.
    "UPDATE kv SET value = CAST(x'01' || value AS BLOB);",
    // 2 -> 3: webhook delivery (host-side; the component's data is as it was).
    DELIVERY_TABLES,
    // 3 -> 4: events keep the backorder after the change (older ones have
    // none, NULL); reservations are found by stock row through an index.
    SCHEMA_4,
    // 4 -> 5: backorder and allocation numbers come from the store's
    // sequences (WIT `next-number`); the component moves an older store's
    // counter keys over at its first create and allocation.
    SCHEMA_5,
    // 5 -> 6: the outbox numbers its events without AUTOINCREMENT.
    SCHEMA_6,
];

/// What schema 4 added, to an upgraded database and a new one alike:
/// - the backorder after an event's change, in its JSON form
///   (`backorders_host::json`); NULL for an event recorded before;
/// - the reservations of one stock row (`inventory.reservations`, which a
///   stock count walks, and the audit) by index, not by reading them all.
pub(crate) const SCHEMA_4: &str = "
    ALTER TABLE events ADD COLUMN backorder TEXT;
    CREATE INDEX reservations_by_stock ON reservations (sku, location, id);
";

/// What schema 5 added: the sequences `next-number` hands out, each with
/// the next number it will give. Numbers are taken in the call's
/// transaction, so a rollback gives them back.
pub(crate) const SCHEMA_5: &str = "
    CREATE TABLE sequences (
        name TEXT PRIMARY KEY,
        next INTEGER NOT NULL CHECK (next > 0)
    ) WITHOUT ROWID;
";

/// What schema 6 changed (issue 13): the events table numbers its rows
/// without AUTOINCREMENT, whose counter row in `sqlite_sequence` is one more
/// page every write call's commit wrote. An event still never takes a
/// number given before: the next is one past the highest in the table and
/// past `events_pruned_through` in `meta`, the highest a prune (or, before
/// this schema, AUTOINCREMENT) gave out and the table no longer holds.
/// Rows keep their numbers and columns.
const SCHEMA_6: &str = "
    CREATE TABLE events_numbered (
        seq           INTEGER PRIMARY KEY,
        at            INTEGER NOT NULL,
        kind          TEXT NOT NULL,
        backorder_id  TEXT NOT NULL,
        sku           TEXT NOT NULL,
        allocation_id TEXT,
        quantity      INTEGER,
        status        TEXT NOT NULL,
        created_at    INTEGER NOT NULL,
        backorder     TEXT
    );
    INSERT INTO events_numbered (seq, at, kind, backorder_id, sku, allocation_id, quantity, status, created_at, backorder)
        SELECT seq, at, kind, backorder_id, sku, allocation_id, quantity, status, created_at, backorder FROM events;
    INSERT INTO meta (key, value)
        SELECT 'events_pruned_through', CAST(seq AS TEXT) FROM sqlite_sequence
        WHERE name = 'events' AND seq > coalesce((SELECT max(seq) FROM events), 0);
    DROP TABLE events;
    ALTER TABLE events_numbered RENAME TO events;
";

/// The number the next event takes (schema 6), as an SQL expression: one
/// past the highest in the table and past the highest pruned away. Every
/// host that appends events inserts it as the row's `seq`.
pub const NEXT_EVENT_SEQ: &str = "max(coalesce((SELECT max(seq) FROM events), 0), coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'events_pruned_through'), 0)) + 1";

/// Raises `events_pruned_through` in `meta` to the number `?1`, never
/// lowering it: a prune passes the highest number given before it deletes,
/// a copy the numbering it carries over, so no later event takes a number
/// that a removed one had.
pub const RAISE_EVENT_NUMBERING: &str = "INSERT INTO meta (key, value) VALUES ('events_pruned_through', CAST(?1 AS TEXT))
    ON CONFLICT (key) DO UPDATE SET value = excluded.value
    WHERE CAST(excluded.value AS INTEGER) > CAST(value AS INTEGER)";

pub(crate) const CREATE_TABLES: &str = "
    CREATE TABLE kv (
        key   BLOB PRIMARY KEY,
        value BLOB NOT NULL
    ) WITHOUT ROWID;

    CREATE TABLE stock (
        sku      TEXT NOT NULL,
        location TEXT NOT NULL,
        on_hand  INTEGER NOT NULL CHECK (on_hand >= 0),
        reserved INTEGER NOT NULL CHECK (reserved >= 0 AND reserved <= on_hand),
        PRIMARY KEY (sku, location)
    ) WITHOUT ROWID;

    -- AUTOINCREMENT: a reservation id is never reused, even after its row
    -- is deleted.
    CREATE TABLE reservations (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        sku        TEXT NOT NULL,
        location   TEXT NOT NULL,
        quantity   INTEGER NOT NULL CHECK (quantity > 0),
        holder     TEXT NOT NULL,
        expires_at INTEGER,
        created_at INTEGER NOT NULL
    );

    CREATE TABLE events (
        seq           INTEGER PRIMARY KEY AUTOINCREMENT,
        at            INTEGER NOT NULL,
        kind          TEXT NOT NULL,
        backorder_id  TEXT NOT NULL,
        sku           TEXT NOT NULL,
        allocation_id TEXT,
        quantity      INTEGER,
        status        TEXT NOT NULL,
        created_at    INTEGER NOT NULL
    );
";

/// Webhook delivery (`backorders_host::provider::deliveries`): the
/// database's identity (part of every event id), endpoints with their cursor
/// and the attempt state of their next event, the dead letter, and the one
/// relay lease. Created with a new database and by the 2 -> 3 migration.
pub(crate) const DELIVERY_TABLES: &str = "
    CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    ) WITHOUT ROWID;
    INSERT INTO meta (key, value) VALUES ('database_id', lower(hex(randomblob(16))));

    CREATE TABLE webhook_endpoints (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        url             TEXT NOT NULL,
        secret          TEXT NOT NULL,
        types           TEXT NOT NULL,
        created_at      INTEGER NOT NULL,
        cursor          INTEGER NOT NULL,
        attempts        INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER,
        last_error      TEXT,
        disabled_at     INTEGER
    );

    CREATE TABLE webhook_failures (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        endpoint_id     INTEGER NOT NULL,
        seq             INTEGER NOT NULL,
        attempts        INTEGER NOT NULL,
        last_error      TEXT NOT NULL,
        failed_at       INTEGER NOT NULL,
        retry_requested INTEGER NOT NULL DEFAULT 0
    );

    CREATE TABLE webhook_lease (
        id         INTEGER PRIMARY KEY CHECK (id = 1),
        owner      TEXT NOT NULL,
        expires_at INTEGER NOT NULL
    );
";

/// Checks that the database is ours, and lays out the schema in an empty
/// one. Reads only when the schema is already there, so opening a database
/// for a preview leaves its file byte-for-byte unchanged.
///
/// A database of an older schema is upgraded in place, once, by the first
/// host that opens it; one of a newer schema is refused untouched.
pub fn ensure(connection: &Connection, path: Option<&Path>) -> Result<(), HostError> {
    match identify(connection, path)? {
        Identity::Ours => Ok(()),
        Identity::Empty | Identity::Older(_) => create(connection, path),
    }
}

enum Identity {
    Ours,
    Empty,
    /// A backorders database at this older schema version.
    Older(i32),
}

fn identify(connection: &Connection, path: Option<&Path>) -> Result<Identity, HostError> {
    let shown_path = || path.unwrap_or(Path::new(":memory:")).to_path_buf();
    // One statement, so one snapshot: read as separate statements, another
    // connection creating the schema in between would show an unmarked file
    // that already has tables, which looks foreign. It is also the first
    // read of the header: a file that is not SQLite fails here.
    let (application_id, user_version, objects): (i32, i32, i64) = connection
        .query_row(
            "SELECT (SELECT application_id FROM pragma_application_id),
                    (SELECT user_version FROM pragma_user_version),
                    (SELECT count(*) FROM sqlite_schema)",
            [],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )
        .map_err(|source| HostError::OpenDatabase {
            path: shown_path(),
            reason: source.to_string(),
        })?;
    if application_id == APPLICATION_ID {
        return if user_version == SCHEMA_VERSION {
            Ok(Identity::Ours)
        } else if (1..SCHEMA_VERSION).contains(&user_version) {
            Ok(Identity::Older(user_version))
        } else {
            Err(HostError::UnsupportedSchema {
                path: shown_path(),
                found: user_version,
                supported: SCHEMA_VERSION,
            })
        };
    }
    if application_id == 0 && objects == 0 {
        Ok(Identity::Empty)
    } else {
        Err(HostError::ForeignDatabase {
            path: shown_path(),
            application_id,
        })
    }
}

/// Runs the migrations from `version` to `SCHEMA_VERSION`, inside the
/// caller's transaction.
fn migrate(connection: &Connection, version: i32) -> Result<(), HostError> {
    let first = usize::try_from(version - 1).expect("older versions start at 1");
    for migration in &MIGRATIONS[first..] {
        connection
            .execute_batch(migration)
            .map_err(database("migrate schema"))?;
    }
    connection
        .pragma_update(None, "user_version", SCHEMA_VERSION)
        .map_err(database("migrate schema"))
}

/// Lays out the schema in an empty database, or upgrades an older one,
/// under the write lock.
fn create(connection: &Connection, path: Option<&Path>) -> Result<(), HostError> {
    // WAL lets readers run beside the one writer. The mode is stored in the
    // file, and cannot change inside a transaction.
    // Another connection creating the same new file can hold the lock the
    // switch needs, and SQLite does not wait for it here.
    while_locked("enable WAL", || connection.pragma_update(None, "journal_mode", "WAL"))?;
    while_locked("begin schema creation", || connection.execute_batch("BEGIN IMMEDIATE"))?;
    // Another process may have created the schema while this one waited for
    // the write lock; identify again under the lock.
    let result = match identify(connection, path) {
        Ok(Identity::Ours) => Ok(()),
        Ok(Identity::Older(version)) => migrate(connection, version),
        Ok(Identity::Empty) => connection
            .execute_batch(&format!(
                "{CREATE_TABLES}
                 {DELIVERY_TABLES}
                 {SCHEMA_4}
                 {SCHEMA_5}
                 {SCHEMA_6}
                 PRAGMA application_id = {APPLICATION_ID};
                 PRAGMA user_version = {SCHEMA_VERSION};"
            ))
            .map_err(database("create schema")),
        Err(error) => Err(error),
    };
    let end = if result.is_ok() { "COMMIT" } else { "ROLLBACK" };
    connection
        .execute_batch(end)
        .map_err(database("finish schema creation"))?;
    result
}
