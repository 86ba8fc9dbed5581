"""The SQLite provider, through Python's `sqlite3`: the same file as the
Rust host's SQLite provider (`host/sqlite/src/`), table for table, so a
database either writes opens in the other (`backorders --db FILE check`).

One database holds the component's key-value space (`kv`, a `WITHOUT
ROWID` table whose BLOB key SQLite compares with memcmp, shorter first: the
WIT's key order), the stock and reservations, and the event outbox, so one
SQLite transaction covers everything a call does. A write takes the write
lock up front (`BEGIN IMMEDIATE`); a read takes a snapshot (WAL). The file
is marked (`application_id`, `user_version`): a foreign file or a newer
schema is refused untouched, an older one upgraded in place, once. A file
that does not exist is created by the first call that commits; reads and
previews before that run on an empty in-memory database and leave no file.

The schema itself (its tables, its version, its migrations) is not
written here: the package's build generates it from the Rust provider's
declaration (`host/sqlite/src/schema.rs`, through `schema_from_rust.py`),
and `tests/test_sqlite.py` opens what this provider writes with the Rust
CLI, and the reverse.
"""

from __future__ import annotations

import functools
import json
import sqlite3
import threading
from pathlib import Path
from typing import Any, Callable

from ..dates import format_time, parse_time
from ..errors import (
    BackorderError,
    ExceedsReservation,
    InsufficientStock,
    InventoryUnavailable,
    StoreError,
    UnknownReservation,
)
from .base import Location, Provider, Transaction

try:
    # Generated from host/sqlite/src/schema.rs when the package is built
    # (setup.py): the file layout is declared once, by the Rust host.
    from ._schema import APPLICATION_ID, CREATE_TABLES, MIGRATIONS, NEXT_EVENT_SEQ, SCHEMA_VERSION
except ImportError:  # pragma: no cover - a source tree that was never built
    APPLICATION_ID = SCHEMA_VERSION = None
    CREATE_TABLES, MIGRATIONS, NEXT_EVENT_SEQ = "", [], "NULL"

BUSY_TIMEOUT_S = 5.0
WAL_CHECKPOINT_PAGES = 16_384
CACHE_KIB = 32 << 10
DEFAULT_LOCATION = ""  # "no location" is part of the stock key: '' rather than NULL
RESERVATION_PREFIX = "RS-"

# The outbox's columns beside `seq` and `created_at` (when it was
# recorded): the event's fields, `at` in milliseconds, `backorder` as its
# JSON text (the Rust host's `backorders_host::json` form).
EVENT_COLUMNS = ("at", "kind", "backorder_id", "sku", "allocation_id", "quantity", "status", "backorder")
# How a field is stored and read back, where it is not stored as it is.
_STORED = {
    "at": (lambda at: parse_time("at", at), format_time),
    "backorder": (
        lambda backorder: None if backorder is None else json.dumps(backorder, separators=(",", ":"), ensure_ascii=False),
        lambda text: None if text is None else json.loads(text),
    ),
}


def _same(value: Any) -> Any:
    return value


def _stored(location: Location) -> str:
    return DEFAULT_LOCATION if location is None else location


def _location(stored: str) -> Location:
    return None if stored == DEFAULT_LOCATION else stored


def _reservation_key(reservation_id: str) -> int | None:
    digits = reservation_id[len(RESERVATION_PREFIX):]
    if not reservation_id.startswith(RESERVATION_PREFIX) or not (digits.isascii() and digits.lstrip("-").isdigit()):
        return None
    key = int(digits)
    return key if f"{RESERVATION_PREFIX}{key}" == reservation_id else None


def _failing_as(error: Callable[[str], Exception]) -> Callable:
    """A SQLite failure in a key-value or inventory method reaches the
    component as the WIT's `unavailable`."""
    def decorate(method: Callable) -> Callable:
        @functools.wraps(method)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            try:
                return method(*args, **kwargs)
            except sqlite3.Error as failure:
                raise error(str(failure)) from failure
        return wrapped
    return decorate


_kv = _failing_as(StoreError)
_inventory = _failing_as(InventoryUnavailable)


def _identify(connection: sqlite3.Connection, path: str) -> str | int:
    """`ours`, `empty`, or the older schema version; raises for a foreign
    file or a newer schema."""
    try:
        application_id, user_version, objects = connection.execute(
            "SELECT (SELECT application_id FROM pragma_application_id),"
            " (SELECT user_version FROM pragma_user_version),"
            " (SELECT count(*) FROM sqlite_schema)"
        ).fetchone()
    except sqlite3.Error as error:
        raise BackorderError("open_database", f"cannot open database {path}: {error}", path=path) from error
    if application_id == APPLICATION_ID:
        if user_version == SCHEMA_VERSION:
            return "ours"
        if 1 <= user_version < SCHEMA_VERSION:
            return user_version
        raise BackorderError(
            "unsupported_schema",
            f"{path} has backorders schema version {user_version}; this host reads version {SCHEMA_VERSION}",
            path=path, found=user_version, supported=SCHEMA_VERSION,
        )
    if application_id == 0 and objects == 0:
        return "empty"
    raise BackorderError(
        "foreign_database",
        f"{path} is not a backorders database (application_id {application_id:#x}); refusing to use it",
        path=path, application_id=application_id,
    )


def _ensure_schema(connection: sqlite3.Connection, path: str) -> None:
    """Checks the file is ours; lays out the schema in an empty one or
    upgrades an older one, under the write lock. Reads only when the schema
    is there, so opening a database for a read leaves its file as it was."""
    if _identify(connection, path) == "ours":
        return
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("BEGIN IMMEDIATE")
    try:
        found = _identify(connection, path)  # another process may have won the race
        if found == "empty":
            _create(connection)
        elif found != "ours":
            for migration in MIGRATIONS[found - 1:]:
                _run_script(connection, migration)
            connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise


def _run_script(connection: sqlite3.Connection, script: str) -> None:
    """The statements of `script`, one by one, in the open transaction."""
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            connection.execute(statement)
            statement = ""
    if statement.strip():
        raise ValueError(f"an incomplete statement in the schema: {statement!r}")


def _create(connection: sqlite3.Connection) -> None:
    """A new database: schema 1, then every migration (the first rewrites
    the values of a table still empty), as the Rust host lays it out."""
    for script in (CREATE_TABLES, *MIGRATIONS):
        _run_script(connection, script)
    connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def _connect(path: str | None) -> sqlite3.Connection:
    """A connection in autocommit mode (the provider issues BEGIN and
    COMMIT itself), checked and set up; `path` None: a private in-memory
    database that vanishes with the connection."""
    shown = path if path is not None else ":memory:"
    try:
        connection = sqlite3.connect(
            shown, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
        )
    except sqlite3.Error as error:
        raise BackorderError("open_database", f"cannot open database {shown}: {error}", path=shown) from error
    _ensure_schema(connection, shown)
    connection.execute("PRAGMA synchronous = NORMAL")
    connection.execute(f"PRAGMA wal_autocheckpoint = {WAL_CHECKPOINT_PAGES}")
    connection.execute(f"PRAGMA cache_size = {-CACHE_KIB}")
    return connection


class SqliteProvider(Provider):
    """The database at `path`; one connection per thread, kept."""

    def __init__(self, path: str | Path) -> None:
        if SCHEMA_VERSION is None:
            raise ImportError(
                "the SQLite provider needs the schema generated when the package is built: "
                "install the kit with `python3 -m pip install ./host/python` from the repository"
            )
        self.path = str(path)
        self._local = threading.local()

    def describe(self) -> str:
        return f"sqlite:{self.path}"

    def begin(self, write: bool, will_commit: bool = True) -> "SqliteTransaction":
        connection = getattr(self._local, "connection", None)
        if connection is None:
            if not Path(self.path).exists() and not (write and will_commit):
                # A stand-in: the file is created only by a call that commits.
                return SqliteTransaction(_connect(None), write)
            connection = self._local.connection = _connect(self.path)
        return SqliteTransaction(connection, write)


class SqliteTransaction(Transaction):
    def __init__(self, connection: sqlite3.Connection, write: bool) -> None:
        self.db = connection
        connection.execute("BEGIN IMMEDIATE" if write else "BEGIN DEFERRED")

    # -- key-value ----------------------------------------------------------

    @_kv
    def get(self, key: bytes) -> bytes | None:
        row = self.db.execute("SELECT value FROM kv WHERE key = ?", (key,)).fetchone()
        return None if row is None else row[0]

    @_kv
    def scan(self, start: bytes, end: bytes, limit: int) -> list[tuple[bytes, bytes]]:
        return self.db.execute(
            "SELECT key, value FROM kv WHERE key >= ? AND key < ? ORDER BY key LIMIT ?", (start, end, limit)
        ).fetchall()

    @_kv
    def write_batch(self, writes: list[tuple]) -> None:
        for write in writes:
            if write[0] == "set":
                self.db.execute(
                    "INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    (write[1], write[2]),
                )
            else:
                self.db.execute("DELETE FROM kv WHERE key = ?", (write[1],))

    def next_number(self, sequence: str, after: int) -> int:
        return self.db.execute(
            "INSERT INTO sequences (name, next) VALUES (?1, ?2 + 1)"
            " ON CONFLICT (name) DO UPDATE SET next = max(next, ?2) + 1 RETURNING next - 1",
            (sequence, after + 1),
        ).fetchone()[0]

    # -- stock and reservations ---------------------------------------------

    def stock_level(self, sku: str, location: Location) -> tuple[int, int]:
        row = self.db.execute(
            "SELECT on_hand, reserved FROM stock WHERE sku = ? AND location = ?", (sku, _stored(location))
        ).fetchone()
        return (row[0], row[1]) if row else (0, 0)

    @_inventory
    def available(self, sku: str, location: Location) -> int:
        on_hand, reserved = self.stock_level(sku, location)
        return on_hand - reserved

    def _held(self, reservation_id: str) -> tuple[int, str, str, int]:
        key = _reservation_key(reservation_id)
        row = None if key is None else self.db.execute(
            "SELECT sku, location, quantity FROM reservations WHERE id = ?", (key,)
        ).fetchone()
        if row is None:
            raise UnknownReservation(reservation_id)
        return (key, *row)

    def _lower_stock(self, sku: str, location: str, reserved: int, shipped: int) -> None:
        self.db.execute(
            "UPDATE stock SET reserved = reserved - ?, on_hand = on_hand - ? WHERE sku = ? AND location = ?",
            (reserved, shipped, sku, location),
        )

    def _shrink(self, key: int, held: int, quantity: int) -> None:
        if quantity == held:
            self.db.execute("DELETE FROM reservations WHERE id = ?", (key,))
        else:
            self.db.execute("UPDATE reservations SET quantity = quantity - ? WHERE id = ?", (quantity, key))

    @_inventory
    def reserve(self, sku, location, quantity, holder, expires_at, created_at) -> str:
        available = self.available(sku, location)
        if quantity > available:
            raise InsufficientStock(available)
        self.db.execute(
            "UPDATE stock SET reserved = reserved + ? WHERE sku = ? AND location = ?",
            (quantity, sku, _stored(location)),
        )
        cursor = self.db.execute(
            "INSERT INTO reservations (sku, location, quantity, holder, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (sku, _stored(location), quantity, holder, expires_at, created_at),
        )
        return f"{RESERVATION_PREFIX}{cursor.lastrowid}"

    def _take(self, reservation_id: str, quantity: int | None, shipped: bool) -> None:
        key, sku, location, held = self._held(reservation_id)
        quantity = held if quantity is None else quantity
        if quantity > held:
            raise ExceedsReservation(held)
        self._lower_stock(sku, location, quantity, quantity if shipped else 0)
        self._shrink(key, held, quantity)

    @_inventory
    def release(self, reservation_id: str, quantity: int | None) -> None:
        self._take(reservation_id, quantity, shipped=False)

    @_inventory
    def consume(self, reservation_id: str, quantity: int) -> None:
        self._take(reservation_id, quantity, shipped=True)

    @_inventory
    def extend(self, reservation_id: str, expires_at: int | None) -> None:
        key = self._held(reservation_id)[0]
        self.db.execute("UPDATE reservations SET expires_at = ? WHERE id = ?", (expires_at, key))

    @_inventory
    def issue(self, sku: str, location: Location, quantity: int) -> None:
        available = self.available(sku, location)
        if quantity > available:
            raise InsufficientStock(available)
        self._lower_stock(sku, _stored(location), 0, quantity)

    @_inventory
    def reserved_totals(self) -> list[tuple[str, Location, int]]:
        rows = self.db.execute(
            "SELECT sku, location, SUM(quantity) FROM reservations GROUP BY sku, location ORDER BY sku, location"
        )
        return [(sku, _location(location), held) for sku, location, held in rows]

    @_inventory
    def reservations(self, sku: str, location: Location) -> list[tuple[str, str, int]]:
        rows = self.db.execute(
            "SELECT id, holder, quantity FROM reservations WHERE sku = ? AND location = ? ORDER BY id",
            (sku, _stored(location)),
        )
        return [(f"{RESERVATION_PREFIX}{key}", holder, held) for key, holder, held in rows]

    def write_on_hand(self, sku: str, location: Location, on_hand: int) -> None:
        self.db.execute(
            "INSERT INTO stock (sku, location, on_hand, reserved) VALUES (?, ?, ?, 0)"
            " ON CONFLICT (sku, location) DO UPDATE SET on_hand = excluded.on_hand",
            (sku, _stored(location), on_hand),
        )

    def stock_levels(self, sku: str | None, limit: int) -> list[tuple[str, Location, int, int]]:
        rows = self.db.execute(
            "SELECT sku, location, on_hand, reserved FROM stock WHERE ?1 IS NULL OR sku = ?1"
            " ORDER BY sku, location LIMIT ?2",
            (sku, limit),
        )
        return [(row_sku, _location(location), on_hand, reserved) for row_sku, location, on_hand, reserved in rows]

    # -- the outbox ---------------------------------------------------------

    def append(self, events: list[dict[str, Any]], recorded_at: int) -> None:
        for event in events:
            values = [_STORED.get(column, (_same, _same))[0](event.get(column)) for column in EVENT_COLUMNS]
            self.db.execute(
                f"INSERT INTO events (seq, {', '.join(EVENT_COLUMNS)}, created_at)"
                f" VALUES ({NEXT_EVENT_SEQ}, {', '.join('?' * (len(EVENT_COLUMNS) + 1))})",
                (*values, recorded_at),
            )

    def recent_events(self, limit: int) -> list[dict[str, Any]]:
        rows = self.db.execute(
            f"SELECT seq, {', '.join(EVENT_COLUMNS)}, created_at FROM events ORDER BY seq DESC LIMIT ?", (limit,)
        ).fetchall()
        events = []
        for seq, *values, recorded_at in reversed(rows):
            event = {column: _STORED.get(column, (_same, _same))[1](value) for column, value in zip(EVENT_COLUMNS, values)}
            events.append({"seq": seq, **event, "recorded_at": recorded_at})
        return events

    # -- the transaction ----------------------------------------------------

    def commit(self) -> None:
        self.db.execute("COMMIT")

    def rollback(self) -> None:
        if self.db.in_transaction:
            self.db.execute("ROLLBACK")

