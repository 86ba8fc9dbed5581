"""The in-memory provider: a sorted key list beside a dict, stock,
reservations and an outbox, behind one lock. A transaction holds the lock
(so transactions run one at a time) and logs the old value of everything it
changes, which `rollback` puts back: a call costs what it touches, not the
size of the data. Nothing outlives the provider; for tests, previews and
platforms that keep their state elsewhere."""

from __future__ import annotations

import bisect
import threading
from typing import Any

from ..errors import ExceedsReservation, InsufficientStock, UnknownReservation
from .base import Location, Provider, Transaction

RESERVATION_PREFIX = "RS-"


def _reservation_number(reservation_id: str) -> int | None:
    """The number behind an id this provider issued; `RS-007` is not `RS-7`."""
    digits = reservation_id[len(RESERVATION_PREFIX):]
    if not reservation_id.startswith(RESERVATION_PREFIX) or not (digits.isascii() and digits.isdigit()):
        return None
    number = int(digits)
    return number if f"{RESERVATION_PREFIX}{number}" == reservation_id else None


class _Data:
    def __init__(self) -> None:
        self.values: dict[bytes, bytes] = {}
        self.keys: list[bytes] = []  # sorted
        self.stock: dict[tuple[str, str], list[int]] = {}  # (sku, location or "") -> [on_hand, reserved]
        self.reservations: dict[int, dict[str, Any]] = {}
        self.last_reservation = 0
        self.events: list[dict[str, Any]] = []
        self.sequences: dict[str, int] = {}  # the last number each gave


def _store(data: _Data, key: bytes, value: bytes | None) -> None:
    """Sets `key` to `value` (None: removes it), keeping the keys sorted."""
    present = key in data.values
    if value is None:
        if present:
            del data.values[key]
            del data.keys[bisect.bisect_left(data.keys, key)]
    else:
        if not present:
            bisect.insort(data.keys, key)
        data.values[key] = value


def _restore(mapping: dict, key: Any, old: Any) -> None:
    """Puts back the value `key` had (None: it had none)."""
    if old is None:
        mapping.pop(key, None)
    else:
        mapping[key] = old


class MemoryProvider(Provider):
    """An empty in-memory database."""

    def __init__(self) -> None:
        self._data = _Data()
        self._lock = threading.Lock()

    def begin(self, write: bool, will_commit: bool = True) -> "MemoryTransaction":
        self._lock.acquire()
        return MemoryTransaction(self._data, self._lock)

    def describe(self) -> str:
        return "memory"

    def fingerprint(self) -> str:
        """Everything it holds, as text that equal states render the same:
        for tests that a call changed nothing."""
        with self._lock:
            data = self._data
            return repr((
                sorted(data.values.items()), data.keys, sorted(data.stock.items()),
                sorted(data.reservations.items()), data.last_reservation, data.events,
            ))


class MemoryTransaction(Transaction):
    def __init__(self, data: _Data, lock: threading.Lock) -> None:
        self._data = data
        self._lock: threading.Lock | None = lock
        self._undo: list[tuple] = []

    def _held(self) -> _Data:
        if self._lock is None:
            raise RuntimeError("the transaction has ended")
        return self._data

    # -- key-value ----------------------------------------------------------

    def get(self, key: bytes) -> bytes | None:
        return self._held().values.get(key)

    def get_many(self, keys: list[bytes]) -> list[bytes | None]:
        values = self._held().values
        return [values.get(key) for key in keys]

    def scan(self, start: bytes, end: bytes, limit: int) -> list[tuple[bytes, bytes]]:
        data = self._held()
        if start >= end:
            return []
        first = bisect.bisect_left(data.keys, start)
        last = bisect.bisect_left(data.keys, end, lo=first)
        keys = data.keys[first:min(last, first + limit)]
        return [(key, data.values[key]) for key in keys]

    def _put(self, key: bytes, value: bytes | None) -> None:
        data = self._held()
        self._undo.append(("kv", key, data.values.get(key)))
        _store(data, key, value)

    def next_number(self, sequence: str, after: int) -> int:
        sequences = self._held().sequences
        old = sequences.get(sequence)
        self._undo.append(("sequence", sequence, old))
        sequences[sequence] = max(old or 0, after) + 1
        return sequences[sequence]

    def write_batch(self, writes: list[tuple]) -> None:
        for write in writes:
            self._put(write[1], write[2] if write[0] == "set" else None)

    # -- stock and reservations ---------------------------------------------

    def _counts(self, sku: str, location: Location) -> list[int]:
        """The counts at a place, created at zero, their old value logged."""
        data = self._held()
        place = (sku, location or "")
        counts = data.stock.get(place)
        self._undo.append(("stock", place, None if counts is None else list(counts)))
        if counts is None:
            counts = data.stock[place] = [0, 0]
        return counts

    def stock_level(self, sku: str, location: Location) -> tuple[int, int]:
        on_hand, reserved = self._held().stock.get((sku, location or ""), (0, 0))
        return (on_hand, reserved)

    def _reservation(self, reservation_id: str) -> tuple[int, dict[str, Any]]:
        number = _reservation_number(reservation_id)
        reservation = self._held().reservations.get(number) if number is not None else None
        if reservation is None:
            raise UnknownReservation(reservation_id)
        return number, reservation

    def _put_reservation(self, number: int, reservation: dict[str, Any] | None) -> None:
        reservations = self._held().reservations
        old = reservations.get(number)
        self._undo.append(("reservation", number, None if old is None else dict(old)))
        if reservation is None:
            reservations.pop(number, None)
        else:
            reservations[number] = reservation

    def reserve(self, sku, location, quantity, holder, expires_at, created_at) -> str:
        data = self._held()
        on_hand, reserved = self.stock_level(sku, location)
        if quantity > on_hand - reserved:
            raise InsufficientStock(on_hand - reserved)
        self._counts(sku, location)[1] += quantity
        self._undo.append(("last", data.last_reservation))
        data.last_reservation += 1
        self._put_reservation(data.last_reservation, {
            "place": (sku, location or ""), "holder": holder, "quantity": quantity,
            "expires_at": expires_at, "created_at": created_at,
        })
        return f"{RESERVATION_PREFIX}{data.last_reservation}"

    def _take(self, reservation_id: str, quantity: int | None, shipped: bool) -> None:
        number, reservation = self._reservation(reservation_id)
        held = reservation["quantity"]
        quantity = held if quantity is None else quantity
        if quantity > held:
            raise ExceedsReservation(held)
        left = dict(reservation, quantity=held - quantity)
        self._put_reservation(number, left if left["quantity"] > 0 else None)
        sku, location = reservation["place"]
        counts = self._counts(sku, location or None)
        counts[1] -= quantity
        if shipped:
            counts[0] -= quantity

    def release(self, reservation_id: str, quantity: int | None) -> None:
        self._take(reservation_id, quantity, shipped=False)

    def consume(self, reservation_id: str, quantity: int) -> None:
        self._take(reservation_id, quantity, shipped=True)

    def extend(self, reservation_id: str, expires_at: int | None) -> None:
        number, reservation = self._reservation(reservation_id)
        self._put_reservation(number, dict(reservation, expires_at=expires_at))

    def reserved_totals(self) -> list[tuple[str, Location, int]]:
        totals: dict[tuple[str, str], int] = {}
        for reservation in self._held().reservations.values():
            totals[reservation["place"]] = totals.get(reservation["place"], 0) + reservation["quantity"]
        return [(sku, location or None, held) for (sku, location), held in sorted(totals.items())]

    def reservations(self, sku: str, location: Location) -> list[tuple[str, str, int]]:
        place = (sku, location or "")
        return [
            (f"{RESERVATION_PREFIX}{number}", reservation["holder"], reservation["quantity"])
            for number, reservation in sorted(self._held().reservations.items())
            if reservation["place"] == place
        ]

    def write_on_hand(self, sku: str, location: Location, on_hand: int) -> None:
        self._counts(sku, location)[0] = on_hand

    def stock_levels(self, sku: str | None, limit: int) -> list[tuple[str, Location, int, int]]:
        rows = [
            (row_sku, location or None, on_hand, reserved)
            for (row_sku, location), (on_hand, reserved) in sorted(self._held().stock.items())
            if sku is None or row_sku == sku
        ]
        return rows[:limit]

    # -- the outbox ---------------------------------------------------------

    def append(self, events: list[dict[str, Any]], recorded_at: int) -> None:
        stored = self._held().events
        self._undo.append(("events", len(stored)))
        for event in events:
            seq = stored[-1]["seq"] + 1 if stored else 1
            stored.append({"seq": seq, **event, "recorded_at": recorded_at})

    def recent_events(self, limit: int) -> list[dict[str, Any]]:
        return [dict(event) for event in self._held().events[-limit:]] if limit > 0 else []

    # -- the transaction ----------------------------------------------------

    def commit(self) -> None:
        self._end()

    def rollback(self) -> None:
        if self._lock is None:
            return
        data = self._data
        for undo in reversed(self._undo):
            what = undo[0]
            if what == "kv":
                _store(data, undo[1], undo[2])
            elif what == "stock":
                _restore(data.stock, undo[1], undo[2])
            elif what == "reservation":
                _restore(data.reservations, undo[1], undo[2])
            elif what == "last":
                data.last_reservation = undo[1]
            elif what == "events":
                del data.events[undo[1]:]
            elif what == "sequence":
                _restore(data.sequences, undo[1], undo[2])
        self._end()

    def _end(self) -> None:
        if self._lock is not None:
            lock, self._lock, self._undo = self._lock, None, []
            lock.release()
