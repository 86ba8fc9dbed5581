"""Errors: one class for every refused or failed call, and the exceptions a
provider raises to give the component a WIT error instead of a trap."""

from __future__ import annotations

from typing import Any


class BackorderError(Exception):
    """Why a call did not produce its result; nothing was changed.

    `kind` is the CLI's JSON kind (`invalid_input`, `not_found`, `conflict`,
    `invalid_state`, `priority_conflict`, `insufficient_stock`, `storage`,
    `other`; host-side: `trap`, `incompatible_component`, `load_component`,
    `stock_below_reserved`, `stock_overflow`, `storage_unavailable`).
    `field` names the bad field of an `invalid_input`, `id` the record of a
    `not_found` or `invalid_state`; `details` holds every field of the CLI's
    `{"error": {...}}` object (`current_version`, `blocking_backorder_id`,
    `available`, `record`, `status`, `export`...), and `to_json()` gives
    that object.
    """

    def __init__(self, kind: str, message: str, **fields: Any) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.details: dict[str, Any] = {"kind": kind, **fields, "message": message}

    @property
    def field(self) -> str | None:
        return self.details.get("field")

    @property
    def id(self) -> str | None:
        return self.details.get("id")

    def to_json(self) -> dict[str, Any]:
        """`{"error": {"kind": ..., <the case's fields>, "message": ...}}`,
        as `backorders --json` prints it."""
        return {"error": dict(self.details)}

    def __repr__(self) -> str:
        return f"BackorderError({self.details!r})"

    @classmethod
    def invalid_input(cls, field: str, message: str) -> "BackorderError":
        return cls("invalid_input", message, field=field)


# The cases that carry one value: their kind, the field the CLI names it
# with, and the message (`describe_domain` in host/core/src/error.rs).
_ONE_VALUE = {
    "not-found": ("not_found", "id", "not found: {}"),
    "conflict": ("conflict", "current_version", "conflict: the backorder changed meanwhile; it is now at version {}"),
    "priority-conflict": ("priority_conflict", "blocking_backorder_id", "priority conflict: {} lacks allocation and is more urgent"),
    "insufficient-stock": ("insufficient_stock", "available", "insufficient stock: {} available"),
    "storage": ("storage", None, "storage failed: {}"),
    "other": ("other", None, "component error: {}"),
}


def domain_error(case: str, payload: Any) -> BackorderError:
    """The component's `backorder-error` (`(case, payload)`, case in
    kebab-case) as the CLI reports it (`host/cli/src/json/errors.rs`)."""
    if case == "invalid-input":
        return BackorderError("invalid_input", payload["message"], field=payload["field"])
    if case == "invalid-state":
        record, status = payload["status"]
        return BackorderError("invalid_state", payload["message"], id=payload["id"], record=record, status=status)
    if case in _ONE_VALUE:
        kind, field, message = _ONE_VALUE[case]
        fields = {} if field is None else {field: payload}
        return BackorderError(kind, message.format(payload), **fields)
    # A case this kit does not know: say so rather than guess.
    return BackorderError("other", f"component error of an unknown kind {case}: {payload!r}")


class StoreError(Exception):
    """Raised by a provider's key-value methods: the component sees the WIT
    `store-error` (`unavailable`, or `limit-exceeded` with `limit=True`) and
    the call fails with a `storage` error, rolled back. Any other exception
    from a provider traps the call (also rolled back)."""

    def __init__(self, reason: str, *, limit: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.limit = limit

    def wit(self) -> tuple[str, str]:
        return ("limit-exceeded" if self.limit else "unavailable", self.reason)


class InventoryError(Exception):
    """Raised by a provider's inventory methods; the component sees the WIT
    `inventory-error` case. Use the subclasses."""

    case = "unavailable"

    def __init__(self, payload: Any) -> None:
        super().__init__(f"{self.case}: {payload}")
        self.payload = payload

    def wit(self) -> tuple[str, Any]:
        return (self.case, self.payload)


class InsufficientStock(InventoryError):
    """Fewer units are available than asked for; carries how many are."""

    case = "insufficient-stock"


class UnknownReservation(InventoryError):
    """No reservation has this id; carries the id."""

    case = "unknown-reservation"


class ExceedsReservation(InventoryError):
    """More units than the reservation holds; carries what it holds."""

    case = "exceeds-reservation"


class InventoryUnavailable(InventoryError):
    """The backing store failed; carries the reason."""

    case = "unavailable"


class StockBelowReserved(Exception):
    """A stock count below the units reserved there (the host's own rule,
    as `StockAdmin::set_on_hand` in the Rust host)."""

    def __init__(self, sku: str, location: str | None, on_hand: int, reserved: int) -> None:
        place = location if location is not None else "the default location"
        super().__init__(
            f"stock of {sku} at {place}: {on_hand} on hand would be below the {reserved} reserved"
        )
        self.fields = {"sku": sku, "location": location, "on_hand": on_hand, "reserved": reserved}
