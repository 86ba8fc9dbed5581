"""Generates the kit's SQLite schema module from the Rust SQLite provider's
own declaration (`host/sqlite/src/schema.rs`), when the package is built:
the file layout both hosts share is written once, in Rust, and the kit
follows every schema version the Rust host adds.

What it reads: `APPLICATION_ID`, `SCHEMA_VERSION`, `CREATE_TABLES` (schema
1), `MIGRATIONS` (each a string literal or the name of a string
constant) and `NEXT_EVENT_SEQ` (the number an appended event takes). A
new database is schema 1 with every migration applied, which is what the
Rust host's `create` lays out (the first migration rewrites values of an
empty table: nothing).
"""

from __future__ import annotations

import re
from pathlib import Path

SCHEMA_RS = Path(__file__).resolve().parent.parent / "sqlite" / "src" / "schema.rs"

_STRING = r'"((?:[^"\\]|\\.)*)"'
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "'": "'", "0": "\0"}


def _unescape(literal: str) -> str:
    """A Rust string literal's value (the escapes this file can hold)."""
    def replace(match: re.Match) -> str:
        escaped = match.group(1)
        if escaped.startswith("\n"):
            return ""  # a line continuation drops the newline and the indentation after it
        return _ESCAPES[escaped]
    return re.sub(r"\\(\n\s*|.)", replace, literal)


def _integer(source: str, name: str) -> int:
    match = re.search(rf"const {name}: i32 = ([0-9A-Fa-fx_]+);", source)
    if match is None:
        raise ValueError(f"{SCHEMA_RS}: no `const {name}: i32`")
    return int(match.group(1).replace("_", ""), 0)


def _strings(source: str) -> dict[str, str]:
    return {name: _unescape(value) for name, value in re.findall(rf"const ([A-Z0-9_]+): &str = {_STRING};", source, re.S)}


def read(path: Path = SCHEMA_RS) -> dict:
    """The schema as the Rust source declares it."""
    source = path.read_text()
    strings = _strings(source)
    match = re.search(r"const MIGRATIONS: \[&str; (\d+)\] = \[(.*?)\n\];", source, re.S)
    if match is None or "CREATE_TABLES" not in strings:
        raise ValueError(f"{path}: no `CREATE_TABLES` or `MIGRATIONS` where the kit looks for them")
    body = re.sub(r"//[^\n]*", "", match.group(2))
    migrations = []
    for literal, name in re.findall(rf"{_STRING}|([A-Z][A-Z0-9_]*)", body, re.S):
        migrations.append(strings[name] if name else _unescape(literal))
    if len(migrations) != int(match.group(1)):
        raise ValueError(f"{path}: read {len(migrations)} migrations, the array holds {match.group(1)}")
    return {
        "APPLICATION_ID": _integer(source, "APPLICATION_ID"),
        "SCHEMA_VERSION": _integer(source, "SCHEMA_VERSION"),
        "CREATE_TABLES": strings["CREATE_TABLES"],
        "MIGRATIONS": migrations,
        "NEXT_EVENT_SEQ": strings["NEXT_EVENT_SEQ"],
    }


def module(schema: dict) -> str:
    """The generated module's text."""
    lines = [f'"""Generated from {SCHEMA_RS.relative_to(SCHEMA_RS.parents[3])} when the package was built; do not edit."""', ""]
    lines += [f"{name} = {value!r}" for name, value in schema.items()]
    return "\n".join(lines) + "\n"


def write(target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(module(read()))
