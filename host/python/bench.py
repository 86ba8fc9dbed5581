"""Per-call figures of the Python kit: create, get, list, fulfil, 1,000
calls each, on the memory provider and on a SQLite file, and where a
create's time goes. Target on the reference machine: create <= 2 ms.

    python3 host/python/bench.py [--calls 1000]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import tempfile
import time
from pathlib import Path

from backorders import MemoryProvider, SqliteProvider, create_engine

TARGET_CREATE_US = 2000
NOW = "2026-11-02T09:00:00Z"


def per_call(calls: int, action) -> float:
    """Microseconds per call of `action(i)`, over `calls` calls."""
    started = time.perf_counter()
    for i in range(calls):
        action(i)
    return (time.perf_counter() - started) / calls * 1e6


def measure(engine, calls: int) -> dict[str, float]:
    engine.stock_add(sku="BENCH-1", quantity=calls)
    figures = {
        "create": per_call(calls, lambda i: engine.create_backorder(
            order_id=f"O-{i}", customer_id="C-1", sku="BENCH-1", quantity=2, promised_date="2026-12-01")),
        "get": per_call(calls, lambda i: engine.get_backorder(backorder_id=f"BO-2026-{i % calls + 1:04d}")),
        "list": per_call(calls, lambda i: engine.list_backorders(sku="BENCH-1", limit=20)),
        "fulfil": per_call(calls, lambda i: engine.fulfill_backorder(
            backorder_id=f"BO-2026-{i + 1:04d}", quantity=1)),
    }
    return figures


def breakdown(engine, calls: int) -> list[tuple[str, float]]:
    """Where a create's time goes, in microseconds per create (profiled,
    so every part is slower than unprofiled)."""
    profile = cProfile.Profile()
    profile.enable()
    for i in range(calls):
        engine.create_backorder(order_id=f"P-{i}", customer_id="C-1", sku="BENCH-2", quantity=1)
    profile.disable()
    stats = pstats.Stats(profile).stats

    def cumulative(function: str, file_part: str) -> float:
        return sum(entry[3] for (file, _, name), entry in stats.items() if name == function and file_part in file)

    total = cumulative("call", "engine.py")
    parts = [
        ("a fresh store and instance", cumulative("__init__", "_store.py") + cumulative("set_wasi", "_store.py")
         + cumulative("wasmtime_component_linker_instantiate", "_bindings.py")),
        ("the component's own code", cumulative("wasmtime_component_func_call", "_bindings.py")
         - cumulative("import_call", "_runtime.py")),
        ("its 4 imports (crossings, conversions, the provider)", cumulative("import_call", "_runtime.py")),
        ("arguments checked and lowered", cumulative("build", "engine.py")),
        ("the result lifted to the CLI's JSON", cumulative("lift_result", "_runtime.py")),
    ]
    parts.append(("the rest (transaction, lock, shaping)", total - sum(seconds for _, seconds in parts)))
    return [(label, seconds / calls * 1e6) for label, seconds in [("total", total), *parts]]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=1000)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        for label, provider in [("memory", MemoryProvider()), ("sqlite", SqliteProvider(Path(directory) / "bench.db"))]:
            engine = create_engine(provider, now=NOW)
            figures = measure(engine, options.calls)
            print(f"{label:7} " + "  ".join(f"{name} {value:7.1f} us" for name, value in figures.items())
                  + f"   ({options.calls:,} calls each)")
            if label == "memory":
                verdict = "met" if figures["create"] <= TARGET_CREATE_US else "MISSED"
                print(f"        create target <= {TARGET_CREATE_US} us: {verdict}")
                print("        where a create's time goes (profiled, so each part is slower than unprofiled):")
                for part, micros in breakdown(engine, 200):
                    print(f"          {part:52} {micros:7.1f} us")


if __name__ == "__main__":
    main()
