"""The engine's surface: previews, typed errors, arguments, the clock, the
compile cache, a component of another WIT version."""

from __future__ import annotations

import pytest

from backorders import BackorderError, MemoryProvider, create_engine
from backorders._runtime import Runtime, default_cache_dir

from conftest import REPOSITORY

NOW = "2026-11-02T09:00:00Z"


@pytest.fixture
def memory():
    return MemoryProvider()


@pytest.fixture
def engine(memory):
    engine = create_engine(memory, now=NOW)
    engine.create_backorder(order_id="O-1", customer_id="C-1", sku="W-1", quantity=10)
    engine.stock_add(sku="W-1", quantity=4)
    return engine


def test_a_preview_shows_the_result_and_changes_nothing(engine, memory):
    before = memory.fingerprint()
    preview = engine.allocate_backorder(backorder_id="BO-2026-0001", quantity=4, apply=False)
    assert preview["applied"] is False
    assert preview["quantity_allocated"] == 4
    assert preview["allocation"]["status"] == "reserved"
    assert memory.fingerprint() == before
    applied = engine.allocate_backorder(backorder_id="BO-2026-0001", quantity=4)
    assert applied["applied"] is True
    assert {key: value for key, value in applied.items() if key != "applied"} == \
        {key: value for key, value in preview.items() if key != "applied"}
    assert memory.fingerprint() != before


def test_reads_carry_no_applied_flag(engine):
    assert "applied" not in engine.get_backorder(backorder_id="BO-2026-0001")
    assert isinstance(engine.list_expected_supply(), list)


@pytest.mark.parametrize("call, kind, fields", [
    (lambda e: e.create_backorder(order_id="O-2", customer_id="C-1", sku="W 1", quantity=1),
     "invalid_input", {"field": "sku"}),
    (lambda e: e.get_backorder(backorder_id="BO-2026-0099"),
     "not_found", {"id": "BO-2026-0099", "message": "not found: BO-2026-0099"}),
    (lambda e: e.update_backorder(backorder_id="BO-2026-0001", priority="high", expected_version=7),
     "conflict", {"current_version": 1}),
    (lambda e: e.allocate_backorder(backorder_id="BO-2026-0001", quantity=5),
     "insufficient_stock", {"available": 4}),
    (lambda e: e.create_backorder(order_id="O-2", customer_id="C-1", sku="W-1", quantity=1, priority="urgent"),
     "invalid_input", {"field": "priority"}),
    (lambda e: e.create_backorder(order_id="O-2", customer_id="C-1", sku="W-1", quantity="ten"),
     "invalid_input", {"field": "quantity"}),
    (lambda e: e.create_backorder(order_id="O-2", customer_id="C-1", sku="W-1", qty=1),
     "invalid_input", {"field": "qty"}),
    (lambda e: e.create_backorder(order_id="O-2", sku="W-1", quantity=1),
     "invalid_input", {"field": "customer_id", "message": "missing field `customer_id`"}),
    (lambda e: e.update_backorder(backorder_id="BO-2026-0001", notes="n", clear_notes=True),
     "invalid_input", {"field": "notes"}),
    (lambda e: e.extend_allocation(allocation_id="AL-000001", expires_at="2026-13-01"),
     "invalid_input", {"field": "expires_at"}),
    (lambda e: e.stock_add(sku="W-1", quantity=0),
     "invalid_input", {"field": "quantity", "message": "must be at least 1"}),
])
def test_errors_are_typed_and_change_nothing(engine, memory, call, kind, fields):
    before = memory.fingerprint()
    with pytest.raises(BackorderError) as raised:
        call(engine)
    error = raised.value
    assert error.kind == kind
    for name, value in fields.items():
        assert error.details[name] == value
    assert error.to_json() == {"error": error.details}
    assert error.field == fields.get("field", error.details.get("field"))
    assert memory.fingerprint() == before


def test_an_invalid_state_names_the_record_and_its_status(engine):
    engine.cancel_backorder(backorder_id="BO-2026-0001")
    with pytest.raises(BackorderError) as raised:
        engine.cancel_backorder(backorder_id="BO-2026-0001")
    assert raised.value.kind == "invalid_state"
    assert (raised.value.id, raised.value.details["record"], raised.value.details["status"]) == \
        ("BO-2026-0001", "backorder", "cancelled")


def test_an_unknown_operation_is_refused(engine):
    with pytest.raises(BackorderError) as raised:
        engine.call("delete_everything", {})
    assert raised.value.field == "op"


def test_the_clock_can_be_pinned_and_moved(engine):
    engine.pin_clock("2026-12-24T18:30:00.250Z")
    created = engine.create_backorder(order_id="O-2", customer_id="C-1", sku="W-1", quantity=1,
                                      promised_date="2026-12-31", expected_date="2026-12-30T08:00:00+01:00")
    assert created["created_at"] == "2026-12-24T18:30:00.250Z"
    assert created["promised_date"] == "2026-12-31"
    assert created["expected_date"] == "2026-12-30T07:00:00Z"


def test_the_outbox_holds_the_events_of_committed_calls_only(engine):
    engine.create_backorder(order_id="O-2", customer_id="C-1", sku="W-1", quantity=1, apply=False)
    events = engine.events()
    assert [event["kind"] for event in events] == ["backorder_created"]
    assert events[0]["seq"] == 1 and events[0]["recorded_at"] == NOW


def test_the_compiled_component_is_cached_and_a_bad_entry_replaced(component, tmp_path):
    cache = tmp_path / "cache"
    assert Runtime(component, cache).cache_outcome == "stored"
    assert Runtime(component, cache).cache_outcome == "cached"
    (entry,) = cache.glob("python-*.cwasm")
    assert oct(cache.stat().st_mode & 0o777) == "0o700"
    entry.write_bytes(entry.read_bytes()[:-100])
    assert Runtime(component, cache).cache_outcome == "replaced"
    assert Runtime(component, cache).cache_outcome == "cached"
    assert Runtime(component, None).cache_outcome == "compiled"


def test_the_default_cache_is_the_rust_hosts(monkeypatch, tmp_path):
    monkeypatch.delenv("BACKORDERS_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_cache_dir() == tmp_path / "backorders"


def test_a_component_of_another_wit_version_is_refused(tmp_path):
    with pytest.raises(BackorderError) as raised:
        create_engine(MemoryProvider(), component=REPOSITORY / "tests/fixtures/backorders-component-0.1.0.wasm",
                      cache_dir=tmp_path)
    error = raised.value
    assert error.kind == "incompatible_component"
    assert "commerce:backorders/backorders@0.1.0" in error.message
    assert "accepts 0.2.x" in error.message


def test_threads_share_an_engine_and_a_database_file(component, tmp_path):
    """One engine from several threads, and engines of their own over one
    SQLite file: every create gets its own number, the books stay clean."""
    import threading

    from backorders import SqliteProvider

    shared = create_engine(MemoryProvider(), now=NOW)
    path = tmp_path / "shared.db"
    create_engine(SqliteProvider(path), now=NOW).stock_add(sku="W-1", quantity=1)  # creates the file
    failures: list[BaseException] = []

    def work(engine_of_thread) -> None:
        try:
            for n in range(10):
                shared.create_backorder(order_id=f"O-{n}", customer_id="C-1", sku="W-1", quantity=1)
                engine_of_thread.create_backorder(order_id=f"O-{n}", customer_id="C-1", sku="W-1", quantity=1)
        except BaseException as error:  # noqa: BLE001 - reported below
            failures.append(error)

    threads = [threading.Thread(target=work, args=(create_engine(SqliteProvider(path), now=NOW),)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures
    for engine in (shared, create_engine(SqliteProvider(path), now=NOW)):
        page = engine.list_backorders(limit=500)
        assert len({backorder["backorder_id"] for backorder in page["backorders"]}) == 40
        assert engine.check_integrity()["clean"]


def test_a_file_that_is_not_a_component_is_refused(tmp_path):
    path = tmp_path / "not-a-component.wasm"
    path.write_bytes(b"\0asm not really")
    with pytest.raises(BackorderError) as raised:
        create_engine(MemoryProvider(), component=path, cache_dir=False)
    assert raised.value.kind == "load_component"
    with pytest.raises(BackorderError) as raised:
        create_engine(MemoryProvider(), component=tmp_path / "missing.wasm", cache_dir=False)
    assert raised.value.kind == "read_component"
