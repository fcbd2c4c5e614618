"""Does a wheel fit an interpreter? One of its tags must be among the tags the interpreter
accepts, as ``packaging.tags.sys_tags()`` computes them in that interpreter (free-threaded
``cp314t``, PyPy, abi3 and platform tags included)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import packaging
from packaging.utils import InvalidWheelFilename, parse_wheel_filename

from harness.errors import HarnessError
from harness.process import run

# packaging is pure Python: the interpreter under test imports the harness's own copy, so it
# needs nothing installed.
_SYS_TAGS = (
    "import sys; sys.path.insert(0, sys.argv[1]); from packaging.tags import sys_tags; "
    "print('\\n'.join(str(t) for t in sys_tags()))"
)


def interpreter_tags(python: str, *, env: Mapping[str, str], cwd: Path) -> frozenset[str]:
    """The tags ``python`` accepts, most specific first in its own output."""
    root = Path(packaging.__file__).resolve().parents[1]
    done = run([python, "-I", "-c", _SYS_TAGS, str(root)], cwd=cwd, env=env, check=False)
    tags = frozenset(line.strip() for line in done.output.splitlines() if line.count("-") == 2)
    if done.returncode != 0 or not tags:
        raise HarnessError(f"{python} did not report the wheel tags it accepts:\n{done.output[-500:]}")
    return tags


def wheel_fits(filename: str, accepted: frozenset[str]) -> bool:
    """Whether any tag of the wheel ``filename`` is one the interpreter accepts."""
    try:
        tags = parse_wheel_filename(filename)[3]
    except InvalidWheelFilename as exc:
        raise HarnessError(f"{filename}: not a wheel file name ({exc})") from exc
    return any(str(tag) in accepted for tag in tags)
