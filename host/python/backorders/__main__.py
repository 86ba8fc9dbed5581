"""`python -m backorders run SCENARIO...` runs scenario files through the
kit (see `backorders.scenarios`); `python -m backorders compile` compiles
the component into the cache ahead of the first call."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from .engine import create_engine
from .errors import BackorderError
from .providers.memory import MemoryProvider
from .providers.sqlite import SqliteProvider
from .scenarios import ScenarioError, run_file


def _files(paths: list[str]) -> list[Path]:
    found: list[Path] = []
    for path in map(Path, paths):
        found += sorted(path.glob("*.json")) if path.is_dir() else [path]
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m backorders")
    parser.add_argument("--component", help="the component file (default: $BACKORDERS_COMPONENT, else the cargo build's)")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run scenario files (a directory: its *.json files, in name order)")
    run.add_argument("paths", nargs="+")
    run.add_argument("--sqlite", action="store_true", help="a fresh SQLite file per scenario instead of memory")
    run.add_argument("--json", action="store_true", help="print one JSON report")
    commands.add_parser("compile", help="compile the component into the cache")
    options = parser.parse_args(argv)
    try:
        if options.command == "compile":
            engine = create_engine(MemoryProvider(), component=options.component)
            print(f"component ready ({engine.runtime.cache_outcome})")
            return 0
        reports = []
        with tempfile.TemporaryDirectory(prefix="backorders-scenario-") as directory:
            for number, path in enumerate(_files(options.paths)):
                if options.sqlite:
                    factory = lambda number=number: SqliteProvider(Path(directory) / f"scenario-{number}.db")
                else:
                    factory = MemoryProvider
                reports.append(run_file(path, factory, component=options.component))
    except ScenarioError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except BackorderError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    passed = all(report["passed"] for report in reports)
    if options.json:
        print(json.dumps({"passed": passed, "scenarios": reports}))
    else:
        for report in reports:
            print(f"{'PASS' if report['passed'] else 'FAIL'}  {report['file']}: {report['name']}")
            for step in report["steps"]:
                if step["status"] != "passed":
                    print(f"    {step['step']:>3}  {step['status']}  {step['op']}  {step['name'] or ''}")
                    if step["problem"]:
                        print(f"        {step['problem']}")
                    for difference in step["differences"]:
                        print(f"        in {difference['subject']}, {difference['path']}: expected "
                              f"{json.dumps(difference['expected'])}, got {json.dumps(difference['actual'])}")
        print(f"{len(reports)} scenarios: {sum(r['passed'] for r in reports)} passed")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
