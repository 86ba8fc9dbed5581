"""The build step pyproject.toml cannot say: the SQLite schema module is
generated from the Rust host's declaration (`schema_from_rust.py`)."""

import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

sys.path.insert(0, str(Path(__file__).resolve().parent))
import schema_from_rust  # noqa: E402

GENERATED = Path("backorders") / "providers" / "_schema.py"


class BuildWithSchema(build_py):
    def run(self) -> None:
        super().run()
        # An editable install runs from the source tree: the module goes there.
        root = Path(__file__).resolve().parent if getattr(self, "editable_mode", False) else Path(self.build_lib)
        schema_from_rust.write(root / GENERATED)


setup(cmdclass={"build_py": BuildWithSchema})
