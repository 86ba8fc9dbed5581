//! The database's raw rows, for `backorders copy`
//! (`backorders_host::provider::copy`): read in key order after a cursor,
//! written back under their own ids and sequence numbers.

use rusqlite::{CachedStatement, Params, Row};

use backorders_host::provider::copy::{NotCopied, Numbering, Rows, StoredReservation, TableCounts};
use backorders_host::provider::{
    location_from_stored, stored_location, KeyValuePair, NewReservation, StockLevel, StoredEvent,
};
use backorders_host::HostError;

use super::events::{stored_event, EVENT_COLUMNS};
use super::schema::{NEXT_EVENT_SEQ, RAISE_EVENT_NUMBERING};
use super::stock::level;
use super::{database, SqliteConnection};

/// The AUTOINCREMENT table whose numbering a copy carries, as
/// `sqlite_sequence` names it. Events number themselves (schema 6).
const RESERVATIONS: &str = "reservations";

impl SqliteConnection {
    /// Every row `sql` returns, mapped.
    fn all<T, P: Params>(
        &self,
        sql: &str,
        params: P,
        map: impl FnMut(&Row) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>, HostError> {
        let mut statement = self.connection.prepare_cached(sql).map_err(database("read rows to copy"))?;
        let rows = statement.query_map(params, map).map_err(database("read rows to copy"))?;
        rows.collect::<Result<_, _>>().map_err(database("read rows to copy"))
    }

    /// Runs the statement `sql` once per row, `execute` binding the row.
    fn insert_each<T>(
        &self,
        sql: &str,
        rows: &[T],
        execute: impl Fn(&mut CachedStatement, &T) -> rusqlite::Result<usize>,
    ) -> Result<(), HostError> {
        let mut statement = self.connection.prepare_cached(sql).map_err(database("write copied rows"))?;
        for row in rows {
            execute(&mut statement, row).map_err(database("write copied rows"))?;
        }
        Ok(())
    }

    /// The highest number `sqlite_sequence` records for `table` (0: none).
    fn sequence(&self, table: &str) -> Result<i64, HostError> {
        self.connection
            .query_row(
                "SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = ?1), 0)",
                [table],
                |row| row.get(0),
            )
            .map_err(database("read numbering"))
    }

    /// The highest event number given so far (0: none), whether the table
    /// still holds it or a prune removed it.
    fn event_numbering(&self) -> Result<i64, HostError> {
        self.connection
            .query_row(&format!("SELECT {NEXT_EVENT_SEQ} - 1"), [], |row| row.get(0))
            .map_err(database("read numbering"))
    }

    /// Raises `table`'s numbering to at least `highest`.
    fn raise_sequence(&self, table: &str, highest: i64) -> Result<(), HostError> {
        if highest <= self.sequence(table)? {
            return Ok(());
        }
        let connection = &self.connection;
        let changed = connection
            .execute("UPDATE sqlite_sequence SET seq = ?2 WHERE name = ?1", (table, highest))
            .map_err(database("write numbering"))?;
        if changed == 0 {
            connection
                .execute("INSERT INTO sqlite_sequence (name, seq) VALUES (?1, ?2)", (table, highest))
                .map_err(database("write numbering"))?;
        }
        Ok(())
    }
}

fn reservation_row(row: &Row) -> rusqlite::Result<StoredReservation> {
    Ok(StoredReservation {
        id: row.get(0)?,
        reservation: NewReservation {
            sku: row.get(1)?,
            location: location_from_stored(row.get(2)?),
            quantity: row.get(3)?,
            holder: row.get(4)?,
            expires_at: row.get(5)?,
            created_at: row.get(6)?,
        },
    })
}

const STOCK_COLUMNS: &str = "SELECT sku, location, on_hand, reserved FROM stock";
const RESERVATION_COLUMNS: &str =
    "SELECT id, sku, location, quantity, holder, expires_at, created_at FROM reservations";

impl Rows for SqliteConnection {
    fn counts(&mut self) -> Result<TableCounts, HostError> {
        self.connection
            .query_row(
                "SELECT (SELECT count(*) FROM kv), (SELECT count(*) FROM stock),
                        (SELECT count(*) FROM reservations), (SELECT count(*) FROM events)",
                [],
                |row| {
                    Ok(TableCounts {
                        kv: row.get(0)?,
                        stock: row.get(1)?,
                        reservations: row.get(2)?,
                        events: row.get(3)?,
                    })
                },
            )
            .map_err(database("count rows"))
    }

    fn numbering(&mut self) -> Result<Numbering, HostError> {
        Ok(Numbering {
            reservation_id: self.sequence(RESERVATIONS)?,
            event_seq: self.event_numbering()?,
            sequences: self
                .connection
                .prepare("SELECT name, next FROM sequences ORDER BY name")
                .and_then(|mut statement| statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?.collect())
                .map_err(database("read numbering"))?,
        })
    }

    /// Webhook endpoints and their dead letter: delivery state of this
    /// database's relay, which a copy does not take along (two relays would
    /// deliver the same events to the same endpoints).
    fn not_copied(&mut self) -> Result<NotCopied, HostError> {
        self.connection
            .query_row(
                "SELECT (SELECT count(*) FROM webhook_endpoints), (SELECT count(*) FROM webhook_failures)",
                [],
                |row| Ok(vec![("webhook_endpoints", row.get(0)?), ("webhook_failures", row.get(1)?)]),
            )
            .map_err(database("count webhook rows"))
    }

    fn read_kv(&mut self, after: Option<&[u8]>, limit: u32) -> Result<Vec<KeyValuePair>, HostError> {
        let pair = |row: &Row| Ok((row.get(0)?, row.get(1)?));
        match after {
            None => self.all("SELECT key, value FROM kv ORDER BY key LIMIT ?1", [limit], pair),
            Some(after) => self.all(
                "SELECT key, value FROM kv WHERE key > ?1 ORDER BY key LIMIT ?2",
                (after, limit),
                pair,
            ),
        }
    }

    fn read_stock(&mut self, after: Option<&StockLevel>, limit: u32) -> Result<Vec<StockLevel>, HostError> {
        match after {
            None => self.all(&format!("{STOCK_COLUMNS} ORDER BY sku, location LIMIT ?1"), [limit], level),
            Some(after) => self.all(
                &format!("{STOCK_COLUMNS} WHERE (sku, location) > (?1, ?2) ORDER BY sku, location LIMIT ?3"),
                (&after.sku, stored_location(after.location.as_deref()), limit),
                level,
            ),
        }
    }

    fn read_reservations(&mut self, after: i64, limit: u32) -> Result<Vec<StoredReservation>, HostError> {
        self.all(
            &format!("{RESERVATION_COLUMNS} WHERE id > ?1 ORDER BY id LIMIT ?2"),
            (after, limit),
            reservation_row,
        )
    }

    fn read_events(&mut self, after: i64, limit: u32) -> Result<Vec<StoredEvent>, HostError> {
        self.all(
            &format!("{EVENT_COLUMNS} WHERE seq > ?1 ORDER BY seq LIMIT ?2"),
            (after, limit),
            stored_event,
        )
    }

    fn insert_kv(&mut self, rows: &[KeyValuePair]) -> Result<(), HostError> {
        self.insert_each("INSERT INTO kv (key, value) VALUES (?1, ?2)", rows, |statement, (key, value)| {
            statement.execute((key, value))
        })
    }

    fn insert_stock(&mut self, rows: &[StockLevel]) -> Result<(), HostError> {
        self.insert_each(
            "INSERT INTO stock (sku, location, on_hand, reserved) VALUES (?1, ?2, ?3, ?4)",
            rows,
            |statement, level| {
                statement.execute((&level.sku, stored_location(level.location.as_deref()), level.on_hand, level.reserved))
            },
        )
    }

    fn insert_reservations(&mut self, rows: &[StoredReservation]) -> Result<(), HostError> {
        self.insert_each(
            "INSERT INTO reservations (id, sku, location, quantity, holder, expires_at, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            rows,
            |statement, row| {
                let held = &row.reservation;
                statement.execute((
                    row.id,
                    &held.sku,
                    stored_location(held.location.as_deref()),
                    held.quantity,
                    &held.holder,
                    held.expires_at,
                    held.created_at,
                ))
            },
        )
    }

    fn insert_events(&mut self, rows: &[StoredEvent]) -> Result<(), HostError> {
        self.insert_each(
            "INSERT INTO events
               (seq, at, kind, backorder_id, sku, allocation_id, quantity, status, backorder, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            rows,
            |statement, event| {
                statement.execute((
                    event.seq,
                    event.at,
                    &event.kind,
                    &event.backorder_id,
                    &event.sku,
                    &event.allocation_id,
                    event.quantity,
                    &event.status,
                    &event.backorder,
                    event.recorded_at,
                ))
            },
        )
    }

    fn continue_numbering(&mut self, numbering: Numbering) -> Result<(), HostError> {
        self.raise_sequence(RESERVATIONS, numbering.reservation_id)?;
        self.connection
            .execute(RAISE_EVENT_NUMBERING, [numbering.event_seq])
            .map_err(database("write numbering"))?;
        for (name, next) in &numbering.sequences {
            self.connection
                .execute(
                    "INSERT INTO sequences (name, next) VALUES (?1, ?2)
                     ON CONFLICT (name) DO UPDATE SET next = max(next, excluded.next)",
                    (name, next),
                )
                .map_err(database("write numbering"))?;
        }
        Ok(())
    }
}
