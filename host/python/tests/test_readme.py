"""The README's Python example runs as printed."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

README = Path(__file__).resolve().parents[3] / "README.md"


def test_the_example_runs_and_prints_what_its_comments_say():
    text = README.read_text()
    section = text[text.index("## Load it from Python"):text.index("## Guarantees")]
    blocks = re.findall(r"```python\n(.*?)```", section, re.S)
    example = next(block for block in blocks if "create_engine(MemoryProvider()" in block)
    assert len(example.strip().splitlines()) <= 15
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(example, str(README), "exec"), {})
    lines = printed.getvalue().splitlines()
    assert lines[0] == "partially_fulfilled 40"
    assert lines[1].startswith("invalid_input quantity ")
    assert lines[2] == "40"
