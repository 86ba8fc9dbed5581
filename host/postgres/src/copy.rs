//! The database's raw rows, for `backorders copy`
//! (`backorders_host::provider::copy`): read in key order after a cursor,
//! written back a chunk per statement under their own ids and sequence
//! numbers (`OVERRIDING SYSTEM VALUE`), after which the identities are
//! moved past the highest number the source handed out.

use backorders_host::provider::copy::{NotCopied, Numbering, Rows, StoredReservation, TableCounts};
use backorders_host::provider::{location_from_stored, stored_location, KeyValuePair, NewReservation, StockLevel, StoredEvent};
use backorders_host::HostError;

use super::events::stored_event;
use super::stock::level;
use super::{database, from_stored, to_stored, PostgresConnection};

/// The identity columns whose numbering a copy carries.
const RESERVATION_IDS: (&str, &str) = ("reservations", "id");
const EVENT_SEQS: (&str, &str) = ("events", "seq");

/// A count as stored, for a row being copied.
fn stored(what: &'static str, value: u64) -> Result<i64, HostError> {
    to_stored(what, value).map_err(|message| HostError::InvalidInput { field: what, message })
}

impl PostgresConnection {
    /// The highest number the identity `column` of `table` handed out (0: none).
    fn identity(&mut self, (table, column): (&str, &str)) -> Result<i64, HostError> {
        let row = self
            .query_opt(
                "SELECT COALESCE(pg_sequence_last_value(pg_get_serial_sequence($1, $2)::regclass), 0)",
                &[&table, &column],
            )
            .map_err(database("read numbering"))?
            .expect("a SELECT of one value returns one row");
        Ok(row.get(0))
    }

    /// Moves the identity past `highest`, unless it already is.
    fn raise_identity(&mut self, identity: (&str, &str), highest: i64) -> Result<(), HostError> {
        if highest <= self.identity(identity)? {
            return Ok(());
        }
        let (table, column) = identity;
        self.execute("SELECT setval(pg_get_serial_sequence($1, $2), $3)", &[&table, &column, &highest])
            .map(drop)
            .map_err(database("write numbering"))
    }
}

impl Rows for PostgresConnection {
    fn counts(&mut self) -> Result<TableCounts, HostError> {
        let row = self
            .query_opt(
                "SELECT (SELECT count(*) FROM kv), (SELECT count(*) FROM stock),
                        (SELECT count(*) FROM reservations), (SELECT count(*) FROM events)",
                &[],
            )
            .map_err(database("count rows"))?
            .expect("a SELECT of counts returns one row");
        Ok(TableCounts {
            kv: from_stored("kv", "count(*)", row.get(0))?,
            stock: from_stored("stock", "count(*)", row.get(1))?,
            reservations: from_stored("reservations", "count(*)", row.get(2))?,
            events: from_stored("events", "count(*)", row.get(3))?,
        })
    }

    fn numbering(&mut self) -> Result<Numbering, HostError> {
        Ok(Numbering {
            reservation_id: self.identity(RESERVATION_IDS)?,
            event_seq: self.identity(EVENT_SEQS)?,
            sequences: self
                .query("SELECT name, next FROM sequences ORDER BY name", &[])
                .map_err(database("read numbering"))?
                .into_iter()
                .map(|row| (row.get(0), row.get(1)))
                .collect(),
        })
    }

    /// Nothing: this database holds only the component's data.
    fn not_copied(&mut self) -> Result<NotCopied, HostError> {
        Ok(NotCopied::new())
    }

    fn read_kv(&mut self, after: Option<&[u8]>, limit: u32) -> Result<Vec<KeyValuePair>, HostError> {
        let limit = i64::from(limit);
        let rows = match after {
            None => self.query("SELECT key, value FROM kv ORDER BY key LIMIT $1", &[&limit]),
            Some(after) => self.query(
                "SELECT key, value FROM kv WHERE key > $1 ORDER BY key LIMIT $2",
                &[&after, &limit],
            ),
        };
        let rows = rows.map_err(database("read rows to copy"))?;
        Ok(rows.into_iter().map(|row| (row.get(0), row.get(1))).collect())
    }

    fn read_stock(&mut self, after: Option<&StockLevel>, limit: u32) -> Result<Vec<StockLevel>, HostError> {
        let limit = i64::from(limit);
        let rows = match after {
            None => self.query(
                "SELECT sku, location, on_hand, reserved FROM stock ORDER BY sku, location LIMIT $1",
                &[&limit],
            ),
            Some(after) => self.query(
                "SELECT sku, location, on_hand, reserved FROM stock
                  WHERE (sku, location) > ($1, $2) ORDER BY sku, location LIMIT $3",
                &[&after.sku, &stored_location(after.location.as_deref()), &limit],
            ),
        };
        rows.map_err(database("read rows to copy"))?.iter().map(level).collect()
    }

    fn read_reservations(&mut self, after: i64, limit: u32) -> Result<Vec<StoredReservation>, HostError> {
        let rows = self
            .query(
                "SELECT id, sku, location, quantity, holder, expires_at, created_at FROM reservations
                  WHERE id > $1 ORDER BY id LIMIT $2",
                &[&after, &i64::from(limit)],
            )
            .map_err(database("read rows to copy"))?;
        rows.iter()
            .map(|row| {
                Ok(StoredReservation {
                    id: row.get(0),
                    reservation: NewReservation {
                        sku: row.get(1),
                        location: location_from_stored(row.get(2)),
                        quantity: from_stored("reservations", "quantity", row.get(3))?,
                        holder: row.get(4),
                        expires_at: row.get(5),
                        created_at: row.get(6),
                    },
                })
            })
            .collect()
    }

    fn read_events(&mut self, after: i64, limit: u32) -> Result<Vec<StoredEvent>, HostError> {
        let rows = self
            .query(
                "SELECT seq, at, kind, backorder_id, sku, allocation_id, quantity, status, backorder, created_at
                   FROM events WHERE seq > $1 ORDER BY seq LIMIT $2",
                &[&after, &i64::from(limit)],
            )
            .map_err(database("read rows to copy"))?;
        rows.iter().map(stored_event).collect()
    }

    fn insert_kv(&mut self, rows: &[KeyValuePair]) -> Result<(), HostError> {
        let keys: Vec<&[u8]> = rows.iter().map(|(key, _)| key.as_slice()).collect();
        let values: Vec<&[u8]> = rows.iter().map(|(_, value)| value.as_slice()).collect();
        self.execute(
            "INSERT INTO kv (key, value) SELECT * FROM unnest($1::bytea[], $2::bytea[])",
            &[&keys, &values],
        )
        .map(drop)
        .map_err(database("write copied rows"))
    }

    fn insert_stock(&mut self, rows: &[StockLevel]) -> Result<(), HostError> {
        let skus: Vec<&str> = rows.iter().map(|level| level.sku.as_str()).collect();
        let locations: Vec<&str> = rows.iter().map(|level| stored_location(level.location.as_deref())).collect();
        let on_hand = rows.iter().map(|level| stored("on_hand", level.on_hand)).collect::<Result<Vec<_>, _>>()?;
        let reserved = rows.iter().map(|level| stored("reserved", level.reserved)).collect::<Result<Vec<_>, _>>()?;
        self.execute(
            "INSERT INTO stock (sku, location, on_hand, reserved)
             SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[])",
            &[&skus, &locations, &on_hand, &reserved],
        )
        .map(drop)
        .map_err(database("write copied rows"))
    }

    fn insert_reservations(&mut self, rows: &[StoredReservation]) -> Result<(), HostError> {
        let held = || rows.iter().map(|row| &row.reservation);
        let ids: Vec<i64> = rows.iter().map(|row| row.id).collect();
        let skus: Vec<&str> = held().map(|held| held.sku.as_str()).collect();
        let locations: Vec<&str> = held().map(|held| stored_location(held.location.as_deref())).collect();
        let quantities = held().map(|held| stored("quantity", held.quantity)).collect::<Result<Vec<_>, _>>()?;
        let holders: Vec<&str> = held().map(|held| held.holder.as_str()).collect();
        let expiries: Vec<Option<i64>> = held().map(|held| held.expires_at).collect();
        let created: Vec<i64> = held().map(|held| held.created_at).collect();
        self.execute(
            "INSERT INTO reservations (id, sku, location, quantity, holder, expires_at, created_at)
             OVERRIDING SYSTEM VALUE
             SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[], $5::text[],
                                  $6::bigint[], $7::bigint[])",
            &[&ids, &skus, &locations, &quantities, &holders, &expiries, &created],
        )
        .map(drop)
        .map_err(database("write copied rows"))
    }

    fn insert_events(&mut self, rows: &[StoredEvent]) -> Result<(), HostError> {
        let seqs: Vec<i64> = rows.iter().map(|event| event.seq).collect();
        let ats: Vec<i64> = rows.iter().map(|event| event.at).collect();
        let kinds: Vec<&str> = rows.iter().map(|event| event.kind.as_str()).collect();
        let backorder_ids: Vec<&str> = rows.iter().map(|event| event.backorder_id.as_str()).collect();
        let skus: Vec<&str> = rows.iter().map(|event| event.sku.as_str()).collect();
        let allocation_ids: Vec<Option<&str>> = rows.iter().map(|event| event.allocation_id.as_deref()).collect();
        let quantities = rows
            .iter()
            .map(|event| event.quantity.map(|quantity| stored("quantity", quantity)).transpose())
            .collect::<Result<Vec<_>, _>>()?;
        let statuses: Vec<&str> = rows.iter().map(|event| event.status.as_str()).collect();
        let backorders: Vec<Option<&str>> = rows.iter().map(|event| event.backorder.as_deref()).collect();
        let recorded: Vec<i64> = rows.iter().map(|event| event.recorded_at).collect();
        self.execute(
            "INSERT INTO events
               (seq, at, kind, backorder_id, sku, allocation_id, quantity, status, backorder, created_at)
             OVERRIDING SYSTEM VALUE
             SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[],
                                  $6::text[], $7::bigint[], $8::text[], $9::text[], $10::bigint[])",
            &[
                &seqs,
                &ats,
                &kinds,
                &backorder_ids,
                &skus,
                &allocation_ids,
                &quantities,
                &statuses,
                &backorders,
                &recorded,
            ],
        )
        .map(drop)
        .map_err(database("write copied rows"))
    }

    fn continue_numbering(&mut self, numbering: Numbering) -> Result<(), HostError> {
        self.raise_identity(RESERVATION_IDS, numbering.reservation_id)?;
        self.raise_identity(EVENT_SEQS, numbering.event_seq)?;
        for (name, next) in &numbering.sequences {
            self.execute(
                "INSERT INTO sequences (name, next) VALUES ($1, $2)
                 ON CONFLICT (name) DO UPDATE SET next = GREATEST(sequences.next, excluded.next)",
                &[name, next],
            )
            .map_err(database("write numbering"))?;
        }
        Ok(())
    }
}
