"""`pyo3-harness report`: merge results files, compare with a baseline, write the three reports."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from harness.errors import UsageError
from harness.files import write_set
from harness.model.results import RunResult, results_text
from harness.report import html, markdown
from harness.report.compare import Comparison, compare
from harness.report.merge import load, merge


@dataclass(frozen=True)
class Published:
    result: RunResult
    comparison: Comparison | None
    results: Path
    markdown: Path
    html: Path


def publish(paths: Sequence[Path], out: Path, *, baseline: Path | None, command: list[str]) -> Published:
    """Everything is read and checked before anything is written, so bad input writes nothing."""
    written = out / "results.json"
    for path in [*paths, *([baseline] if baseline else [])]:
        if path.resolve() == written.resolve():
            raise UsageError(
                f"{path} is an input and would be overwritten by {written}; choose another --out"
            )
    result = merge(paths, command)
    comparison = compare(load(baseline), result, str(baseline)) if baseline is not None else None
    # Rendered in full before anything is written, and written as a set: the three files in
    # --out always describe the same run.
    write_set(
        {
            written: results_text(result),
            out / "report.md": markdown.render(result, comparison),
            out / "report.html": html.render(result, comparison),
        }
    )
    return Published(result, comparison, written, out / "report.md", out / "report.html")
