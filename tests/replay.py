"""A process runner that replays output recorded from real builds (harness.process.Runner), so
unit tests reach the engine's decisions without starting a build."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from harness.process import Completed


@dataclass(frozen=True)
class Recorded:
    output: str
    returncode: int = 0
    seconds: float = 1.0
    # What the recorded command left on disk, made again from its argv (an sdist, a venv).
    leaves: Callable[[list[str]], None] | None = None


@dataclass
class Replay:
    """Serves, for each command whose program name (argv[0]'s file name) is a key, what that
    program printed in a recorded run; every other command fails as not found."""

    programs: Mapping[str, Recorded]
    calls: list[tuple[list[str], dict[str, str], Path]] = field(default_factory=list)

    def __call__(
        self,
        cmd: Sequence[str | os.PathLike[str]],
        *,
        cwd: Path,
        env: Mapping[str, str],
        log: Path | None = None,
        check: bool = True,
        timeout: float | None = None,
        on_line: Callable[[str], None] | None = None,
    ) -> Completed:
        argv = [os.fspath(c) for c in cmd]
        self.calls.append((argv, dict(env), cwd))
        found = self.programs.get(Path(argv[0]).name, Recorded(f"command not found: {argv[0]}", 127, 0.0))
        done = Completed(found.returncode, found.seconds, found.output)
        if found.leaves is not None:
            found.leaves(argv)
        if log is not None:
            log.parent.mkdir(parents=True, exist_ok=True)
            log.write_text(done.output, encoding="utf-8")
        return done
