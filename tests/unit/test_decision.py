"""The decision table, fed with a real run where every safety check passed and failed."""

import copy
import statistics

from harness.model.results import RunResult
from harness.report import markdown
from harness.report.decision import UNRECORDED, decision_rows, decision_table, verdicts


def test_one_row_per_strategy_with_every_check_the_run_recorded(safety: RunResult) -> None:
    table = decision_table(safety)
    labels = [c.label for c in safety.safety_checks]
    assert list(table.head[5:-1]) == labels
    rows = {row.strategy: row for row in decision_rows(safety)}
    assert list(rows) == ["stock", "env-dir", "no-isolation", "maturin-base-python"]
    assert {k: str(s) for k, s in rows["stock"].checks.items()} == dict.fromkeys(rows["stock"].checks, "pass")
    assert str(rows["env-dir"].checks["stale"]) == "FAIL (2 cell(s))"
    assert str(rows["maturin-base-python"].checks["stale"]) == "ERROR (1 cell(s))"
    cells = [c for c in safety.cells if c.strategy == "no-isolation"]
    assert rows["no-isolation"].checks["isolation"].failed == tuple(c.id for c in cells)
    assert rows["no-isolation"].upstream == cells[0].upstream


def test_verdicts_say_what_failed_in_the_checks_labels(safety: RunResult) -> None:
    said, failures = verdicts(safety)
    assert said[0].startswith("stock: no warm build succeeded, passes every safety check; needs nothing")
    assert said[1].startswith("env-dir: no warm build succeeded, but fails: no stale cache; needs ")
    assert said[3].startswith(
        "maturin-base-python: no warm build succeeded, "
        "but fails: build requirements reachable, no stale cache"
    )
    assert failures[0].startswith("No stale cache failed in build--env-dir--pyo3-ext--pyo3-")
    assert len(failures) == 4
    assert "Failed checks:\n\n" + "\n".join(f"- {f}" for f in failures) in markdown.render(safety)


def test_units_and_seconds_come_from_the_headline_rebuild(repeated: RunResult) -> None:
    stock = decision_rows(repeated)[0]
    warm = [b for c in repeated.cells if c.strategy == "stock" for b in c.attempts("warm")]
    assert stock.warm_crates == (3, 3) and stock.warm_crates_text == "3"
    # Units from each cell's first attempt; seconds: the median over all six attempts of both cells.
    assert len(warm) == 6
    assert stock.warm_seconds == round(statistics.median(b.seconds for b in warm), 2)


def test_results_from_before_checks_and_upstream_were_recorded(
    repeated: RunResult, safety: RunResult
) -> None:
    old = decision_rows(repeated)
    assert all(row.upstream == UNRECORDED and not row.checks for row in old)
    assert old[0].verdict.endswith("safety not checked in this run; its upstream change is not recorded.")
    # A run that recorded its checks but whose cells carry only some of them: the rest are "not checked".
    partial = copy.deepcopy(safety)
    for cell in partial.cells:
        cell.checks = [v for v in cell.checks if v.check == "isolation"]
    row = decision_rows(partial)[0]
    assert str(row.checks["stale"]) == "not checked"
    assert (
        "passes the checks run (not checked: build requirements reachable, no stale cache, wheel correct)"
        in row.verdict
    )
