//! Host-only stock operations: what a platform does outside the component
//! (receiving goods, counting stock) and what `backorders stock` shows.

use rusqlite::{OptionalExtension, Row};

use super::SqliteConnection;
use backorders_host::provider::{location_from_stored, stored_location, StockAdmin, StockAudit, StockLevel};
use backorders_host::HostError;

use super::database;

/// A stock row read as `sku, location, on_hand, reserved`.
pub(crate) fn level(row: &Row) -> rusqlite::Result<StockLevel> {
    Ok(StockLevel {
        sku: row.get(0)?,
        location: location_from_stored(row.get(1)?),
        on_hand: row.get(2)?,
        reserved: row.get(3)?,
    })
}

impl StockAdmin for SqliteConnection {
    fn stock_level(&mut self, sku: &str, location: Option<&str>) -> Result<StockLevel, HostError> {
        let counts: Option<(u64, u64)> = self
            .connection
            .prepare_cached("SELECT on_hand, reserved FROM stock WHERE sku = ?1 AND location = ?2")
            .and_then(|mut statement| {
                statement
                    .query_row((sku, stored_location(location)), |row| {
                        Ok((row.get(0)?, row.get(1)?))
                    })
                    .optional()
            })
            .map_err(database("read stock"))?;
        let (on_hand, reserved) = counts.unwrap_or((0, 0));
        Ok(StockLevel {
            sku: sku.to_owned(),
            location: location.map(str::to_owned),
            on_hand,
            reserved,
        })
    }

    fn write_on_hand(&mut self, level: &StockLevel) -> Result<(), HostError> {
        self.connection
            .prepare_cached(
                "INSERT INTO stock (sku, location, on_hand, reserved) VALUES (?1, ?2, ?3, 0)
                 ON CONFLICT (sku, location) DO UPDATE SET on_hand = excluded.on_hand",
            )
            .and_then(|mut statement| {
                statement.execute((
                    &level.sku,
                    stored_location(level.location.as_deref()),
                    level.on_hand,
                ))
            })
            .map(drop)
            .map_err(database("write stock"))
    }

    fn stock_levels(&mut self, sku: Option<&str>, limit: u32) -> Result<Vec<StockLevel>, HostError> {
        let mut statement = self
            .connection
            .prepare_cached(
                "SELECT sku, location, on_hand, reserved FROM stock
                 WHERE ?1 IS NULL OR sku = ?1 ORDER BY sku, location LIMIT ?2",
            )
            .map_err(database("read stock"))?;
        let rows = statement
            .query_map((sku, limit), level)
            .map_err(database("read stock"))?;
        rows.collect::<Result<_, _>>().map_err(database("read stock"))
    }

    fn stock_audit(&mut self) -> Result<Vec<StockAudit>, HostError> {
        let mut statement = self
            .connection
            .prepare_cached(
                "SELECT s.sku, s.location, s.on_hand, s.reserved,
                        (SELECT COALESCE(SUM(r.quantity), 0) FROM reservations r
                          WHERE r.sku = s.sku AND r.location = s.location)
                   FROM stock s
                 UNION ALL
                 SELECT r.sku, r.location, 0, 0, SUM(r.quantity) FROM reservations r
                  WHERE NOT EXISTS (SELECT 1 FROM stock s WHERE s.sku = r.sku AND s.location = r.location)
                  GROUP BY r.sku, r.location",
            )
            .map_err(database("check stock"))?;
        let rows = statement
            .query_map([], |row| {
                Ok(StockAudit {
                    level: level(row)?,
                    held_by_reservations: row.get(4)?,
                })
            })
            .map_err(database("check stock"))?;
        rows.collect::<Result<_, _>>().map_err(database("check stock"))
    }
}
