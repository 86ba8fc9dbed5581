//! Stock and reservations. Available = on hand - reserved; the stock
//! table's `reserved_within_on_hand` constraint keeps `0 <= reserved <=
//! on_hand` whatever any host does, so no unit is ever reserved twice.

use backorders_host::provider::reservation_ids::{id as reservation_id, key as reservation_key};
use backorders_host::provider::{location_from_stored, stored_location, Holding, Inventory, NewReservation, StockError};
use backorders_host::{HostError, Timestamp};

use super::{from_stored, to_stored, PostgresConnection};

fn unavailable(error: postgres::Error) -> StockError {
    StockError::Unavailable {
        reason: super::describe(&error),
    }
}

fn host_unavailable(error: HostError) -> StockError {
    StockError::Unavailable {
        reason: error.to_string(),
    }
}

fn count(value: u64) -> Result<i64, StockError> {
    to_stored("quantity", value).map_err(|reason| StockError::Unavailable { reason })
}

struct Held {
    key: i64,
    sku: String,
    location: String,
    quantity: u64,
}

impl PostgresConnection {
    fn available_units(&mut self, sku: &str, location: &str) -> Result<u64, StockError> {
        let row = self
            .query_opt(
                "SELECT on_hand - reserved FROM stock WHERE sku = $1 AND location = $2",
                &[&sku, &location],
            )
            .map_err(unavailable)?;
        // No row: the SKU was never stocked at that location.
        row.map_or(Ok(0), |row| from_stored("stock", "on_hand", row.get(0)).map_err(host_unavailable))
    }

    fn held(&mut self, id: &str) -> Result<Held, StockError> {
        let unknown = || StockError::UnknownReservation { id: id.to_owned() };
        let key = reservation_key(id).ok_or_else(unknown)?;
        let row = self
            .query_opt("SELECT sku, location, quantity FROM reservations WHERE id = $1", &[&key])
            .map_err(unavailable)?
            .ok_or_else(unknown)?;
        Ok(Held {
            key,
            sku: row.get(0),
            location: row.get(1),
            quantity: from_stored("reservations", "quantity", row.get(2)).map_err(host_unavailable)?,
        })
    }

    /// Takes `reserved` units off the reservation count and `shipped` off
    /// on-hand stock.
    fn lower_stock(&mut self, sku: &str, location: &str, reserved: u64, shipped: u64) -> Result<(), StockError> {
        let (reserved, shipped) = (count(reserved)?, count(shipped)?);
        self.execute(
            "UPDATE stock SET reserved = reserved - $3, on_hand = on_hand - $4
             WHERE sku = $1 AND location = $2",
            &[&sku, &location, &reserved, &shipped],
        )
        .map(drop)
        .map_err(unavailable)
    }

    /// Takes `quantity` units off a reservation, ending it when none remain.
    fn shrink(&mut self, held: &Held, quantity: u64) -> Result<(), StockError> {
        let changed = if quantity == held.quantity {
            self.execute("DELETE FROM reservations WHERE id = $1", &[&held.key])
        } else {
            let quantity = count(quantity)?;
            self.execute(
                "UPDATE reservations SET quantity = quantity - $2 WHERE id = $1",
                &[&held.key, &quantity],
            )
        };
        changed.map(drop).map_err(unavailable)
    }
}

impl Inventory for PostgresConnection {
    fn available(&mut self, sku: &str, location: Option<&str>) -> Result<u64, StockError> {
        self.available_units(sku, stored_location(location))
    }

    fn reserve(&mut self, reservation: &NewReservation) -> Result<String, StockError> {
        let location = stored_location(reservation.location.as_deref());
        let available = self.available_units(&reservation.sku, location)?;
        if reservation.quantity > available {
            return Err(StockError::InsufficientStock { available });
        }
        let quantity = count(reservation.quantity)?;
        self.execute(
            "UPDATE stock SET reserved = reserved + $3 WHERE sku = $1 AND location = $2",
            &[&reservation.sku, &location, &quantity],
        )
        .map_err(unavailable)?;
        let row = self
            .query_opt(
                "INSERT INTO reservations (sku, location, quantity, holder, expires_at, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                &[
                    &reservation.sku,
                    &location,
                    &quantity,
                    &reservation.holder,
                    &reservation.expires_at,
                    &reservation.created_at,
                ],
            )
            .map_err(unavailable)?
            .expect("an INSERT … RETURNING returns its row");
        Ok(reservation_id(row.get(0)))
    }

    fn release(&mut self, id: &str, quantity: Option<u64>) -> Result<(), StockError> {
        let held = self.held(id)?;
        let quantity = match quantity {
            None => held.quantity,
            Some(quantity) if quantity > held.quantity => {
                return Err(StockError::ExceedsReservation { held: held.quantity })
            }
            Some(quantity) => quantity,
        };
        self.lower_stock(&held.sku, &held.location, quantity, 0)?;
        self.shrink(&held, quantity)
    }

    fn extend(&mut self, id: &str, expires_at: Option<Timestamp>) -> Result<(), StockError> {
        let held = self.held(id)?;
        self.execute(
            "UPDATE reservations SET expires_at = $2 WHERE id = $1",
            &[&held.key, &expires_at],
        )
        .map(drop)
        .map_err(unavailable)
    }

    fn consume(&mut self, id: &str, quantity: u64) -> Result<(), StockError> {
        let held = self.held(id)?;
        if quantity > held.quantity {
            return Err(StockError::ExceedsReservation { held: held.quantity });
        }
        self.lower_stock(&held.sku, &held.location, quantity, quantity)?;
        self.shrink(&held, quantity)
    }

    fn issue(&mut self, sku: &str, location: Option<&str>, quantity: u64) -> Result<(), StockError> {
        let location = stored_location(location);
        let available = self.available_units(sku, location)?;
        if quantity > available {
            return Err(StockError::InsufficientStock { available });
        }
        self.lower_stock(sku, location, 0, quantity)
    }

    fn reserved_totals(&mut self) -> Result<Vec<(String, Option<String>, u64)>, StockError> {
        let rows = self
            .query(
                "SELECT sku, location, SUM(quantity)::bigint FROM reservations
                 GROUP BY sku, location ORDER BY sku, location",
                &[],
            )
            .map_err(unavailable)?;
        rows.into_iter()
            .map(|row| {
                let total = from_stored("reservations", "quantity", row.get(2)).map_err(host_unavailable)?;
                Ok((row.get(0), location_from_stored(row.get(1)), total))
            })
            .collect()
    }

    fn reservations(&mut self, sku: &str, location: Option<&str>) -> Result<Vec<Holding>, StockError> {
        let rows = self
            .query(
                "SELECT id, holder, quantity FROM reservations
                 WHERE sku = $1 AND location = $2 ORDER BY id",
                &[&sku, &stored_location(location)],
            )
            .map_err(unavailable)?;
        rows.into_iter()
            .map(|row| {
                Ok(Holding {
                    reservation_id: reservation_id(row.get(0)),
                    holder: row.get(1),
                    quantity: from_stored("reservations", "quantity", row.get(2)).map_err(host_unavailable)?,
                })
            })
            .collect()
    }
}
