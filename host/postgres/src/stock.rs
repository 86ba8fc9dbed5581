//! Host-only stock operations: what a platform does outside the component
//! (receiving goods, counting stock) and what `backorders stock` shows.

use postgres::Row;

use backorders_host::provider::{location_from_stored, stored_location, StockAdmin, StockAudit, StockLevel};
use backorders_host::HostError;

use super::{database, from_stored, to_stored, PostgresConnection};

/// A stock row read as `sku, location, on_hand, reserved`.
pub(crate) fn level(row: &Row) -> Result<StockLevel, HostError> {
    Ok(StockLevel {
        sku: row.get(0),
        location: location_from_stored(row.get(1)),
        on_hand: from_stored("stock", "on_hand", row.get(2))?,
        reserved: from_stored("stock", "reserved", row.get(3))?,
    })
}

impl StockAdmin for PostgresConnection {
    fn stock_level(&mut self, sku: &str, location: Option<&str>) -> Result<StockLevel, HostError> {
        let row = self
            .query_opt(
                "SELECT sku, location, on_hand, reserved FROM stock WHERE sku = $1 AND location = $2",
                &[&sku, &stored_location(location)],
            )
            .map_err(database("read stock"))?;
        match row {
            Some(row) => level(&row),
            None => Ok(StockLevel {
                sku: sku.to_owned(),
                location: location.map(str::to_owned),
                on_hand: 0,
                reserved: 0,
            }),
        }
    }

    fn write_on_hand(&mut self, level: &StockLevel) -> Result<(), HostError> {
        let on_hand = to_stored("on_hand", level.on_hand).map_err(|message| HostError::InvalidInput {
            field: "quantity",
            message,
        })?;
        self.execute(
            "INSERT INTO stock (sku, location, on_hand, reserved) VALUES ($1, $2, $3, 0)
             ON CONFLICT (sku, location) DO UPDATE SET on_hand = excluded.on_hand",
            &[&level.sku, &stored_location(level.location.as_deref()), &on_hand],
        )
        .map(drop)
        .map_err(database("write stock"))
    }

    fn stock_levels(&mut self, sku: Option<&str>, limit: u32) -> Result<Vec<StockLevel>, HostError> {
        let rows = self
            .query(
                "SELECT sku, location, on_hand, reserved FROM stock
                 WHERE $1::text IS NULL OR sku = $1 ORDER BY sku, location LIMIT $2",
                &[&sku, &i64::from(limit)],
            )
            .map_err(database("read stock"))?;
        rows.iter().map(level).collect()
    }

    fn stock_audit(&mut self) -> Result<Vec<StockAudit>, HostError> {
        let rows = self
            .query(
                "SELECT s.sku, s.location, s.on_hand, s.reserved,
                        (SELECT COALESCE(SUM(r.quantity), 0)::bigint FROM reservations r
                          WHERE r.sku = s.sku AND r.location = s.location)
                   FROM stock s
                 UNION ALL
                 SELECT r.sku, r.location, 0, 0, SUM(r.quantity)::bigint FROM reservations r
                  WHERE NOT EXISTS (SELECT 1 FROM stock s WHERE s.sku = r.sku AND s.location = r.location)
                  GROUP BY r.sku, r.location",
                &[],
            )
            .map_err(database("check stock"))?;
        rows.iter()
            .map(|row| {
                Ok(StockAudit {
                    level: level(row)?,
                    held_by_reservations: from_stored("reservations", "quantity", row.get(4))?,
                })
            })
            .collect()
    }
}
