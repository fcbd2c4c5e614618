"""A tool compiled for the cache is built the same whoever asked for it."""

import os
import sys
from pathlib import Path

from harness.install.recipes import Recipe, build_with

# Writes the cargo settings it was given to the artifact the recipe names.
DUMP = (
    "import os, pathlib; "
    "pathlib.Path('tool').write_text(' '.join(sorted(k for k in os.environ if 'CARGO' in k or 'RUST' in k)))"
)


def test_a_tool_compile_drops_the_callers_cargo_settings(tmp_path: Path) -> None:
    recipe = Recipe(
        tmp_path / "build.toml",
        [sys.executable, "-c", DUMP],
        env={"CARGO_PROFILE_DIST_LTO": "off"},
        binary="tool",
    )
    env = {
        "PATH": os.environ["PATH"],
        "CARGO_HOME": "/c",
        "CARGO_PROFILE_RELEASE_OPT_LEVEL": "0",
        "RUSTFLAGS": "-C debuginfo=0",
    }
    built = build_with(recipe, tmp_path, outdir=tmp_path / "out", env=env, log=tmp_path / "log")
    # The recipe's own settings stay: they are part of how the tool is built.
    assert built.artifact.read_text() == "CARGO_HOME CARGO_PROFILE_DIST_LTO"
