"""`create_engine(provider)`: the operations of the component, one
transaction per call, with the arguments and results of the CLI's `--json`
and of the scenario files.

The kit decides nothing about backorders: it maps arguments to the WIT
request, runs the export, and maps the result. What it says by hand is
below, each with why: the operations table (`OPERATIONS`: which export an
operation runs, and whether it reads), the two argument defaults the CLI
gives (`DEFAULTS`), the result fields the CLI inlines (`INLINED`), and the
host's own operations (stock, the stock check), which
are the Rust host's, not the component's.
"""

from __future__ import annotations

import threading
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from wasmtime import component as wc

from . import _wit
from ._runtime import Runtime, Trap, default_cache_dir, find_component
from .dates import format_time, parse_date, parse_time, utc_offset
from .errors import BackorderError, InventoryUnavailable, StockBelowReserved, domain_error
from .providers.base import MAX_STOCK_TOTAL, Provider, Transaction

# Largest quantity one stock operation may set or add (the Rust host's
# `MAX_STOCK_QUANTITY`), and the longest SKU or location.
MAX_STOCK_QUANTITY = 1_000_000_000_000_000
MAX_TEXT_CHARS = 64
MAX_EVENTS_PER_READ = 10_000
MAX_STOCK_ROWS = 10_000


@dataclass(frozen=True)
class Operation:
    """One operation of the CLI's table (`host/cli/src/operations/`): the
    export it runs (None: the host's own), whether it only reads, and how
    its arguments differ from the export's request, if they do."""

    name: str
    export: str | None
    read: bool = False
    # An argument taken under another name than the request's field
    # (`receive`'s `quantity` is the run's `received`).
    renamed: tuple[tuple[str, str], ...] = ()
    # The case of a request variant the `quantity` argument fills
    # (`stock_set` is `set(N)`, `stock_adjust` `adjust(±N)`).
    quantity_case: str | None = None
    # Arguments that must be given although the CLI defaults them elsewhere.
    required: tuple[str, ...] = ()


def _op(name: str, export: str | None = "", **kind: Any) -> Operation:
    return Operation(name, name.replace("_", "-") if export == "" else export, **kind)


# Why by hand: the WIT says what each export takes, not which exports only
# read (a read rolls back and takes no write lock), nor the CLI's names for
# the host's own operations. The order is the CLI's.
OPERATIONS: dict[str, Operation] = {op.name: op for op in [
    _op("create_backorder"),
    _op("get_backorder", read=True),
    _op("list_backorders", read=True),
    _op("update_backorder"),
    _op("allocate_backorder"),
    _op("confirm_allocation"),
    _op("release_allocation"),
    _op("extend_allocation"),
    _op("fulfill_backorder"),
    _op("cancel_backorder"),
    _op("receive", "receive", renamed=(("quantity", "received"),)),
    _op("allocate_available"),
    _op("expire_allocations"),
    _op("expect_supply", required=("source",)),
    _op("list_expected_supply", read=True),
    _op("get_backorder_summary", read=True),
    _op("get_sku_backorder_summary", read=True),
    _op("check_integrity", read=True),
    _op("stock_add", None),
    _op("stock_set", "adjust-stock", quantity_case="set"),
    _op("stock_adjust", "adjust-stock", quantity_case="adjust"),
    _op("update_settings"),
]}

# An argument left out reads as the CLI reads it: a flag as false, `source`
# as `inventory`, `reallocate` as true (its CLI form is `--no-reallocate`).
DEFAULTS: dict[str, Any] = {"source": "inventory", "reallocate": True}

# Result fields whose own fields the CLI prints in place of the field: a
# backorder with what changed it (`{...backorder, "allocation": ...}`), a
# SKU's summary (`{"sku", ...summary, "earliest_..."}`).
INLINED = ("backorder", "summary")


def _invalid(field: str, message: str) -> BackorderError:
    return BackorderError.invalid_input(field, message)


def _describe(value: Any) -> str:
    """A value as serde's errors name it (`string "ten"`, `integer `-1``)."""
    if isinstance(value, bool):
        return f"boolean `{str(value).lower()}`"
    if isinstance(value, int):
        return f"integer `{value}`"
    if isinstance(value, float):
        return f"floating point `{value}`"
    if isinstance(value, str):
        return f'string "{value}"'
    if value is None:
        return "null"
    return "a sequence" if isinstance(value, list) else "a map"


_EXPECTED = {str: "a string", bool: "a boolean"}


def _expect(field: str, value: Any, kind: type) -> Any:
    """`value`, if it is a `kind` (str or bool); else `invalid_input`."""
    if not isinstance(value, kind):
        raise _invalid(field, f"invalid type: {_describe(value)}, expected {_EXPECTED[kind]}")
    return value


def _reader(ty: Any, timestamp: bool = True) -> Callable[[str, Any], Any]:
    """Reads an argument of WIT type `ty` (its JSON form) into the Python
    form `_wit.lower` takes, refusing a value of another type as
    `invalid_input` naming the argument."""
    if isinstance(ty, wc.OptionType):
        inner = _reader(ty.payload, timestamp)
        return lambda field, value: None if value is None else inner(field, value)
    if isinstance(ty, wc.String):
        return lambda field, value: _expect(field, value, str)
    if isinstance(ty, wc.Bool):
        return lambda field, value: _expect(field, value, bool)
    if isinstance(ty, wc.S64) and timestamp:
        # In this WIT every s64 of a request is a `timestamp`, given as a
        # date or an RFC 3339 time.
        return lambda field, value: parse_time(field, _expect(field, value, str))
    bounds = _wit.integer_range(ty)
    if bounds is not None:
        name, low, high = bounds

        def read_integer(field: str, value: Any) -> int:
            if isinstance(value, bool) or not isinstance(value, int):
                raise _invalid(field, f"invalid type: {_describe(value)}, expected {name}")
            if not low <= value <= high:
                raise _invalid(field, f"invalid value: {_describe(value)}, expected {name}")
            return value
        return read_integer
    if isinstance(ty, wc.EnumType):
        names = [_wit.snake(name) for name in ty.names]

        def read_enum(field: str, value: Any) -> str:
            if _expect(field, value, str) not in names:
                raise _invalid(field, f"unknown {field.replace('_', ' ')} `{value}`; expected one of: {', '.join(names)}")
            return value
        return read_enum
    if _wit.is_date_or_time(ty):
        return lambda field, value: parse_date(field, _expect(field, value, str))
    raise TypeError(f"no argument reads as WIT type {type(ty).__name__}")


def _change_cases(ty: Any) -> Any:
    """The `set` payload type of an `option<date-change>`-like field (a
    variant of `set(T)` and `clear`), else None."""
    if isinstance(ty, wc.OptionType) and isinstance(ty.payload, wc.VariantType):
        cases = dict(ty.payload.cases)
        if set(cases) == {"set", "clear"} and cases["clear"] is None:
            return cases["set"]
    return None


class _Request:
    """Builds one export's parameters from an operation's arguments,
    driven by the export's WIT types."""

    def __init__(self, operation: Operation, params: list[tuple[str, Any]]) -> None:
        self.operation = operation
        argument_of = {field: argument for argument, field in operation.renamed}
        # One record parameter: the arguments are its fields. Otherwise
        # they are the parameters themselves (`get_backorder(backorder_id)`).
        self.record = len(params) == 1 and isinstance(params[0][1], wc.RecordType)
        fields = params[0][1].fields if self.record else params
        self.fields: list[tuple[str, Callable[[dict], Any]]] = []
        self.accepted: list[str] = []
        for wit_name, ty in fields:
            key = _wit.snake(wit_name)
            self.fields.append((key, self._field(argument_of.get(key, key), ty)))

    def _field(self, argument: str, ty: Any) -> Callable[[dict], Any]:
        changed = _change_cases(ty)
        if changed is not None:
            clear = f"clear_{argument}"
            self.accepted += [argument, clear]
            read_set = _reader(changed)

            def read_change(args: dict) -> Any:
                value, cleared = args.get(argument), args.get(clear)
                if cleared is not None:
                    _expect(clear, cleared, bool)
                if value is not None and cleared:
                    raise _invalid(argument, f"give a new value or clear_{argument}, not both")
                if value is not None:
                    return ("set", read_set(argument, value))
                return ("clear", None) if cleared else None
            return read_change
        self.accepted.append(argument)
        if isinstance(ty, wc.VariantType) and self.operation.quantity_case is not None:
            case = self.operation.quantity_case
            read_case = _reader(dict(ty.cases)[case], timestamp=False)
            return lambda args: (case, read_case(argument, self._given(args, argument)))
        read = _reader(ty)
        optional = isinstance(ty, wc.OptionType)
        default = None if argument in self.operation.required else DEFAULTS.get(argument, False if isinstance(ty, wc.Bool) else None)

        def read_field(args: dict) -> Any:
            value = args.get(argument)
            if value is None and not optional:
                if default is None:
                    return read(argument, self._given(args, argument))
                return default
            return read(argument, value)
        return read_field

    @staticmethod
    def _given(args: dict, argument: str) -> Any:
        if args.get(argument) is None:
            raise _invalid(argument, f"missing field `{argument}`")
        return args[argument]

    def build(self, args: dict[str, Any]) -> list[Any]:
        for name in args:
            if name not in self.accepted:
                expected = ", ".join(f"`{accepted}`" for accepted in self.accepted)
                raise _invalid(name, f"unknown field `{name}`, expected one of {expected}")
        values = {key: read(args) for key, read in self.fields}
        return [values] if self.record else list(values.values())


def _check_text(field: str, value: Any, whitespace: bool) -> str:
    """The host's rule for a SKU or location it stores itself."""
    if not _expect(field, value, str):
        raise _invalid(field, "must not be empty")
    if len(value) > MAX_TEXT_CHARS:
        raise _invalid(field, f"must be at most {MAX_TEXT_CHARS} characters")
    if any(unicodedata.category(char) == "Cc" for char in value):
        raise _invalid(field, "must not contain control characters")
    if not whitespace and any(char.isspace() for char in value):
        raise _invalid(field, "must not contain whitespace")
    return value


def _check_stock_input(sku: Any, location: Any, quantity: Any, minimum: int) -> None:
    """A stock operation's SKU, location and quantity
    (`check_stock_input` in the Rust host)."""
    _check_text("sku", sku, whitespace=False)
    if location is not None:
        _check_text("location", location, whitespace=True)
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        raise _invalid("quantity", f"invalid type: {_describe(quantity)}, expected u64")
    if quantity > MAX_STOCK_QUANTITY:
        raise _invalid("quantity", f"must be at most {MAX_STOCK_QUANTITY}")
    if quantity < minimum:
        raise _invalid("quantity", f"must be at least {minimum}")


def _storage(operation: str, action: Callable[[], Any]) -> Any:
    try:
        return action()
    except BackorderError:
        raise
    except Exception as error:
        raise BackorderError(
            "storage_unavailable", f"storage error while trying to {operation}: {error}", operation=operation
        ) from error


def _level(sku: str, location: str | None, on_hand: int, reserved: int) -> dict[str, Any]:
    """A stock level as the CLI prints it."""
    return {"sku": sku, "location": location, "on_hand": on_hand, "reserved": reserved,
            "available": on_hand - reserved}


def _add_on_hand(tx: Transaction, sku: str, location: str | None, quantity: int) -> dict[str, Any]:
    on_hand, reserved = tx.stock_level(sku, location)
    if on_hand + quantity > MAX_STOCK_TOTAL:
        place = location if location is not None else "the default location"
        raise BackorderError(
            "stock_overflow",
            f"stock of {sku} at {place}: adding {quantity} to {on_hand} on hand is past the largest storable count",
            sku=sku, location=location, on_hand=on_hand, quantity=quantity,
        )
    tx.write_on_hand(sku, location, on_hand + quantity)
    return _level(sku, location, on_hand + quantity, reserved)


class _Call:
    """The imports of one call, over its transaction and the clock."""

    def __init__(self, tx: Transaction, clock: Callable[[], int]) -> None:
        self.tx = tx
        self.clock = clock
        self.latest = None

    def now(self) -> int:
        # Never backwards within a call.
        now = self.clock()
        if self.latest is not None and now < self.latest:
            now = self.latest
        self.latest = now
        return now

    # store
    def store_get(self, key: bytes) -> bytes | None:
        return self.tx.get(key)

    def store_get_many(self, keys: list[bytes]) -> list[bytes | None]:
        return self.tx.get_many(keys)

    def store_scan(self, start: bytes, end: bytes, limit: int) -> list[dict]:
        return [{"key": key, "value": value} for key, value in self.tx.scan(start, end, limit)]

    def store_next_number(self, sequence: str, after: int) -> int:
        return self.tx.next_number(sequence, after)

    def store_write_batch(self, writes: list[tuple], scopes: list[str]) -> None:
        # `scopes` (the SKUs the call touched) matter to a host whose
        # concurrent writes are not serialized; a kit's calls run one at a
        # time.
        self.tx.write_batch([
            ("set", payload["key"], payload["value"]) if case == "set" else ("delete", payload)
            for case, payload in writes
        ])

    # inventory
    def inventory_reserved_totals(self) -> list[dict]:
        return [{"sku": sku, "location": location, "quantity": quantity}
                for sku, location, quantity in self.tx.reserved_totals()]

    def inventory_available(self, sku: str, location: str | None) -> int:
        return self.tx.available(sku, location)

    def inventory_reserve(self, request: dict) -> str:
        return self.tx.reserve(request["sku"], request["location"], request["quantity"],
                               request["holder"], request["expires_at"], self.now())

    def inventory_release(self, reservation_id: str, quantity: int | None) -> None:
        self.tx.release(reservation_id, quantity)

    def inventory_extend(self, reservation_id: str, expires_at: int | None) -> None:
        self.tx.extend(reservation_id, expires_at)

    def inventory_consume(self, reservation_id: str, quantity: int) -> None:
        self.tx.consume(reservation_id, quantity)

    def inventory_issue(self, sku: str, location: str | None, quantity: int) -> None:
        self.tx.issue(sku, location, quantity)

    def inventory_reservations(self, sku: str, location: str | None) -> list[dict]:
        return [{"reservation_id": reservation_id, "holder": holder, "quantity": quantity}
                for reservation_id, holder, quantity in self.tx.reservations(sku, location)]

    def inventory_set_on_hand(self, sku: str, location: str | None, quantity: int) -> None:
        # Below what is reserved is the component breaking the contract: it
        # traps (StockBelowReserved is not an InventoryError). A count no
        # provider can store is refused as `unavailable`.
        if quantity > MAX_STOCK_TOTAL:
            raise InventoryUnavailable(f"{quantity} units on hand cannot be stored")
        self.tx.set_on_hand(sku, location, quantity)

    def inventory_add_on_hand(self, sku: str, location: str | None, quantity: int) -> None:
        # Units received; past the largest storable count is the host's
        # `stock_overflow`, which the call reports as itself.
        _add_on_hand(self.tx, sku, location, quantity)

    # clock
    def clock_now(self) -> int:
        return self.now()

    def clock_utc_offset(self, zone: str, at: int) -> int | None:
        return utc_offset(zone, at)

    # events
    def events_emit(self, events: list[dict]) -> None:
        self.tx.append(events, self.now())


class Engine:
    """The component over a provider. Every operation is one transaction:
    a write commits when it succeeds and `apply` is true (the default), and
    rolls back otherwise (`apply=False` previews it: the result shows what
    would happen, `"applied": false`, and nothing changes). Calls through
    one engine run one at a time (a lock); each runs in a fresh instance of
    the component, so a trap leaves nothing behind.

    Every operation of the CLI's table is a method taking its arguments as
    keywords, in the CLI's JSON vocabulary (`engine.create_backorder(
    order_id="O-1", customer_id="C-1", sku="W", quantity=5)`), and
    returning the CLI's `--json` result as a dict (a list for
    `list_expected_supply`); `call(name, args)` does the same by name.
    Errors raise `BackorderError`.
    """

    def __init__(self, provider: Provider, runtime: Runtime, now: int | None) -> None:
        self.provider = provider
        self.runtime = runtime
        self._now = now
        self._lock = threading.Lock()
        self._requests: dict[str, _Request] = {}
        for operation in OPERATIONS.values():
            if operation.export is not None:
                params = runtime.exports[operation.export].params
                self._requests[operation.name] = _Request(operation, params)

    # -- the clock ----------------------------------------------------------

    def pin_clock(self, now: int | str | None) -> None:
        """Pins the clock (milliseconds, or a date or RFC 3339 time); None
        goes back to the system time."""
        self._now = parse_time("now", now) if isinstance(now, str) else now

    def _clock(self) -> int:
        return self._now if self._now is not None else time.time_ns() // 1_000_000

    # -- operations ---------------------------------------------------------

    def call(self, name: str, args: dict[str, Any] | None = None, *, apply: bool = True) -> Any:
        """Runs the operation `name` with `args` (the CLI's JSON
        vocabulary); returns its `--json` result."""
        operation = OPERATIONS.get(name)
        if operation is None:
            raise _invalid("op", f"unknown operation `{name}`; expected one of: {', '.join(OPERATIONS)}")
        args = dict(args or {})
        with self._lock:
            if operation.name == "stock_add":
                return self._stock_add(args, apply)
            values = self._requests[name].build(args)
            if operation.name == "receive":
                # The component adds the units (once per request id).
                _check_stock_input(args["sku"], args.get("location"), _Request._given(args, "quantity"), 1)
            write = not operation.read
            step = {"check_integrity": "check stock"}.get(name, "run the call")
            result = self._transaction(write, apply, lambda tx: self._export(tx, operation, values), step)
        return self._shape(operation, result, write and apply)

    def _export(self, tx: Transaction, operation: Operation, values: list[Any]) -> Any:
        try:
            ok, value = self.runtime.call(operation.export, values, _Call(tx, self._clock))
        except Trap as trap:
            if isinstance(trap.cause, (KeyboardInterrupt, SystemExit, BackorderError)):
                # A host error raised in an import (stock overflow) is itself.
                raise trap.cause
            raise BackorderError(
                "trap", f"component trapped in {trap.export}: {trap.reason}", export=trap.export
            ) from trap.cause
        if not ok:
            raise domain_error(*value)
        if operation.name == "check_integrity":
            value["stock_problems"] = self._stock_problems(tx)
        return value

    def _transaction(self, write: bool, apply: bool, body: Callable[[Transaction], Any],
                     operation: str = "run the call") -> Any:
        """Runs `body` in one transaction of the provider, committed only
        for an applied write that succeeded. A provider's own exception
        outside the component (beginning, the host's stock steps,
        committing) is `storage_unavailable`, naming what failed."""
        tx = _storage("begin a transaction", lambda: self.provider.begin(write, write and apply))
        try:
            value = _storage(operation, lambda: body(tx))
        except BaseException:
            try:
                tx.rollback()
            except Exception:  # noqa: BLE001 - the call's own error is the one to report
                pass
            raise
        _storage("commit" if write and apply else "roll back", tx.commit if write and apply else tx.rollback)
        return value

    def _shape(self, operation: Operation, value: Any, applied: bool) -> Any:
        if isinstance(value, dict):
            shaped: dict[str, Any] = {}
            for key, item in value.items():
                if key in INLINED and isinstance(item, dict):
                    shaped.update(item)
                else:
                    shaped[key] = item
            value = shaped
        if operation.quantity_case is not None:
            # A count's result reads as the stock level it left, with what
            # is available (the CLI's `stock_adjustment`).
            value = {**_level(value["sku"], value["location"], value["on_hand"], value["reserved"]), **value}
        if operation.name == "check_integrity":
            problems = value.pop("problems") + value.pop("stock_problems")
            value = {"clean": not problems, **value, "problems": problems}
        if not operation.read:
            value["applied"] = applied
        return value

    @staticmethod
    def _stock_problems(tx: Transaction) -> list[dict[str, str]]:
        """The host's own inventory check (`Backorders::check_stock`)."""
        problems = []
        for sku, location, on_hand, reserved, held in tx.stock_audit():
            place = f"{sku} at {location if location is not None else 'default'}"
            if reserved != held:
                problems.append({"kind": "stock_mismatch", "subject": place,
                                 "detail": f"stock says {reserved} reserved, reservations hold {held}"})
            if held > on_hand:
                problems.append({"kind": "stock_mismatch", "subject": place,
                                 "detail": f"reservations hold {held}, only {on_hand} on hand"})
        return problems

    # -- the host's own operations -----------------------------------------

    def _stock_add(self, args: dict[str, Any], apply: bool) -> dict[str, Any]:
        unknown = set(args) - {"sku", "location", "quantity"}
        if unknown:
            name = sorted(unknown)[0]
            raise _invalid(name, f"unknown field `{name}`, expected one of `sku`, `location`, `quantity`")
        for required in ("sku", "quantity"):
            if args.get(required) is None:
                raise _invalid(required, f"missing field `{required}`")
        sku, location, quantity = args["sku"], args.get("location"), args["quantity"]
        _check_stock_input(sku, location, quantity, 1)
        level = self._transaction(True, apply, lambda tx: _add_on_hand(tx, sku, location, quantity), "add stock")
        return {**level, "applied": apply}

    def set_on_hand(self, sku: str, quantity: int, location: str | None = None, *, apply: bool = True) -> dict[str, Any]:
        """Sets the units on hand as the platform's own inventory would,
        refusing a count below what is reserved (`Backorders::stock_set` of
        the Rust host: what a scenario's `stock` does). The component's
        count, which may take reserved units and decides who loses them,
        is the operation `stock_set`."""
        _check_stock_input(sku, location, quantity, 0)

        def body(tx: Transaction) -> dict[str, Any]:
            try:
                on_hand, reserved = tx.set_on_hand(sku, location, quantity)
            except StockBelowReserved as error:
                raise BackorderError("stock_below_reserved", str(error), **error.fields) from None
            return _level(sku, location, on_hand, reserved)

        with self._lock:
            return {**self._transaction(True, apply, body, "set stock"), "applied": apply}

    def stock(self, sku: str | None = None) -> list[dict[str, Any]]:
        """The stock rows of one SKU or of all, as `backorders stock show
        --json` prints them."""
        if sku is not None:
            _check_text("sku", sku, whitespace=False)
        with self._lock:
            rows = self._transaction(False, False, lambda tx: tx.stock_levels(sku, MAX_STOCK_ROWS), "read stock")
        return [_level(*row) for row in rows]

    def events(self, limit: int = 100) -> list[dict[str, Any]]:
        """The newest `limit` events of the outbox, oldest first, as
        `backorders events --json` prints them."""
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_EVENTS_PER_READ:
            raise _invalid("limit", f"must be 1 to {MAX_EVENTS_PER_READ}")
        with self._lock:
            events = self._transaction(False, False, lambda tx: tx.recent_events(limit), "read events")
        return [{**event, "recorded_at": format_time(event["recorded_at"])} for event in events]


def _method(operation: Operation) -> Callable[..., Any]:
    if operation.read:
        def read(self: Engine, **args: Any) -> Any:
            return self.call(operation.name, args)
        method = read
    else:
        def write(self: Engine, *, apply: bool = True, **args: Any) -> Any:
            return self.call(operation.name, args, apply=apply)
        method = write
    method.__name__ = operation.name
    method.__doc__ = f"The operation `{operation.name}` (see `Engine.call`)."
    return method


for _operation in OPERATIONS.values():
    if not hasattr(Engine, _operation.name):
        setattr(Engine, _operation.name, _method(_operation))


_RUNTIMES: dict[tuple[str, str | None], Runtime] = {}


def create_engine(
    provider: Provider,
    *,
    component: str | Path | None = None,
    now: int | str | None = None,
    cache_dir: str | Path | None | bool = True,
) -> Engine:
    """An engine over `provider`.

    `component`: the component file (default `$BACKORDERS_COMPONENT`, else
    the cargo build's output, `target/wasm/wasm32-wasip2/wasm/
    backorders_component.wasm`, in the working directory or a parent).
    `now`: pin the clock (milliseconds, a date or an RFC 3339 time).
    `cache_dir`: where the compiled component is cached (True: the default,
    `$BACKORDERS_CACHE_DIR`, else `$XDG_CACHE_HOME/backorders`, else
    `~/.cache/backorders`; False: compile every time). The component is
    loaded once per process and file; engines share it.
    """
    path = find_component(component)
    if cache_dir is True:
        cache: Path | None = default_cache_dir()
    elif cache_dir is False or cache_dir is None:
        cache = None
    else:
        cache = Path(cache_dir)
    key = (str(path.resolve()), None if cache is None else str(cache))
    runtime = _RUNTIMES.get(key)
    if runtime is None:
        runtime = _RUNTIMES[key] = Runtime(path, cache)
    engine = Engine(provider, runtime, None)
    if now is not None:
        engine.pin_clock(now)
    return engine
