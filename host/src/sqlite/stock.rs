//! Host-only stock operations: what a platform does outside the component
//! (receiving goods, counting stock) and what `backorders stock` shows.

use rusqlite::OptionalExtension;

use super::inventory::stored_location;
use super::schema::DEFAULT_LOCATION;
use super::SqliteProvider;
use crate::error::HostError;

/// Stock of one SKU at one location.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StockLevel {
    pub sku: String,
    /// None: the default location.
    pub location: Option<String>,
    pub on_hand: u64,
    pub reserved: u64,
}

impl StockLevel {
    /// Units on hand that no reservation holds.
    pub fn available(&self) -> u64 {
        // The table's CHECK keeps reserved <= on_hand.
        self.on_hand - self.reserved
    }
}

/// Most rows one `stock_levels` call returns.
pub const MAX_STOCK_ROWS: u32 = 10_000;

impl SqliteProvider {
    /// The stock row, or zeros when the SKU was never stocked there.
    fn level(&self, sku: &str, location: Option<&str>) -> Result<StockLevel, HostError> {
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
            .map_err(HostError::database("read stock"))?;
        let (on_hand, reserved) = counts.unwrap_or((0, 0));
        Ok(StockLevel {
            sku: sku.to_owned(),
            location: location.map(str::to_owned),
            on_hand,
            reserved,
        })
    }

    fn write_on_hand(&self, level: &StockLevel) -> Result<(), HostError> {
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
            .map_err(HostError::database("write stock"))
    }

    /// Sets the units on hand (a stock count). Refused below what
    /// reservations hold: those units are promised.
    pub fn set_on_hand(
        &self,
        sku: &str,
        location: Option<&str>,
        on_hand: u64,
    ) -> Result<StockLevel, HostError> {
        let mut level = self.level(sku, location)?;
        if on_hand < level.reserved {
            return Err(HostError::StockBelowReserved {
                sku: sku.to_owned(),
                location: location.map(str::to_owned),
                on_hand,
                reserved: level.reserved,
            });
        }
        level.on_hand = on_hand;
        self.write_on_hand(&level)?;
        Ok(level)
    }

    /// Adds received units to what is on hand.
    pub fn add_on_hand(
        &self,
        sku: &str,
        location: Option<&str>,
        quantity: u64,
    ) -> Result<StockLevel, HostError> {
        let mut level = self.level(sku, location)?;
        level.on_hand = level
            .on_hand
            .checked_add(quantity)
            .filter(|total| i64::try_from(*total).is_ok())
            .ok_or_else(|| HostError::StockOverflow {
                sku: sku.to_owned(),
                location: location.map(str::to_owned),
                on_hand: level.on_hand,
                quantity,
            })?;
        self.write_on_hand(&level)?;
        Ok(level)
    }

    /// Stock rows, of one SKU or all, by SKU then location (default first).
    /// Stock rows whose reserved count disagrees with their reservations,
    /// reserve more than is on hand, or reservations without a stock row.
    pub fn check_stock(&self) -> Result<Vec<(String, String)>, HostError> {
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
            .map_err(HostError::database("check stock"))?;
        let rows = statement
            .query_map([], |row| {
                let row: (String, String, u64, u64, u64) = (
                    row.get(0)?,
                    row.get(1)?,
                    row.get(2)?,
                    row.get(3)?,
                    row.get(4)?,
                );
                Ok(row)
            })
            .map_err(HostError::database("check stock"))?;
        let mut problems = Vec::new();
        for row in rows {
            let (sku, location, on_hand, reserved, held) =
                row.map_err(HostError::database("check stock"))?;
            let place = format!(
                "{sku} at {}",
                if location == DEFAULT_LOCATION {
                    "default"
                } else {
                    &location
                }
            );
            if reserved != held {
                problems.push((
                    place.clone(),
                    format!("stock says {reserved} reserved, reservations hold {held}"),
                ));
            }
            if held > on_hand {
                problems.push((
                    place,
                    format!("reservations hold {held}, only {on_hand} on hand"),
                ));
            }
        }
        Ok(problems)
    }

    pub fn stock_levels(&self, sku: Option<&str>) -> Result<Vec<StockLevel>, HostError> {
        let mut statement = self
            .connection
            .prepare_cached(
                "SELECT sku, location, on_hand, reserved FROM stock
                 WHERE ?1 IS NULL OR sku = ?1 ORDER BY sku, location LIMIT ?2",
            )
            .map_err(HostError::database("read stock"))?;
        let rows = statement
            .query_map((sku, MAX_STOCK_ROWS), |row| {
                let location: String = row.get(1)?;
                Ok(StockLevel {
                    sku: row.get(0)?,
                    location: (location != DEFAULT_LOCATION).then_some(location),
                    on_hand: row.get(2)?,
                    reserved: row.get(3)?,
                })
            })
            .map_err(HostError::database("read stock"))?;
        rows.collect::<Result<_, _>>()
            .map_err(HostError::database("read stock"))
    }
}
