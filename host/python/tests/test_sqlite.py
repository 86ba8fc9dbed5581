"""The SQLite provider writes the Rust host's file: what the kit writes
opens in `backorders --db FILE` and checks clean, and the reverse."""

from __future__ import annotations

import shutil
import sqlite3

import pytest

from backorders import BackorderError, SqliteProvider, create_engine
from backorders.providers._schema import SCHEMA_VERSION

from conftest import REPOSITORY, sorted_json

NOW = "2026-11-02T09:00:00Z"


def busy_day(engine) -> list[str]:
    """Backorders in every state the tables hold: reservations with and
    without expiry, a confirmed one, a claim received, a cancel, events,
    two locations, a stock count that takes reserved units."""
    ids = [engine.create_backorder(order_id=f"O-{n}", customer_id="C-1", sku="CABLE-1", quantity=10,
                                   priority=priority, promised_date="2026-11-20")["backorder_id"]
           for n, priority in enumerate(["low", "critical", "normal"])]
    engine.create_backorder(order_id="O-9", customer_id="C-2", sku="CABLE-1", quantity=4, location="east")
    engine.stock_add(sku="CABLE-1", quantity=12)
    engine.stock_add(sku="CABLE-1", quantity=4, location="east")
    engine.allocate_available(sku="CABLE-1", expires_at="2026-11-10")
    engine.allocate_available(sku="CABLE-1", location="east")
    engine.allocate_backorder(backorder_id=ids[0], quantity=3, source="purchase_order", source_ref="PO-7")
    engine.expect_supply(sku="CABLE-1", quantity=20, expected_at="2026-11-15", source="purchase_order", source_ref="PO-7")
    detail = engine.get_backorder(backorder_id=ids[1])
    engine.confirm_allocation(allocation_id=detail["allocations"][0]["allocation_id"])
    engine.receive(sku="CABLE-1", quantity=5, source="purchase_order", source_ref="PO-7")
    engine.fulfill_backorder(backorder_id=ids[1], quantity=10)
    engine.cancel_backorder(backorder_id=ids[2], quantity=1)
    engine.stock_set(sku="CABLE-1", quantity=1, reason="cycle count")
    engine.update_settings(timezone="Europe/Berlin")
    return ids


def test_a_database_the_kit_writes_opens_in_the_cli_and_checks_clean(cli, component, tmp_path):
    path = tmp_path / "kit.db"
    kit = create_engine(SqliteProvider(path), component=component, now=NOW)
    ids = busy_day(kit)
    assert kit.check_integrity()["clean"]
    done = cli("--db", str(path), "--now", NOW, "check")
    assert done.returncode == 0, done.stdout
    report = cli.json("--db", str(path), "--now", NOW, "check")
    assert sorted_json(report) == sorted_json(kit.check_integrity())
    for backorder_id in ids:
        assert sorted_json(cli.json("--db", str(path), "--now", NOW, "show", backorder_id)) == sorted_json(kit.get_backorder(backorder_id=backorder_id))
    assert sorted_json(cli.json("--db", str(path), "--now", NOW, "stock", "show")) == sorted_json(kit.stock())
    assert sorted_json(cli.json("--db", str(path), "--now", NOW, "events", "--limit", "1000")) == sorted_json(kit.events(1000))
    assert sorted_json(cli.json("--db", str(path), "--now", NOW, "settings")) == sorted_json(kit.update_settings(apply=False))


def test_a_database_the_cli_writes_opens_in_the_kit(cli, component, tmp_path):
    path = tmp_path / "cli.db"
    cli("--db", str(path), "--now", NOW, "create", "--order", "O-1", "--customer", "C-1", "--sku", "W-1", "--quantity", "8", "--apply")
    cli("--db", str(path), "--now", NOW, "stock", "add", "--sku", "W-1", "--quantity", "5", "--apply")
    cli("--db", str(path), "--now", NOW, "allocate", "BO-2026-0001", "--quantity", "5", "--expires-at", "2026-11-04", "--apply")
    kit = create_engine(SqliteProvider(path), component=component, now=NOW)
    assert sorted_json(kit.get_backorder(backorder_id="BO-2026-0001")) == sorted_json(cli.json("--db", str(path), "--now", NOW, "show", "BO-2026-0001"))
    # The kit's writes go on where the CLI's stopped: the reservation it
    # made is the one the kit's fulfilment consumes.
    kit.fulfill_backorder(backorder_id="BO-2026-0001", quantity=5)
    kit.create_backorder(order_id="O-2", customer_id="C-1", sku="W-1", quantity=1)
    assert cli.json("--db", str(path), "--now", NOW, "show", "BO-2026-0002")["quantity_ordered"] == 1
    assert cli.json("--db", str(path), "--now", NOW, "stock", "show") == [
        {"sku": "W-1", "location": None, "on_hand": 0, "reserved": 0, "available": 0}]
    assert cli("--db", str(path), "--now", NOW, "check").returncode == 0


def test_the_0_1_0_upgrade_fixture_opens_with_nothing_lost(cli, component, tmp_path):
    path = tmp_path / "old.db"
    shutil.copy(REPOSITORY / "tests/fixtures/backorders-0.1.0.db", path)
    kit = create_engine(SqliteProvider(path), component=component, now=NOW)
    summary = kit.get_backorder_summary()
    assert summary["open_backorders"] > 0
    assert kit.check_integrity()["clean"]
    assert cli("--db", str(path), "--now", NOW, "check").returncode == 0
    assert sorted_json(cli.json("--db", str(path), "--now", NOW, "summary")) == sorted_json(summary)


def test_previews_and_reads_create_no_file(component, tmp_path):
    path = tmp_path / "none.db"
    kit = create_engine(SqliteProvider(path), component=component, now=NOW)
    preview = kit.create_backorder(order_id="O-1", customer_id="C-1", sku="W", quantity=1, apply=False)
    assert preview["applied"] is False and preview["backorder_id"] == "BO-2026-0001"
    assert kit.get_backorder_summary()["open_backorders"] == 0
    assert not path.exists()
    kit.create_backorder(order_id="O-1", customer_id="C-1", sku="W", quantity=1)
    assert path.exists()


def test_a_preview_leaves_the_file_as_it_was(component, tmp_path):
    path = tmp_path / "kit.db"
    kit = create_engine(SqliteProvider(path), component=component, now=NOW)
    busy_day(kit)
    before = dump(path)
    kit.cancel_backorder(backorder_id="BO-2026-0004", apply=False)
    kit.stock_set(sku="CABLE-1", quantity=0, reason="all gone", apply=False)
    assert dump(path) == before


def test_a_foreign_file_is_refused_untouched(component, tmp_path):
    path = tmp_path / "foreign.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE mine (x)")
    before = path.read_bytes()
    kit = create_engine(SqliteProvider(path), component=component)
    with pytest.raises(BackorderError) as raised:
        kit.get_backorder_summary()
    assert raised.value.kind == "foreign_database"
    assert path.read_bytes() == before


def dump(path) -> list:
    """Every row of every table."""
    with sqlite3.connect(path) as connection:
        tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")]
        return [(table, sorted(connection.execute(f"SELECT * FROM {table}").fetchall(), key=repr)) for table in tables]


def test_an_events_backorder_is_kept_as_json_and_reads_back(tmp_path):
    """Schema 4: the backorder after an event's change, in its JSON form;
    an event stored without one reads back as null."""
    provider = SqliteProvider(tmp_path / "events.db")
    backorder = {"backorder_id": "BO-2026-0001", "order_id": "O-1", "notes": "crème brûlée", "at_risk": False}
    event = {"kind": "backorder_created", "at": "2026-11-02T09:00:00.250Z", "backorder_id": "BO-2026-0001",
             "sku": "W-1", "allocation_id": None, "quantity": 3, "status": "pending"}
    tx = provider.begin(True, True)
    tx.append([{**event, "backorder": backorder}, event], 1_793_610_000_000)
    tx.commit()
    tx = provider.begin(False, False)
    first, second = tx.recent_events(10)
    tx.rollback()
    assert first == {"seq": 1, **event, "backorder": backorder, "recorded_at": 1_793_610_000_000}
    assert second["backorder"] is None and second["seq"] == 2
    with sqlite3.connect(tmp_path / "events.db") as connection:
        (text,) = connection.execute("SELECT backorder FROM events WHERE seq = 1").fetchone()
        assert (connection.execute("PRAGMA user_version").fetchone()[0], text) == (
            SCHEMA_VERSION, '{"backorder_id":"BO-2026-0001","order_id":"O-1","notes":"crème brûlée","at_risk":false}')


def test_the_schema_is_the_one_the_rust_host_declares():
    """The schema module the build generated matches host/sqlite/src/schema.rs
    as it is now: a schema change needs the kit reinstalled, not edited."""
    import importlib.util

    from backorders.providers import _schema

    spec = importlib.util.spec_from_file_location("schema_from_rust", REPOSITORY / "host/python/schema_from_rust.py")
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    declared = generator.read(REPOSITORY / "host/sqlite/src/schema.rs")
    assert {name: getattr(_schema, name) for name in declared} == declared
    assert declared["SCHEMA_VERSION"] >= 4 and len(declared["MIGRATIONS"]) == declared["SCHEMA_VERSION"] - 1
