//! The event outbox: events are rows written in the call's transaction, so
//! they appear exactly when the call commits.

use postgres::Row;

use backorders_host::json;
use backorders_host::names::WireName;
use backorders_host::provider::{EventSink, OutboxEvent, StoredEvent};
use backorders_host::{Event, HostError, Timestamp};

use super::{database, from_stored, to_stored, PostgresConnection};

impl EventSink for PostgresConnection {
    fn append(&mut self, event: &Event, recorded_at: Timestamp) -> Result<(), HostError> {
        let quantity = event
            .quantity
            .map(|quantity| to_stored("quantity", quantity))
            .transpose()
            .map_err(|message| HostError::InvalidInput { field: "quantity", message })?;
        self.execute(
            "INSERT INTO events
               (at, kind, backorder_id, sku, allocation_id, quantity, status, backorder, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            &[
                &event.at,
                &event.kind.wire_name(),
                &event.backorder_id,
                &event.sku,
                &event.allocation_id,
                &quantity,
                &event.status.wire_name(),
                &event.backorder.as_ref().map(json::backorder_to_string),
                &recorded_at,
            ],
        )
        .map(drop)
        .map_err(database("append event"))
    }

    fn recent_events(&mut self, limit: u32) -> Result<Vec<OutboxEvent>, HostError> {
        let rows = self
            .query(
                "SELECT seq, at, kind, backorder_id, sku, allocation_id, quantity, status, backorder, created_at
                   FROM events ORDER BY seq DESC LIMIT $1",
                &[&i64::from(limit)],
            )
            .map_err(database("read events"))?;
        let mut events = rows
            .iter()
            .map(|row| stored_event(row)?.decode("events"))
            .collect::<Result<Vec<_>, HostError>>()?;
        events.reverse();
        Ok(events)
    }
}

/// A row read as `seq, at, kind, backorder_id, sku, allocation_id,
/// quantity, status, backorder, created_at`, as stored.
pub(crate) fn stored_event(row: &Row) -> Result<StoredEvent, HostError> {
    let quantity: Option<i64> = row.get(6);
    Ok(StoredEvent {
        seq: row.get(0),
        at: row.get(1),
        kind: row.get(2),
        backorder_id: row.get(3),
        sku: row.get(4),
        allocation_id: row.get(5),
        quantity: quantity.map(|quantity| from_stored("events", "quantity", quantity)).transpose()?,
        status: row.get(7),
        backorder: row.get(8),
        recorded_at: row.get(9),
    })
}
