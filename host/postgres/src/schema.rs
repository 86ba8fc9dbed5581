//! The database layout, versioned in a table of its own, and the check that
//! a database is ours before anything writes to it.

use std::path::PathBuf;

use postgres::{Client, GenericClient};

use backorders_host::HostError;

use super::{database, describe};

/// The schema this host reads and writes, as `backorders_schema.version`
/// records it.
pub const SCHEMA_VERSION: i32 = 3;

/// What `backorders_schema.application` says in a backorders database.
const APPLICATION: &str = "backorders";

/// A lock key (`pg_advisory_xact_lock`) that every host takes to lay out
/// or upgrade the schema, so two hosts meeting an empty database do it once.
const SCHEMA_LOCK: i64 = 0x424B_4F52; // "BKOR", as SQLite's application_id

/// How each schema moves to the next, in order: `MIGRATIONS[i]` takes
/// schema `i` to `i + 1`; an empty database is schema 0. Each runs in the
/// transaction that records the new version, so an upgrade is all or
/// nothing (PostgreSQL's DDL is transactional).
const MIGRATIONS: [&str; SCHEMA_VERSION as usize] = [
    // 0 -> 1: the key-value space, stock, reservations and the outbox, as
    // SQLite's schema 4 without webhook delivery. SKUs and locations
    // compare bytewise (COLLATE "C"), as on SQLite, so listings come in the
    // same order whatever the server's locale.
    r#"
    CREATE TABLE backorders_schema (
        application text NOT NULL CHECK (application = 'backorders'),
        version     integer NOT NULL
    );

    -- bytea compares as unsigned bytes, a proper prefix first: the WIT
    -- store's order.
    CREATE TABLE kv (
        key   bytea PRIMARY KEY,
        value bytea NOT NULL
    );

    CREATE TABLE stock (
        sku      text COLLATE "C" NOT NULL,
        location text COLLATE "C" NOT NULL,
        on_hand  bigint NOT NULL CHECK (on_hand >= 0),
        reserved bigint NOT NULL,
        CONSTRAINT reserved_within_on_hand CHECK (reserved >= 0 AND reserved <= on_hand),
        PRIMARY KEY (sku, location)
    );

    -- An identity never hands out a number twice: a reservation id is
    -- never reused, even after its row is deleted.
    CREATE TABLE reservations (
        id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        sku        text COLLATE "C" NOT NULL,
        location   text COLLATE "C" NOT NULL,
        quantity   bigint NOT NULL CHECK (quantity > 0),
        holder     text NOT NULL,
        expires_at bigint,
        created_at bigint NOT NULL
    );
    CREATE INDEX reservations_by_stock ON reservations (sku, location, id);

    CREATE TABLE events (
        seq           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at            bigint NOT NULL,
        kind          text NOT NULL,
        backorder_id  text NOT NULL,
        sku           text NOT NULL,
        allocation_id text,
        quantity      bigint,
        status        text NOT NULL,
        backorder     text,
        created_at    bigint NOT NULL
    );
    "#,
    // 1 -> 2: the sequences `next-number` hands out, each with the first
    // number not yet leased to a host (see `numbers.rs`).
    r#"
    CREATE TABLE sequences (
        name text COLLATE "C" PRIMARY KEY,
        next bigint NOT NULL CHECK (next > 0)
    );
    "#,
    // 2 -> 3: one row per SKU that a write call read or wrote data of,
    // updated by every such call, so that two calls touching a common SKU
    // conflict at REPEATABLE READ (see `transaction.rs`).
    r#"
    CREATE TABLE scopes (
        name    text COLLATE "C" PRIMARY KEY,
        version bigint NOT NULL
    );
    "#,
];

enum Identity {
    /// Ours, at this version.
    Ours(i32),
    Empty,
}

/// Tables, views and sequences in the schema we would use (the search
/// path's first), and whether the version table is among them.
const IDENTIFY: &str = "
    SELECT (SELECT count(*) FROM pg_catalog.pg_class c
              JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = current_schema()
               AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')),
           to_regclass('backorders_schema') IS NOT NULL";

fn identify(client: &mut impl GenericClient, shown: &str) -> Result<Identity, HostError> {
    let open_failed = |error: postgres::Error| HostError::OpenDatabase {
        path: PathBuf::from(shown),
        reason: describe(&error),
    };
    let row = client.query_one(IDENTIFY, &[]).map_err(open_failed)?;
    let (objects, ours): (i64, bool) = (row.get(0), row.get(1));
    if !ours {
        return if objects == 0 {
            Ok(Identity::Empty)
        } else {
            Err(foreign(shown))
        };
    }
    let rows = client
        .query("SELECT application, version FROM backorders_schema", &[])
        .map_err(open_failed)?;
    match rows.as_slice() {
        [row] if row.get::<_, &str>(0) == APPLICATION => {
            let version: i32 = row.get(1);
            if (1..=SCHEMA_VERSION).contains(&version) {
                Ok(Identity::Ours(version))
            } else {
                Err(HostError::UnsupportedSchema {
                    path: PathBuf::from(shown),
                    found: version,
                    supported: SCHEMA_VERSION,
                })
            }
        }
        _ => Err(foreign(shown)),
    }
}

/// A database with tables that are not ours: refused untouched.
fn foreign(shown: &str) -> HostError {
    HostError::ForeignDatabase {
        path: PathBuf::from(shown),
        application_id: 0,
    }
}

/// Checks that the database is ours, and lays out the schema in an empty
/// one or upgrades an older one, once, whichever host gets there first. A
/// database of ours at the current version is only read.
pub fn ensure(client: &mut Client, shown: &str) -> Result<(), HostError> {
    if let Identity::Ours(SCHEMA_VERSION) = identify(client, shown)? {
        return Ok(());
    }
    let mut transaction = client.transaction().map_err(database("begin schema creation"))?;
    transaction
        .execute("SELECT pg_advisory_xact_lock($1)", &[&SCHEMA_LOCK])
        .map_err(database("lock the schema"))?;
    // Another host may have laid it out while this one waited for the lock.
    let from = match identify(&mut transaction, shown)? {
        Identity::Ours(version) => version,
        Identity::Empty => 0,
    };
    let from_index = usize::try_from(from).expect("versions are not negative");
    for migration in &MIGRATIONS[from_index..] {
        transaction
            .batch_execute(migration)
            .map_err(database("migrate schema"))?;
    }
    transaction
        .execute("DELETE FROM backorders_schema", &[])
        .and_then(|_| {
            transaction.execute(
                "INSERT INTO backorders_schema (application, version) VALUES ($1, $2)",
                &[&APPLICATION, &SCHEMA_VERSION],
            )
        })
        .map_err(database("record the schema version"))?;
    transaction.commit().map_err(database("finish schema creation"))
}
