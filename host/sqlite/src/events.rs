//! The event outbox: events are rows written in the call's transaction, so
//! they appear exactly when the call commits.

use backorders_host::json;
use backorders_host::names::WireName;
use backorders_host::provider::{EventSink, OutboxEvent, StoredEvent};
use backorders_host::{Event, HostError, Timestamp};

use std::sync::LazyLock;

use super::schema::NEXT_EVENT_SEQ;
use super::{database, SqliteConnection};

/// An event's row, numbered as schema 6 numbers them.
static APPEND: LazyLock<String> = LazyLock::new(|| {
    format!(
        "INSERT INTO events
           (seq, at, kind, backorder_id, sku, allocation_id, quantity, status, backorder, created_at)
         VALUES ({NEXT_EVENT_SEQ}, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
    )
});

impl EventSink for SqliteConnection {
    fn append(&mut self, event: &Event, recorded_at: Timestamp) -> Result<(), HostError> {
        self.connection
            .prepare_cached(&APPEND)
            .and_then(|mut statement| {
                statement.execute((
                    event.at,
                    event.kind.wire_name(),
                    &event.backorder_id,
                    &event.sku,
                    &event.allocation_id,
                    event.quantity,
                    event.status.wire_name(),
                    event.backorder.as_ref().map(json::backorder_to_string),
                    recorded_at,
                ))
            })
            .map(drop)
            .map_err(database("append event"))
    }

    fn recent_events(&mut self, limit: u32) -> Result<Vec<OutboxEvent>, HostError> {
        let mut events = read_events(
            &self.connection,
            &format!("{EVENT_COLUMNS} ORDER BY seq DESC LIMIT ?1"),
            [i64::from(limit)],
        )?;
        events.reverse();
        Ok(events)
    }
}

/// The outbox query every reader starts with; each adds its own `WHERE`,
/// `ORDER BY` and `LIMIT`.
pub(crate) const EVENT_COLUMNS: &str =
    "SELECT seq, at, kind, backorder_id, sku, allocation_id, quantity, status, backorder, created_at
     FROM events";

/// The events a query of [`EVENT_COLUMNS`] finds, in its order.
pub(crate) fn read_events<P: rusqlite::Params>(
    connection: &rusqlite::Connection,
    sql: &str,
    params: P,
) -> Result<Vec<OutboxEvent>, HostError> {
    let mut statement = connection
        .prepare_cached(sql)
        .map_err(database("read events"))?;
    let rows = statement
        .query_map(params, stored_event)
        .map_err(database("read events"))?;
    let mut events = Vec::new();
    for row in rows {
        events.push(row.map_err(database("read events"))?.decode("events")?);
    }
    Ok(events)
}

/// A row of an [`EVENT_COLUMNS`] query, as stored.
pub(crate) fn stored_event(row: &rusqlite::Row) -> rusqlite::Result<StoredEvent> {
    Ok(StoredEvent {
        seq: row.get(0)?,
        at: row.get(1)?,
        kind: row.get(2)?,
        backorder_id: row.get(3)?,
        sku: row.get(4)?,
        allocation_id: row.get(5)?,
        quantity: row.get(6)?,
        status: row.get(7)?,
        backorder: row.get(8)?,
        recorded_at: row.get(9)?,
    })
}
