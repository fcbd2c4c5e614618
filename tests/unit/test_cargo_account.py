"""cargo's own account (CARGO_TERM_VERBOSE=true) beside ours, from a run recorded on 2026-12-07:
pyo3-ext on pyo3 0.29.2, stock, warm rebuilds through build and uv."""

import json
from dataclasses import replace
from pathlib import Path

from harness.measure.cargo_account import check, dirty
from harness.model.causes import Cause
from harness.model.results import RunResult
from harness.survey.crosscheck import cross_check

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
RECORDED = FIXTURES / "cargo-verbose"


def warm(frontend: str):  # type: ignore[no-untyped-def]
    result = RunResult.from_json(json.loads((RECORDED / "results.json").read_text()))
    cell = next(c for c in result.cells if c.frontend == frontend)
    record = cell.build("warm")
    assert record is not None
    return record, (RECORDED / f"{frontend}-warm.log").read_text()


def test_cargo_names_what_we_read_through_both_frontends() -> None:
    for frontend in ("build", "uv"):
        record, log = warm(frontend)
        assert dirty(log)["pyo3-ffi"] == "the env variable PYO3_PYTHON changed"
        found = check(record, log)
        assert found.agrees is True, found.detail


def test_a_reading_that_differs_from_cargos_is_named() -> None:
    record, log = warm("build")
    missing = replace(record, rebuilt=[p for p in record.rebuilt if p != "pyo3"], reran=[])
    short = check(missing, log)
    assert short.agrees is False and "cargo rebuilt ['pyo3', 'pyo3-ext', 'pyo3-ffi']" in short.detail
    causes = [replace(c, var="PYO3_BASE_PYTHON") if c.kind == "env" else c for c in record.causes]
    wrong = check(replace(record, causes=causes), log)
    assert wrong.agrees is False and "PYO3_BASE_PYTHON" in wrong.detail


def test_a_build_that_was_not_verbose_has_no_account() -> None:
    record, _ = warm("build")
    quiet = (FIXTURES / "cargo-output" / "build-hazard-warm.log").read_text()
    assert check(record, quiet).agrees is None


def recorded_run(tmp_path: Path, logs: dict[str, str]) -> Path:
    """The recorded results, their warm builds' logs where ``logs`` puts them."""
    data = json.loads((RECORDED / "results.json").read_text())
    for cell in data["cells"]:
        for build in cell["builds"]:
            if build["scenario"] == "warm":
                log = tmp_path / f"{cell['frontend']}-warm.log"
                log.write_text(logs[cell["frontend"]])
                build["log"] = str(log)
    results = tmp_path / "results.json"
    results.write_text(json.dumps(data))
    return results


def test_a_surveyed_projects_rebuilds_are_checked_against_cargos_account(tmp_path: Path) -> None:
    logs = {f: (RECORDED / f"{f}-warm.log").read_text() for f in ("build", "uv")}
    assert cross_check(recorded_run(tmp_path, logs)) == "agrees on 2 rebuild(s)"
    logs["uv"] = logs["uv"].replace("Dirty pyo3 v0.29.2: info of dependency `pyo3-ffi` changed\n", "")
    said = cross_check(recorded_run(tmp_path, logs))
    assert said.startswith("differs: uv/stock warm: cargo rebuilt ['pyo3-ext', 'pyo3-ffi']"), said
    assert cross_check(tmp_path / "absent.json") == ""


def test_a_unit_with_no_earlier_record_has_no_dirty_line_and_is_not_counted() -> None:
    # ci-restore: rust-cache prunes the project's own units, so they compile as new ones.
    record, log = warm("build")
    new = Cause(unit="pyo3-ext2", unit_kind="lib", kind="new")
    found = check(replace(record, rebuilt=[*record.rebuilt, "pyo3-ext2"], causes=[*record.causes, new]), log)
    assert found.agrees is True, found.detail
