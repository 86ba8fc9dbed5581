"""The scenario files (`tests/scenarios/*.json`) as a conformance suite for
this kit and for a provider of your own: each file runs on a fresh
provider with its own clock, step by step, with the semantics of the Rust
runner (`backorders run`, `host/cli/src/scenario/`): `$name` references,
`save`, `expect` (the fields given; arrays element by element and of the
same length; times compare as times), `expect_exact`, `expect_error`, the
after-step checks, `preview`, a step's `now`; a failed step stops its
scenario.

    python -m backorders run tests/scenarios            # memory provider
    python -m backorders run tests/scenarios --sqlite   # a SQLite file per scenario

From code: `run_file(path, provider_factory)`, with a factory that returns
a fresh, empty provider of yours.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Callable

from .dates import parse_time
from .engine import OPERATIONS, create_engine
from .errors import BackorderError
from .providers.base import Provider

STEP_KEYS = {
    "name", "op", "args", "now", "preview", "save", "expect", "expect_exact", "expect_error",
    "expect_backorders", "expect_summary", "expect_sku_summary", "expect_stock",
}
FILE_KEYS = {"name", "description", "now", "stock", "steps"}
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


class ScenarioError(Exception):
    """The file is not a valid scenario; nothing ran."""


def _reference(text: str) -> str | None:
    """The name `"$name"` refers to; None for a literal (`"$$x"` is `$x`)."""
    if text.startswith("$$") or not text.startswith("$"):
        return None
    if not _NAME.match(text[1:]):
        raise ScenarioError(
            f"`{text}` is not a reference: write `$` and a name of letters, digits and `_`, or `$$` for a literal `$`"
        )
    return text[1:]


def resolve(value: Any, saved: dict[str, Any]) -> Any:
    """`value` with every `$name` replaced by what it names."""
    if isinstance(value, str):
        name = _reference(value)
        if name is None:
            return value[1:] if value.startswith("$$") else value
        if name not in saved:
            raise ScenarioError(f"`${name}` names nothing saved")
        return saved[name]
    if isinstance(value, list):
        return [resolve(item, saved) for item in value]
    if isinstance(value, dict):
        return {key: resolve(item, saved) for key, item in value.items()}
    return value


def _same_time(expected: str, actual: str) -> bool:
    try:
        return parse_time("expected", expected) == parse_time("actual", actual)
    except BackorderError:
        return False


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def compare(subject: str, expected: Any, actual: Any, exact: bool = False) -> list[dict[str, Any]]:
    """Where `actual` is not what was expected, as the Rust runner reports
    it: objects by the keys expected (all and no others when `exact`),
    arrays element by element and of the same length, times as times."""
    found: list[dict[str, Any]] = []

    def differ(path: str, want: Any, got: Any, note: str | None = None, missing: bool = False, extra: bool = False) -> None:
        found.append({"subject": subject, "path": path, "expected": None if extra else want,
                      "actual": None if missing else got, "note": note})

    def walk(path: str, want: Any, got: Any) -> None:
        if isinstance(want, dict) and isinstance(got, dict):
            for key, item in want.items():
                if key in got:
                    walk(_join(path, key), item, got[key])
                else:
                    differ(_join(path, key), item, None, f"no such field; there are: {', '.join(got)}", missing=True)
            if exact:
                for key in got.keys() - want.keys():
                    differ(_join(path, key), None, got[key], "not expected", extra=True)
        elif isinstance(want, list) and isinstance(got, list):
            for index, (item, other) in enumerate(zip(want, got)):
                walk(f"{path}[{index}]", item, other)
            note = f"expected {len(want)} elements, got {len(got)}"
            for index in range(min(len(want), len(got)), max(len(want), len(got))):
                differ(f"{path}[{index}]", want[index] if index < len(want) else None,
                       got[index] if index < len(got) else None, note)
        elif isinstance(want, str) and isinstance(got, str) and _same_time(want, got):
            pass
        elif not _equal(want, got):
            differ(path, want, got)

    walk("", expected, actual)
    return found


def _equal(want: Any, got: Any) -> bool:
    """JSON equality: a boolean is not a number."""
    if isinstance(want, bool) or isinstance(got, bool):
        return type(want) is type(got) and want == got
    return want == got


def _lookup(value: Any, path: str) -> Any:
    for segment in path.split("."):
        if isinstance(value, dict):
            value = value.get(segment, _MISSING)
        elif isinstance(value, list) and segment.isdigit() and int(segment) < len(value):
            value = value[int(segment)]
        else:
            return _MISSING
        if value is _MISSING:
            return _MISSING
    return value


_MISSING = object()


def load(path: str | Path) -> dict[str, Any]:
    """Reads and checks a scenario file (its shape, its operations, its
    times); raises `ScenarioError` naming what is wrong."""
    path = Path(path)
    try:
        scenario = json.loads(path.read_text())
    except (OSError, ValueError) as error:
        raise ScenarioError(f"{path}: not valid JSON: {error}") from error
    if not isinstance(scenario, dict):
        raise ScenarioError(f"{path}: a scenario is an object")
    unknown = set(scenario) - FILE_KEYS
    if unknown:
        raise ScenarioError(f"{path}: unknown field `{sorted(unknown)[0]}`")
    try:
        parse_time("now", scenario.get("now"))
    except (BackorderError, TypeError) as error:
        raise ScenarioError(f"{path}: now: {error}") from None
    steps = scenario.get("steps")
    if not isinstance(steps, list) or not steps:
        raise ScenarioError(f"{path}: steps: a scenario needs at least one step")
    for number, step in enumerate(steps, 1):
        where = f"{path}: step {number}"
        if not isinstance(step, dict):
            raise ScenarioError(f"{where}: a step is an object")
        unknown = set(step) - STEP_KEYS
        if unknown:
            raise ScenarioError(f"{where}: unknown field `{sorted(unknown)[0]}`")
        if step.get("op") not in OPERATIONS:
            raise ScenarioError(f"{where}: op: unknown operation `{step.get('op')}`")
        if sum(key in step for key in ("expect", "expect_exact", "expect_error")) > 1:
            raise ScenarioError(f"{where}: give one of expect, expect_exact, expect_error")
        if "now" in step:
            try:
                parse_time("now", step["now"])
            except (BackorderError, TypeError) as error:
                raise ScenarioError(f"{where}: now: {error}") from None
    return scenario


def run_file(
    path: str | Path,
    provider_factory: Callable[[], Provider],
    *,
    component: str | Path | None = None,
) -> dict[str, Any]:
    """Runs one scenario file on a fresh provider; returns its report:
    `{"file", "name", "passed", "error", "steps": [{"step", "name", "op",
    "status" ("passed", "failed", "not_run"), "problem", "differences"}]}`,
    the shape of `backorders run --json` (without `cost`)."""
    scenario = load(path)
    report: dict[str, Any] = {"file": str(path), "name": scenario.get("name"), "passed": False,
                              "error": None, "steps": []}
    engine = create_engine(provider_factory(), component=component, now=scenario["now"])
    try:
        for line in scenario.get("stock", []):
            engine.set_on_hand(line["sku"], line["quantity"], line.get("location"))
    except BackorderError as error:
        report["error"] = {"kind": "setup", "message": f"stock of {line.get('sku')}: {error}"}
        report["steps"] = [_step_report(number, step, "not_run") for number, step in enumerate(scenario["steps"], 1)]
        return report
    saved: dict[str, Any] = {}
    stopped = False
    for number, step in enumerate(scenario["steps"], 1):
        if stopped:
            report["steps"].append(_step_report(number, step, "not_run"))
            continue
        step_report = _run_step(engine, number, step, saved)
        stopped = step_report["status"] == "failed"
        report["steps"].append(step_report)
    report["passed"] = not stopped
    return report


def _step_report(number: int, step: dict, status: str, problem: str | None = None,
                 differences: list | None = None) -> dict[str, Any]:
    return {"step": number, "name": step.get("name"), "op": step["op"], "status": status,
            "problem": problem, "differences": differences or []}


def _run_step(engine: Any, number: int, step: dict, saved: dict[str, Any]) -> dict[str, Any]:
    def failed(problem: str) -> dict[str, Any]:
        return _step_report(number, step, "failed", problem)

    if "now" in step:
        engine.pin_clock(step["now"])
    try:
        args = resolve(step.get("args", {}), saved)
    except ScenarioError as error:
        return failed(f"args.{error}")
    result: Any = None
    error: BackorderError | None = None
    try:
        result = engine.call(step["op"], args, apply=not step.get("preview", False))
    except BackorderError as raised:
        error = raised
    differences: list[dict[str, Any]] = []
    try:
        if "expect_error" not in step:
            if error is not None:
                return failed(f"expected the call to succeed; it failed: {error}: {json.dumps(error.details)}")
            for name, path in step.get("save", {}).items():
                value = _lookup(result, path)
                if value is _MISSING or value is None:
                    what = "does not exist" if value is _MISSING else "is null"
                    return failed(f"save {name}: `{path}` {what} in the result: {json.dumps(result)}")
                saved[name] = value
            if "expect" in step or "expect_exact" in step:
                exact = "expect_exact" in step
                expected = resolve(step["expect_exact" if exact else "expect"], saved)
                differences += compare("result", expected, result, exact)
        else:
            expected = step["expect_error"]
            expected = {"kind": expected} if isinstance(expected, str) else expected
            if error is None:
                return failed(f"expected the call to fail with {json.dumps(expected)}; it succeeded: {json.dumps(result)}")
            differences += compare("error", resolve(expected, saved), error.details)
        for subject, expected, read in _checks(engine, step, saved):
            try:
                actual = read()
            except BackorderError as raised:
                return failed(f"{subject}: could not be read: {raised}")
            differences += compare(subject, expected, actual)
    except ScenarioError as problem:
        return failed(str(problem))
    return _step_report(number, step, "failed" if differences else "passed", None, differences)


def _checks(engine: Any, step: dict, saved: dict[str, Any]):
    """The after-step checks, in the Rust runner's order: `(subject,
    expected, read)`."""
    for reference, expected in step.get("expect_backorders", {}).items():
        backorder_id = resolve(reference, saved)
        subject = f"backorder {reference}" if backorder_id == reference else f"backorder {reference} = {backorder_id}"
        yield subject, resolve(expected, saved), lambda backorder_id=backorder_id: engine.get_backorder(backorder_id=backorder_id)
    if "expect_summary" in step:
        yield "summary", resolve(step["expect_summary"], saved), engine.get_backorder_summary
    for reference, expected in step.get("expect_sku_summary", {}).items():
        sku = resolve(reference, saved)
        yield f"sku summary {sku}", resolve(expected, saved), lambda sku=sku: engine.get_sku_backorder_summary(sku=sku)
    for row in step.get("expect_stock", []):
        expected = dict(row)
        sku, location = expected.pop("sku"), expected.pop("location", None)
        subject = f"stock {sku} at {location}" if location is not None else f"stock {sku}"

        def level(sku: str = sku, location: str | None = location) -> dict[str, Any]:
            rows = [found for found in engine.stock(sku) if found["location"] == location]
            return rows[0] if rows else {"sku": sku, "location": location, "on_hand": 0, "reserved": 0, "available": 0}
        yield subject, resolve(expected, saved), level
