"""A provider that fails in the middle of a call: the call fails, nothing
it did stays, and the next call works."""

from __future__ import annotations

import pytest

from backorders import BackorderError, MemoryProvider, SqliteProvider, StoreError, create_engine
from backorders.providers.base import Provider, Transaction

from test_sqlite import dump

NOW = "2026-11-02T09:00:00Z"


class Broken(Exception):
    """The platform's database failing in a way the kit does not know."""


class Failing(Provider):
    """Wraps a provider; its transactions raise `error` from the method
    named `where` while `armed`."""

    def __init__(self, inner: Provider) -> None:
        self.inner = inner
        self.where: str | None = None
        self.error: Exception = Broken("the disk is on fire")

    def begin(self, write: bool, will_commit: bool) -> Transaction:
        tx = self.inner.begin(write, will_commit)
        provider = self

        class Wrapped:
            def __getattr__(self, name):
                method = getattr(tx, name)
                if name != provider.where:
                    return method

                def failing(*args, **kwargs):
                    method(*args, **kwargs)  # its part of the work done, then the failure
                    raise provider.error
                return failing

        return Wrapped()


def stocked(provider: Provider):
    engine = create_engine(provider, now=NOW)
    engine.create_backorder(order_id="O-1", customer_id="C-1", sku="W-1", quantity=10)
    engine.create_backorder(order_id="O-2", customer_id="C-1", sku="W-1", quantity=10)
    engine.stock_add(sku="W-1", quantity=15)
    return engine


# Each failure point of a receive (the component adds the stock, then runs:
# reads, reservations, the batched writes, the events).
WHERE = ["write_on_hand", "get_many", "scan", "reserve", "write_batch", "append"]


@pytest.mark.parametrize("where", WHERE)
def test_a_provider_that_throws_mid_call_changes_nothing_and_the_next_call_works(where):
    memory = MemoryProvider()
    provider = Failing(memory)
    engine = stocked(provider)
    before = memory.fingerprint()
    provider.where = where
    with pytest.raises(BackorderError) as raised:
        engine.receive(sku="W-1", quantity=5)
    error = raised.value
    assert error.kind == "trap"
    assert error.details["export"] == "receive"
    assert isinstance(error.__cause__, Broken)
    assert memory.fingerprint() == before
    provider.where = None
    run = engine.receive(sku="W-1", quantity=5)
    assert run["allocated"] == 20 and run["applied"] is True
    assert engine.check_integrity()["clean"]


def test_a_sqlite_transaction_that_throws_mid_call_leaves_the_file_as_it_was(tmp_path):
    path = tmp_path / "kit.db"
    provider = Failing(SqliteProvider(path))
    engine = stocked(provider)
    before = dump(path)
    provider.where = "append"
    with pytest.raises(BackorderError) as raised:
        engine.fulfill_backorder(backorder_id="BO-2026-0001", quantity=10)
    assert raised.value.kind == "trap"
    assert dump(path) == before
    provider.where = None
    assert engine.fulfill_backorder(backorder_id="BO-2026-0001", quantity=10)["status"] == "fulfilled"
    assert engine.check_integrity()["clean"]


def test_a_store_error_is_the_components_storage_error():
    memory = MemoryProvider()
    provider = Failing(memory)
    engine = stocked(provider)
    before = memory.fingerprint()
    provider.where, provider.error = "get_many", StoreError("connection lost")
    with pytest.raises(BackorderError) as raised:
        engine.fulfill_backorder(backorder_id="BO-2026-0001", quantity=1)
    assert raised.value.kind == "storage"
    assert "connection lost" in raised.value.message
    assert memory.fingerprint() == before
