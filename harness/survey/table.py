"""The survey's table: one row per listed project, from its row and its own results file."""

from __future__ import annotations

import json
import statistics
from pathlib import Path

from harness.model.results import CellResult, RunResult, schema_problem
from harness.model.scenarios import HEADLINE
from harness.survey.listing import SurveyProject
from harness.survey.runner import Row, row_path

HEAD = (
    "Project",
    "Rank",
    "Backend",
    "pyo3",
    "abi3",
    "Status",
    f"stock {HEADLINE.name}: crates, s",
    f"patch set {HEADLINE.name}: crates, s",
    "Failed checks",
)


def _results(out: Path, project: SurveyProject) -> RunResult | None:
    path = row_path(out, project).parent / "out" / "results.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return None if schema_problem(data) else RunResult.from_json(data)


def _headline(cells: list[CellResult]) -> str:
    """Crates recompiled on the headline rebuild (min-max over frontends) and its median seconds."""
    builds = [b for c in cells for b in c.attempts(HEADLINE.name) if b.ok]
    if not builds:
        return "–"
    crates = sorted({len(b.rebuilt) for b in builds})
    shown = str(crates[0]) if len(crates) == 1 else f"{crates[0]}–{crates[-1]}"
    return f"{shown}, {statistics.median(b.seconds for b in builds):.1f} s"


def _failed_checks(result: RunResult) -> str:
    failed = sorted(
        {f"{c.strategy}: {v.check}" for c in result.cells for v in c.checks if v.status == "fail"}
    )
    return "; ".join(failed) or "none"


# Above this share of the cores taken by other work, a row's seconds say so.
SHARED_CORES = 0.1


def _status(row: Row | None) -> str:
    if row is None:
        return "not measured yet"
    said = [row.detail] if row.detail else []
    if row.others is not None and row.others > SHARED_CORES:
        said.append(f"other work used {row.others:.0%} of the cores: its seconds are long")
    return row.status + (f" ({'; '.join(said)})" if said else "")


def table_row(project: SurveyProject, row: Row | None, result: RunResult | None) -> tuple[str, ...]:
    status = _status(row)
    stock = [c for c in result.cells if c.strategy == "stock"] if result else []
    patched = [c for c in result.cells if c.strategy == "frontend-patch"] if result else []
    return (
        f"`{project.spec}`",
        str(project.rank),
        project.backend,
        project.pyo3 or "?",
        "yes" if project.abi3 else "no",
        status,
        _headline(stock),
        _headline(patched),
        _failed_checks(result) if result else "–",
    )


def markdown(projects: list[SurveyProject], rows: dict[str, Row], out: Path) -> str:
    lines = ["| " + " | ".join(HEAD) + " |", "|" + "---|" * len(HEAD)]
    for project in projects:
        cells = table_row(project, rows.get(project.spec), _results(out, project))
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"
