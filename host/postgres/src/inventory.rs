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

    /// Takes `quantity` units (none: all it holds) off reservation `id`
    /// and off its stock row's reserved count, and with `ship` off on hand
    /// too; a reservation left holding nothing ends. One statement: nothing
    /// changes when the reservation is unknown or holds fewer units.
    fn take(&mut self, id: &str, quantity: Option<u64>, ship: bool) -> Result<(), StockError> {
        let unknown = || StockError::UnknownReservation { id: id.to_owned() };
        let key = reservation_key(id).ok_or_else(unknown)?;
        let wanted = quantity.map(count).transpose()?;
        let row = self
            .query_opt(
                "WITH held AS (
                     SELECT id, sku, location, quantity, COALESCE($2::bigint, quantity) AS taken
                     FROM reservations WHERE id = $1
                 ), fits AS (
                     SELECT * FROM held WHERE taken <= quantity
                 ), lowered AS (
                     UPDATE stock s
                     SET reserved = s.reserved - fits.taken,
                         on_hand = s.on_hand - CASE WHEN $3 THEN fits.taken ELSE 0 END
                     FROM fits WHERE s.sku = fits.sku AND s.location = fits.location
                 ), shrunk AS (
                     UPDATE reservations r SET quantity = r.quantity - fits.taken
                     FROM fits WHERE r.id = fits.id AND fits.taken < fits.quantity
                 ), ended AS (
                     DELETE FROM reservations r USING fits
                     WHERE r.id = fits.id AND fits.taken = fits.quantity
                 )
                 SELECT quantity FROM held",
                &[&key, &wanted, &ship],
            )
            .map_err(unavailable)?
            .ok_or_else(unknown)?;
        let held = from_stored("reservations", "quantity", row.get(0)).map_err(host_unavailable)?;
        match quantity {
            Some(quantity) if quantity > held => Err(StockError::ExceedsReservation { held }),
            _ => Ok(()),
        }
    }
}

impl Inventory for PostgresConnection {
    fn available(&mut self, sku: &str, location: Option<&str>) -> Result<u64, StockError> {
        self.available_units(sku, stored_location(location))
    }

    /// One statement: the stock row's reserved count goes up only where
    /// the units are available, and the reservation is made only then; the
    /// units available (as before it) come back either way.
    fn reserve(&mut self, reservation: &NewReservation) -> Result<String, StockError> {
        let location = stored_location(reservation.location.as_deref());
        let quantity = count(reservation.quantity)?;
        let row = self
            .query_opt(
                "WITH taken AS (
                     UPDATE stock SET reserved = reserved + $3
                     WHERE sku = $1 AND location = $2 AND on_hand - reserved >= $3
                     RETURNING 1
                 ), made AS (
                     INSERT INTO reservations (sku, location, quantity, holder, expires_at, created_at)
                     SELECT $1, $2, $3, $4, $5, $6 FROM taken
                     RETURNING id
                 )
                 SELECT (SELECT id FROM made),
                        COALESCE((SELECT on_hand - reserved FROM stock WHERE sku = $1 AND location = $2), 0)",
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
            .expect("a SELECT of two values returns one row");
        match row.get::<_, Option<i64>>(0) {
            Some(id) => Ok(reservation_id(id)),
            None => {
                let available = from_stored("stock", "on_hand", row.get(1)).map_err(host_unavailable)?;
                Err(StockError::InsufficientStock { available })
            }
        }
    }

    fn release(&mut self, id: &str, quantity: Option<u64>) -> Result<(), StockError> {
        self.take(id, quantity, false)
    }

    fn extend(&mut self, id: &str, expires_at: Option<Timestamp>) -> Result<(), StockError> {
        let unknown = || StockError::UnknownReservation { id: id.to_owned() };
        let key = reservation_key(id).ok_or_else(unknown)?;
        let changed = self
            .execute("UPDATE reservations SET expires_at = $2 WHERE id = $1", &[&key, &expires_at])
            .map_err(unavailable)?;
        if changed == 0 {
            return Err(unknown());
        }
        Ok(())
    }

    fn consume(&mut self, id: &str, quantity: u64) -> Result<(), StockError> {
        self.take(id, Some(quantity), true)
    }

    /// Ships units no reservation holds, only where they are available.
    fn issue(&mut self, sku: &str, location: Option<&str>, quantity: u64) -> Result<(), StockError> {
        let location = stored_location(location);
        let shipped = count(quantity)?;
        let changed = self
            .execute(
                "UPDATE stock SET on_hand = on_hand - $3 WHERE sku = $1 AND location = $2 AND on_hand - reserved >= $3",
                &[&sku, &location, &shipped],
            )
            .map_err(unavailable)?;
        if changed == 0 && quantity > 0 {
            let available = self.available_units(sku, location)?;
            return Err(StockError::InsufficientStock { available });
        }
        Ok(())
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
