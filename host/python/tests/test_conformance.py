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
