"""Shards: deterministic slices of a selection, so N jobs together run every cell exactly once.

Cells are dealt round-robin in the selection's own order (``Selection.cells()``): shard I of N
gets cells I-1, I-1+N, I-1+2N, ... Round-robin rather than contiguous blocks, because the
selection is ordered sample-major, and blocks would give one shard every slow sample.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from harness.errors import UsageError
from harness.model.provenance import ShardRecord

T = TypeVar("T")

ACCEPTED_FORM = "I/N with 1 <= I <= N, e.g. 1/4"
_SHARD = re.compile(r"(\d+)/(\d+)", re.ASCII)


@dataclass(frozen=True)
class Shard:
    index: int  # 1-based
    count: int

    def __post_init__(self) -> None:
        if self.count < 1:
            raise UsageError(f"shard count {self.count} must be at least 1; accepted: {ACCEPTED_FORM}")
        if not 1 <= self.index <= self.count:
            raise UsageError(
                f"shard index {self.index} is not between 1 and {self.count}; accepted: {ACCEPTED_FORM}"
            )

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    def select(self, items: Sequence[T]) -> list[T]:
        """This shard's share of ``items``, in their order."""
        return list(items[self.index - 1 :: self.count])

    def record(self, all_ids: Sequence[str], assigned: Sequence[str]) -> ShardRecord:
        """What results.json keeps, so a merge can tell whether its shards cover the matrix."""
        return ShardRecord(self.index, self.count, tuple(all_ids), tuple(assigned))


def parse_shard(text: str) -> Shard:
    """``"2/4"`` -> ``Shard(2, 4)``; anything else is a UsageError naming the accepted form."""
    match = _SHARD.fullmatch(text.strip())
    if match is None:
        raise UsageError(f"--shard {text!r} is not of the form I/N; accepted: {ACCEPTED_FORM}")
    index, count = int(match.group(1)), int(match.group(2))
    try:
        return Shard(index, count)
    except UsageError as exc:
        raise UsageError(f"--shard {text}: {exc}") from None


def shards(count: int) -> list[Shard]:
    """Every shard of a split into ``count``."""
    return [Shard(i, count) for i in range(1, count + 1)]
