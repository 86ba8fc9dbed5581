"""The seed example (`tests/scenarios/01-seed-partial-fulfilment.json`)
through the kit and through the CLI: every output equal byte for byte once
keys are sorted."""

from __future__ import annotations

import pytest

from backorders import MemoryProvider, SqliteProvider, create_engine

from conftest import sorted_json

CREATED = "2026-11-02T09:00:00Z"
ARRIVED = "2026-11-05T10:00:00Z"

# Each step of the seed scenario: when, the CLI's command, the kit's call.
STEPS = [
    (CREATED, ["create", "--order", "O-1001", "--customer", "C-42", "--sku", "WIDGET-001", "--quantity", "100", "--apply"],
     lambda engine: engine.create_backorder(order_id="O-1001", customer_id="C-42", sku="WIDGET-001", quantity=100)),
    (ARRIVED, ["stock", "add", "--sku", "WIDGET-001", "--quantity", "60", "--apply"],
     lambda engine: engine.stock_add(sku="WIDGET-001", quantity=60)),
    (ARRIVED, ["fulfill", "BO-2026-0001", "--quantity", "60", "--by", "dock-2", "--apply"],
     lambda engine: engine.fulfill_backorder(backorder_id="BO-2026-0001", quantity=60, fulfilled_by="dock-2")),
    (ARRIVED, ["show", "BO-2026-0001"],
     lambda engine: engine.get_backorder(backorder_id="BO-2026-0001")),
    (ARRIVED, ["summary"],
     lambda engine: engine.get_backorder_summary()),
    (ARRIVED, ["sku-summary", "WIDGET-001"],
     lambda engine: engine.get_sku_backorder_summary(sku="WIDGET-001")),
    (ARRIVED, ["list", "--sku", "WIDGET-001"],
     lambda engine: engine.list_backorders(sku="WIDGET-001")),
    (ARRIVED, ["stock", "show"],
     lambda engine: engine.stock()),
    (ARRIVED, ["events"],
     lambda engine: engine.events()),
    (ARRIVED, ["check"],
     lambda engine: engine.check_integrity()),
    (ARRIVED, ["cancel", "BO-2026-0001", "--quantity", "5", "--reason", "customer changed the order"],
     lambda engine: engine.cancel_backorder(backorder_id="BO-2026-0001", quantity=5, reason="customer changed the order", apply=False)),
]


@pytest.mark.parametrize("provider", ["memory", "sqlite"])
def test_the_seed_example_prints_what_the_cli_prints(provider, cli, component, tmp_path):
    database = tmp_path / "cli.db"
    kit = create_engine(MemoryProvider() if provider == "memory" else SqliteProvider(tmp_path / "kit.db"),
                        component=component)
    for now, command, call in STEPS:
        expected = cli.json("--db", str(database), "--now", now, *command)
        kit.pin_clock(now)
        assert sorted_json(call(kit)) == sorted_json(expected), " ".join(command)


def test_an_error_prints_what_the_cli_prints(cli, component, tmp_path):
    database = tmp_path / "cli.db"
    kit = create_engine(MemoryProvider(), component=component, now=CREATED)
    for command, call in [
        (["show", "BO-2026-0042"], lambda: kit.get_backorder(backorder_id="BO-2026-0042")),
        (["create", "--order", "O-1", "--customer", "C-1", "--sku", "W", "--quantity", "0", "--apply"],
         lambda: kit.create_backorder(order_id="O-1", customer_id="C-1", sku="W", quantity=0)),
        (["create", "--order", "O-1", "--customer", "C-1", "--sku", "W", "--quantity", "3", "--promised-date", "2026-02-30", "--apply"],
         lambda: kit.create_backorder(order_id="O-1", customer_id="C-1", sku="W", quantity=3, promised_date="2026-02-30")),
    ]:
        expected = cli.json("--db", str(database), "--now", CREATED, *command, check=False)
        with pytest.raises(Exception) as raised:
            call()
        assert sorted_json(raised.value.to_json()) == sorted_json(expected), " ".join(command)
