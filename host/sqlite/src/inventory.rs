//! Stock and reservations. Available = on hand - reserved; the table's CHECK
//! constraints keep `0 <= reserved <= on_hand`, so a bug here fails loudly
//! instead of inventing or losing units.

use rusqlite::OptionalExtension;

use super::SqliteConnection;
use backorders_host::Timestamp;
use backorders_host::provider::reservation_ids::{id as reservation_id, key as reservation_key};
use backorders_host::provider::{location_from_stored, stored_location, Holding, Inventory, NewReservation, StockError};

fn unavailable(source: rusqlite::Error) -> StockError {
    StockError::Unavailable {
        reason: source.to_string(),
    }
}

struct Held {
    key: i64,
    sku: String,
    location: String,
    quantity: u64,
}

impl SqliteConnection {
    pub(super) fn available_units(
        &self,
        sku: &str,
        location: &str,
    ) -> Result<u64, rusqlite::Error> {
        let available = self
            .connection
            .prepare_cached(
                "SELECT on_hand - reserved FROM stock WHERE sku = ?1 AND location = ?2",
            )?
            .query_row((sku, location), |row| row.get(0))
            .optional()?;
        // No row: the SKU was never stocked at that location.
        Ok(available.unwrap_or(0))
    }

    fn held(&self, id: &str) -> Result<Held, StockError> {
        let unknown = || StockError::UnknownReservation { id: id.to_owned() };
        let key = reservation_key(id).ok_or_else(unknown)?;
        self.connection
            .prepare_cached("SELECT sku, location, quantity FROM reservations WHERE id = ?1")
            .and_then(|mut statement| {
                statement
                    .query_row([key], |row| {
                        Ok(Held {
                            key,
                            sku: row.get(0)?,
                            location: row.get(1)?,
                            quantity: row.get(2)?,
                        })
                    })
                    .optional()
            })
            .map_err(unavailable)?
            .ok_or_else(unknown)
    }

    /// Takes `reserved` units off the reservation count and `shipped` off
    /// on-hand stock.
    fn lower_stock(
        &self,
        sku: &str,
        location: &str,
        reserved: u64,
        shipped: u64,
    ) -> Result<(), StockError> {
        self.connection
            .prepare_cached(
                "UPDATE stock SET reserved = reserved - ?3, on_hand = on_hand - ?4
                 WHERE sku = ?1 AND location = ?2",
            )
            .and_then(|mut statement| statement.execute((sku, location, reserved, shipped)))
            .map(drop)
            .map_err(unavailable)
    }

    /// Takes `quantity` units off a reservation, ending it when none remain.
    fn shrink(&self, held: &Held, quantity: u64) -> Result<(), StockError> {
        let changed = if quantity == held.quantity {
            self.connection
                .prepare_cached("DELETE FROM reservations WHERE id = ?1")
                .and_then(|mut statement| statement.execute([held.key]))
        } else {
            self.connection
                .prepare_cached("UPDATE reservations SET quantity = quantity - ?2 WHERE id = ?1")
                .and_then(|mut statement| statement.execute((held.key, quantity)))
        };
        changed.map(drop).map_err(unavailable)
    }
}

impl Inventory for SqliteConnection {
    fn available(&mut self, sku: &str, location: Option<&str>) -> Result<u64, StockError> {
        self.available_units(sku, stored_location(location))
            .map_err(unavailable)
    }

    fn reserve(&mut self, reservation: &NewReservation) -> Result<String, StockError> {
        let location = stored_location(reservation.location.as_deref());
        let available = self
            .available_units(&reservation.sku, location)
            .map_err(unavailable)?;
        if reservation.quantity > available {
            return Err(StockError::InsufficientStock { available });
        }
        self.connection
            .prepare_cached(
                "UPDATE stock SET reserved = reserved + ?3 WHERE sku = ?1 AND location = ?2",
            )
            .and_then(|mut statement| {
                statement.execute((&reservation.sku, location, reservation.quantity))
            })
            .map_err(unavailable)?;
        self.connection
            .prepare_cached(
                "INSERT INTO reservations (sku, location, quantity, holder, expires_at, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )
            .and_then(|mut statement| {
                statement.execute((
                    &reservation.sku,
                    location,
                    reservation.quantity,
                    &reservation.holder,
                    reservation.expires_at,
                    reservation.created_at,
                ))
            })
            .map_err(unavailable)?;
        Ok(reservation_id(self.connection.last_insert_rowid()))
    }

    fn release(&mut self, id: &str, quantity: Option<u64>) -> Result<(), StockError> {
        let held = self.held(id)?;
        let quantity = match quantity {
            None => held.quantity,
            Some(quantity) if quantity > held.quantity => {
                return Err(StockError::ExceedsReservation {
                    held: held.quantity,
                })
            }
            Some(quantity) => quantity,
        };
        self.lower_stock(&held.sku, &held.location, quantity, 0)?;
        self.shrink(&held, quantity)
    }

    fn extend(&mut self, id: &str, expires_at: Option<Timestamp>) -> Result<(), StockError> {
        let held = self.held(id)?;
        self.connection
            .prepare_cached("UPDATE reservations SET expires_at = ?2 WHERE id = ?1")
            .and_then(|mut statement| statement.execute((held.key, expires_at)))
            .map(drop)
            .map_err(unavailable)
    }

    fn consume(&mut self, id: &str, quantity: u64) -> Result<(), StockError> {
        let held = self.held(id)?;
        if quantity > held.quantity {
            return Err(StockError::ExceedsReservation {
                held: held.quantity,
            });
        }
        self.lower_stock(&held.sku, &held.location, quantity, quantity)?;
        self.shrink(&held, quantity)
    }

    fn issue(
        &mut self,
        sku: &str,
        location: Option<&str>,
        quantity: u64,
    ) -> Result<(), StockError> {
        let location = stored_location(location);
        let available = self.available_units(sku, location).map_err(unavailable)?;
        if quantity > available {
            return Err(StockError::InsufficientStock { available });
        }
        self.lower_stock(sku, location, 0, quantity)
    }

    fn reserved_totals(&mut self) -> Result<Vec<(String, Option<String>, u64)>, StockError> {
        let mut statement = self
            .connection
            .prepare_cached(
                "SELECT sku, location, SUM(quantity) FROM reservations
                 GROUP BY sku, location ORDER BY sku, location",
            )
            .map_err(unavailable)?;
        let rows = statement
            .query_map([], |row| {
                Ok((
                    row.get(0)?,
                    location_from_stored(row.get(1)?),
                    row.get(2)?,
                ))
            })
            .map_err(unavailable)?;
        rows.collect::<Result<_, _>>().map_err(unavailable)
    }

    fn reservations(&mut self, sku: &str, location: Option<&str>) -> Result<Vec<Holding>, StockError> {
        // Through the `reservations_by_stock` index: a stock count touches
        // its own row's reservations, not every one.
        let mut statement = self
            .connection
            .prepare_cached(RESERVATIONS_OF_STOCK)
            .map_err(unavailable)?;
        let rows = statement
            .query_map((sku, stored_location(location)), |row| {
                Ok(Holding {
                    reservation_id: reservation_id(row.get(0)?),
                    holder: row.get(1)?,
                    quantity: row.get(2)?,
                })
            })
            .map_err(unavailable)?;
        rows.collect::<Result<_, _>>().map_err(unavailable)
    }
}

/// The reservations of one stock row, oldest first.
pub(crate) const RESERVATIONS_OF_STOCK: &str = "SELECT id, holder, quantity FROM reservations
     WHERE sku = ?1 AND location = ?2 ORDER BY id";
