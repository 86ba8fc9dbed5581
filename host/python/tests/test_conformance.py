"""Every scenario file through the kit, on both providers, with the same
verdict per step as `backorders run`."""

from __future__ import annotations

import pytest

from backorders import MemoryProvider, SqliteProvider
from backorders.scenarios import run_file

from conftest import SCENARIOS


@pytest.fixture(scope="session")
def rust_verdicts(cli):
    """`backorders run --json` over the same files: each step's status."""
    report = cli.json("run", *[str(path) for path in SCENARIOS], check=False)
    return {
        scenario["file"].rsplit("/", 1)[-1]: [step["status"] for step in scenario["steps"]]
        for scenario in report["scenarios"]
    }


def test_there_are_scenarios():
    assert len(SCENARIOS) >= 20


@pytest.mark.parametrize("provider", ["memory", "sqlite"])
@pytest.mark.parametrize("path", SCENARIOS, ids=[path.stem for path in SCENARIOS])
def test_each_step_gets_the_rust_runners_verdict(path, provider, rust_verdicts, component, tmp_path):
    factory = MemoryProvider if provider == "memory" else (lambda: SqliteProvider(tmp_path / "scenario.db"))
    report = run_file(path, factory, component=component)
    problems = [step for step in report["steps"] if step["status"] != "passed"]
    assert [step["status"] for step in report["steps"]] == rust_verdicts[path.name], problems
    assert report["passed"], problems


def test_the_runner_command_reports_every_file(capsys):
    import json

    from backorders.__main__ import main

    assert main(["run", str(SCENARIOS[0].parent), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["passed"] and len(report["scenarios"]) == len(SCENARIOS)


def test_the_runner_command_refuses_an_invalid_file(tmp_path, capsys):
    from backorders.__main__ import main

    bad = tmp_path / "bad.json"
    bad.write_text('{"now": "2026-11-02", "steps": [{"op": "create_backorder", "expect_nothing": {}}]}')
    assert main(["run", str(bad)]) == 2
    assert "unknown field `expect_nothing`" in capsys.readouterr().err
