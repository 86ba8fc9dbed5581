"""Shared fixtures: the repository's scenario files, the component the
cargo build made, and the Rust CLI as ground truth (both built by `cargo
build --release`; `$BACKORDERS_COMPONENT` and `$BACKORDERS_CLI` point
elsewhere)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[3]
SCENARIOS = sorted((REPOSITORY / "tests" / "scenarios").glob("*.json"))
COMPONENT = Path(os.environ.get("BACKORDERS_COMPONENT") or REPOSITORY / "target/wasm/wasm32-wasip2/wasm/backorders_component.wasm")
CLI = Path(os.environ.get("BACKORDERS_CLI") or REPOSITORY / "target/release/backorders")


def _built(path: Path, what: str) -> Path:
    if not path.is_file():
        pytest.fail(f"{what} not found at {path}: run `cargo build --release` in {REPOSITORY} first")
    return path


@pytest.fixture(scope="session")
def component() -> Path:
    return _built(COMPONENT, "the component")


@pytest.fixture(scope="session")
def cli(component: Path):
    """Runs the Rust CLI (with the component it embeds, which the same
    cargo build made): `cli("--db", f, "check")` gives the
    CompletedProcess; `cli.json(...)` the parsed `--json` line."""
    binary = _built(CLI, "the backorders CLI")

    class Cli:
        def __call__(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
            done = subprocess.run([str(binary), *args],
                                  capture_output=True, text=True, cwd=REPOSITORY)
            if check and done.returncode != 0:
                raise AssertionError(f"backorders {' '.join(args)} exited {done.returncode}: {done.stderr}{done.stdout}")
            return done

        def json(self, *args: str, check: bool = True):
            return json.loads(self("--json", *args, check=check).stdout)

    return Cli()


@pytest.fixture(autouse=True)
def private_cache(tmp_path_factory, monkeypatch):
    """The compile cache in a directory of the test session's own."""
    monkeypatch.setenv("BACKORDERS_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))
    monkeypatch.setenv("BACKORDERS_COMPONENT", str(COMPONENT))


def sorted_json(value) -> str:
    """JSON with its keys sorted: the form two hosts' outputs are compared in."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"))
