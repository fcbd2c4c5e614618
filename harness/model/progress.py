"""What a run says while it works: small records of strings, from the run to whoever shows them.

The run (``harness.run``) emits them; the terminal printer (``harness.report.terminal``) shows
them. Neither knows the other's types: an event carries words and the finished build's record.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from harness.model.results import BuildRecord


@dataclass(frozen=True)
class Note:
    text: str


@dataclass(frozen=True)
class CellStarted:
    frontend: str  # as given: "uv", "pip==26.1"
    strategy: str
    sample: str  # as given: "cffi-style:base-aware"
    pyo3: str


@dataclass(frozen=True)
class BuildStarted:
    scenario: str
    attempt: int  # 0 for the first (or only) attempt


@dataclass(frozen=True)
class BuildDone:
    record: BuildRecord


@dataclass(frozen=True)
class CellFailed:
    error: str  # why the cell could not be set up


Event = Note | CellStarted | BuildStarted | BuildDone | CellFailed
Progress = Callable[[Event], None]
