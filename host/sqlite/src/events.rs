//! The event outbox: events are rows written in the call's transaction, so
//! they appear exactly when the call commits.

use backorders_host::json;
use backorders_host::names::WireName;
use backorders_host::provider::{EventSink, OutboxEvent};
use backorders_host::{BackorderStatus, Event, EventKind, HostError, Timestamp};

use super::{database, SqliteConnection};

fn parse_stored<T: WireName>(column: &'static str, name: String) -> Result<T, HostError> {
    T::from_wire_name(&name).ok_or(HostError::CorruptRow {
        table: "events",
        column,
        value: name,
    })
}

impl EventSink for SqliteConnection {
    fn append(&mut self, event: &Event, recorded_at: Timestamp) -> Result<(), HostError> {
        self.connection
            .prepare_cached(
                "INSERT INTO events
                   (at, kind, backorder_id, sku, allocation_id, quantity, status, backorder, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )
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
        .query_map(params, |row| {
            Ok((
                row.get::<_, i64>(0)?,
                row.get::<_, Timestamp>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, String>(3)?,
                row.get::<_, String>(4)?,
                row.get::<_, Option<String>>(5)?,
                row.get::<_, Option<u64>>(6)?,
                row.get::<_, String>(7)?,
                row.get::<_, Option<String>>(8)?,
                row.get::<_, Timestamp>(9)?,
            ))
        })
        .map_err(database("read events"))?;
    let mut events = Vec::new();
    for row in rows {
        let (seq, at, kind, backorder_id, sku, allocation_id, quantity, status, backorder, recorded_at) =
            row.map_err(database("read events"))?;
        let backorder = backorder
            .map(|text| {
                json::backorder_from_str(&text).map_err(|error| HostError::CorruptRow {
                    table: "events",
                    column: "backorder",
                    value: format!("{text} ({error})"),
                })
            })
            .transpose()?;
        let event = Event {
            kind: parse_stored::<EventKind>("kind", kind)?,
            at,
            backorder_id,
            sku,
            allocation_id,
            quantity,
            status: parse_stored::<BackorderStatus>("status", status)?,
            backorder,
        };
        events.push(OutboxEvent {
            seq,
            event,
            recorded_at,
        });
    }
    Ok(events)
}
