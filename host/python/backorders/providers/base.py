"""The provider interface: what the kit needs from a platform's storage.

A `Provider` hands out one `Transaction` per call (`begin`); the engine
runs the call's imports on it and ends it with `commit` (an applied write
that succeeded) or `rollback` (everything else: a read, a preview, an
error, a trap). Subclass `Transaction` and implement its abstract methods;
the others have defaults built on them.

The contract (the same as the Rust host's, `host/core/src/provider/mod.rs`):

- **Key order.** Keys are `bytes` and compare as unsigned bytes, a proper
  prefix first (Python's own `bytes` order). `scan(start, end, limit)`
  returns the `(key, value)` pairs with `start <= key < end`, in that order,
  at most `limit`; none when `start >= end`.
- **Values.** Stored and returned byte for byte, never interpreted.
- **Transactions.** Everything between `begin` and `commit` is one
  transaction over the key-value space, the stock, the reservations and the
  outbox: `rollback` leaves the data exactly as before `begin`. Reads see
  the transaction's own writes.
- **Serializability.** Concurrent transactions behave as if they ran one
  after another: serialize writers (a lock, SQLite's write lock) or detect
  a conflict and raise, which fails the call and changes nothing.
- **Inventory.** Available = on hand - reserved, never negative; a
  reservation id is never reused; a provider never frees a reservation by
  itself (the component decides expiry). `location` None is the default
  location.
- **Outbox.** `append` stores the call's events (dicts in the JSON form the
  CLI's `events --json` prints, without `seq` and `recorded_at`) in the
  transaction; `seq` increases and is never reused.
- **Errors.** Raise `StoreError` from a key-value method and an
  `InventoryError` subclass (`InsufficientStock`, `UnknownReservation`,
  `ExceedsReservation`, `InventoryUnavailable`) from an inventory method to
  hand the component the WIT error (the call then fails with a typed
  `storage` or domain error). Any other exception traps the call: it fails
  with `BackorderError(kind="trap")` (the exception is its `__cause__`),
  rolled back, and the next call runs in a fresh instance.
"""

from __future__ import annotations

import abc
from typing import Any, Iterable, Optional

from ..errors import InsufficientStock, StockBelowReserved

Location = Optional[str]
# Most units on hand at one place: what every provider can store in a
# signed 64-bit integer (`MAX_STOCK_TOTAL` in the Rust host).
MAX_STOCK_TOTAL = 2**63 - 1
# A `limit` that takes every row.
EVERY_ROW = 2**62


class Transaction(abc.ABC):
    """One call's view of the data. See the module's doc for the contract."""

    # -- the component's ordered key-value space (WIT `store`) --------------

    @abc.abstractmethod
    def get(self, key: bytes) -> bytes | None: ...

    def get_many(self, keys: list[bytes]) -> list[bytes | None]:
        """The values of `keys`, in order; None where a key is absent."""
        return [self.get(key) for key in keys]

    @abc.abstractmethod
    def scan(self, start: bytes, end: bytes, limit: int) -> list[tuple[bytes, bytes]]: ...

    @abc.abstractmethod
    def write_batch(self, writes: list[tuple]) -> None:
        """Applies `("set", key, value)` and `("delete", key)` in order;
        deleting an absent key is not an error."""

    @abc.abstractmethod
    def next_number(self, sequence: str, after: int) -> int:
        """A number of the sequence `sequence` greater than `after` and than
        every number it gave before (WIT `next-number`); a rollback gives it
        back."""

    # -- stock and reservations (WIT `inventory`) ---------------------------

    @abc.abstractmethod
    def stock_level(self, sku: str, location: Location) -> tuple[int, int]:
        """`(on_hand, reserved)` at one place; zeros where there is no row."""

    def available(self, sku: str, location: Location) -> int:
        on_hand, reserved = self.stock_level(sku, location)
        return on_hand - reserved

    @abc.abstractmethod
    def reserve(
        self, sku: str, location: Location, quantity: int, holder: str,
        expires_at: int | None, created_at: int,
    ) -> str:
        """Holds `quantity` units; raises `InsufficientStock(available)`
        when fewer are available. Returns a reservation id never used
        before."""

    @abc.abstractmethod
    def release(self, reservation_id: str, quantity: int | None) -> None:
        """Gives back `quantity` held units (None: all); a reservation left
        holding nothing ends. `UnknownReservation`, `ExceedsReservation`."""

    @abc.abstractmethod
    def extend(self, reservation_id: str, expires_at: int | None) -> None: ...

    @abc.abstractmethod
    def consume(self, reservation_id: str, quantity: int) -> None:
        """Ships reserved units: they leave the reservation and on hand."""

    def issue(self, sku: str, location: Location, quantity: int) -> None:
        """Ships unreserved units from on hand."""
        on_hand, reserved = self.stock_level(sku, location)
        if quantity > on_hand - reserved:
            raise InsufficientStock(on_hand - reserved)
        self.write_on_hand(sku, location, on_hand - quantity)

    @abc.abstractmethod
    def reserved_totals(self) -> list[tuple[str, Location, int]]:
        """Units held by reservations per SKU and location, summed from the
        reservations themselves, by SKU then location (default first)."""

    @abc.abstractmethod
    def reservations(self, sku: str, location: Location) -> list[tuple[str, str, int]]:
        """`(reservation_id, holder, quantity)` at one place, oldest first."""

    # -- stock administration (the platform's; the component never calls) --

    @abc.abstractmethod
    def write_on_hand(self, sku: str, location: Location, on_hand: int) -> None:
        """Stores the units on hand, creating the row with nothing reserved."""

    def set_on_hand(self, sku: str, location: Location, on_hand: int) -> tuple[int, int]:
        """A count: refused below what is reserved there (the host's rule)."""
        _, reserved = self.stock_level(sku, location)
        if on_hand < reserved:
            raise StockBelowReserved(sku, location, on_hand, reserved)
        self.write_on_hand(sku, location, on_hand)
        return (on_hand, reserved)

    @abc.abstractmethod
    def stock_levels(self, sku: str | None, limit: int) -> list[tuple[str, Location, int, int]]:
        """`(sku, location, on_hand, reserved)` rows of one SKU or all, by
        SKU then location, at most `limit`."""

    def stock_audit(self) -> list[tuple[str, Location, int, int, int]]:
        """Every stock row and every place only reservations name:
        `(sku, location, on_hand, reserved, held_by_reservations)`, for the
        host's stock check; from `stock_levels` and `reserved_totals`."""
        held = {(sku, location): units for sku, location, units in self.reserved_totals()}
        rows = [(sku, location, on_hand, reserved, held.pop((sku, location), 0))
                for sku, location, on_hand, reserved in self.stock_levels(None, EVERY_ROW)]
        rows += [(sku, location, 0, 0, units) for (sku, location), units in held.items()]
        return by_place(rows)

    # -- the outbox (WIT `events`) ------------------------------------------

    @abc.abstractmethod
    def append(self, events: list[dict[str, Any]], recorded_at: int) -> None: ...

    @abc.abstractmethod
    def recent_events(self, limit: int) -> list[dict[str, Any]]:
        """The newest `limit` events, oldest first, each `{"seq": ..., <the
        event's fields>, "recorded_at": <milliseconds>}`."""

    # -- the transaction ----------------------------------------------------

    @abc.abstractmethod
    def commit(self) -> None: ...

    @abc.abstractmethod
    def rollback(self) -> None: ...


class Provider(abc.ABC):
    """Where calls get their transactions."""

    @abc.abstractmethod
    def begin(self, write: bool, will_commit: bool) -> Transaction:
        """A transaction for one call. `write`: it may write (a read needs
        no write lock); `will_commit`: it commits if it succeeds (false for
        reads and previews, so a database that does not exist yet need not
        be created)."""

    def describe(self) -> str:
        return type(self).__name__


def by_place(rows: Iterable[tuple]) -> list:
    """Rows sorted by SKU then location, the default location first."""
    return sorted(rows, key=lambda row: (row[0], row[1] or ""))
