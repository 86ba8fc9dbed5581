"""backorders: the backorder engine's WebAssembly component, loaded from
Python through wasmtime.

    from backorders import create_engine, MemoryProvider
    engine = create_engine(MemoryProvider())
    engine.create_backorder(order_id="O-1", customer_id="C-1", sku="W-1", quantity=100)
"""

from .engine import OPERATIONS, Engine, create_engine
from .errors import (
    BackorderError,
    ExceedsReservation,
    InsufficientStock,
    InventoryError,
    InventoryUnavailable,
    StoreError,
    UnknownReservation,
)
from .providers.base import Provider, Transaction
from .providers.memory import MemoryProvider
from .providers.sqlite import SqliteProvider

__all__ = [
    "OPERATIONS", "Engine", "create_engine", "BackorderError", "StoreError", "InventoryError",
    "InsufficientStock", "UnknownReservation", "ExceedsReservation", "InventoryUnavailable",
    "Provider", "Transaction", "MemoryProvider", "SqliteProvider",
]
