"""Each project's figures checked by cargo itself: its builds run verbose, and every rebuild our
reading of cargo's records measured is compared with cargo's own ``Dirty`` lines in its log."""

from __future__ import annotations

import json
from pathlib import Path

from harness.measure.cargo_account import check
from harness.model.results import RunResult, schema_problem

# What a project's run is given on top of the survey's environment: cargo says what it rebuilt
# and why. It changes cargo's output only, not what is compiled.
VERBOSE = {"CARGO_TERM_VERBOSE": "true"}


def cross_check(results: Path) -> str:
    """What cargo said of the rebuilds in ``results`` (a project's results.json): "" when there
    was nothing to check."""
    try:
        data = json.loads(results.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ""
    if schema_problem(data):
        return ""
    agreed, differ = 0, []
    for cell in RunResult.from_json(data).cells:
        for record in cell.builds:
            if not (
                record.ok and record.log and record.scenario != "cold" and (record.rebuilt or record.reran)
            ):
                continue
            try:
                account = check(record, Path(record.log).read_text(encoding="utf-8", errors="replace"))
            except OSError:
                continue
            if account.agrees is True:
                agreed += 1
            elif account.agrees is False:
                differ.append(f"{cell.frontend}/{cell.strategy} {record.scenario}: {account.detail}")
    if differ:
        return "differs: " + "; ".join(differ)
    return f"agrees on {agreed} rebuild(s)" if agreed else ""
