"""The survey: its list, which strategies each project gets, what a second survey keeps, and
its table, fed with the curated list and a results file recorded from a real run."""

import json
import re
import shutil
import sys
from pathlib import Path

import pytest

from harness.errors import UsageError
from harness.report import html
from harness.report import markdown as md
from harness.survey.figures import measured
from harness.survey.listing import SurveyProject, load_list
from harness.survey.runner import (
    Row,
    SurveyOptions,
    last_words,
    read_row,
    row_path,
    series_digests,
    series_lines,
    series_used,
    still_good,
    strategies_for,
    survey,
)
from harness.survey.table import document
from tests.conftest import REPEATED
from tests.replay import Recorded, Replay

PROJECTS = load_list()
PYTHON = Path(sys.executable).name


def options(out: Path, budget: float = 600.0) -> SurveyOptions:
    return SurveyOptions(
        out, out / "cache", "/usr/bin/python3", "build,uv", "stock,frontend-patch", "warm", budget
    )


def test_the_curated_list_spans_what_the_issue_asks() -> None:
    assert len(PROJECTS) >= 25
    assert all(re.fullmatch(r"[0-9a-f]{64}", p.sha256) and "==" in p.spec for p in PROJECTS)
    assert {p.backend for p in PROJECTS} == {"maturin", "setuptools-rust"}
    assert {p.binding for p in PROJECTS} == {"pyo3", "pyo3-ffi"}
    assert {p.abi3 for p in PROJECTS} == {True, False} and {p.workspace for p in PROJECTS} == {True, False}
    assert len({p.pyo3_line for p in PROJECTS if p.pyo3}) >= 3, "several pyo3 release lines"


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("", "no [[project]] tables"),
        ('[[project]]\nspec = "a==1"\n', "`sha256` is missing"),
        ("[[project]\n", "accepted: a TOML file"),
    ],
)
def test_a_bad_list_is_refused_with_what_is_accepted(tmp_path: Path, text: str, said: str) -> None:
    path = tmp_path / "list.toml"
    path.write_text(text)
    with pytest.raises(UsageError, match=re.escape(said)):
        load_list(path)


def test_a_project_on_a_pyo3_line_without_a_series_is_measured_stock_only() -> None:
    lines = series_lines()
    assert {"0.28", "0.29", "0.30"} <= lines
    by_name = {p.name: p for p in PROJECTS}
    covered = next(p for p in PROJECTS if p.binding == "pyo3" and p.pyo3_line in lines)
    assert strategies_for(covered, "stock,frontend-patch", lines) == ("stock,frontend-patch", "")
    old = next(p for p in PROJECTS if p.pyo3 and p.pyo3_line not in lines)
    kept, why = strategies_for(old, "stock,frontend-patch", lines)
    assert kept == "stock" and f"no series for pyo3 line {old.pyo3_line}" in why
    ffi = next(p for p in by_name.values() if p.binding == "pyo3-ffi")
    assert strategies_for(ffi, "stock,frontend-patch", lines)[0] == "stock"


def test_a_row_is_kept_with_its_stamp_and_an_over_budget_one_retried_with_more_time() -> None:
    row = Row("x==1", "measured", 10.0, 0, "", "abc", 600.0)
    assert (
        still_good(row, "abc", 600.0) and not still_good(row, "def", 600.0) and not still_good(None, "abc", 1)
    )
    late = Row("x==1", "over-budget", 600.0, 124, "", "abc", 600.0)
    assert still_good(late, "abc", 600.0) and not still_good(late, "abc", 1200.0)


def markdown(projects: list[SurveyProject], rows: dict[str, Row], out: Path) -> str:
    return md.document(document(measured(projects, rows, out), "pyo3-harness survey"))


def test_rows_are_stored_as_they_finish_and_a_second_survey_skips_them(tmp_path: Path) -> None:
    two = PROJECTS[:2]
    # The child `pyo3-harness run`s as they ended in a real survey: one built, one past its budget.
    said: list[str] = []
    first = Replay({PYTHON: Recorded("results: …/results.json", 0, 42.0)})
    (row_path(tmp_path, two[0]).parent / "work" / "target").mkdir(parents=True)
    rows = survey(two, options(tmp_path), env={}, runner=first, measured_with={"pins": "p"}, say=said.append)
    assert [r.status for r in rows] == ["measured", "measured"]
    assert all(read_row(row_path(tmp_path, p)) == r for p, r in zip(two, rows, strict=True))
    assert "about 1 min left" in said[2], said  # one project of 42 s measured, one to go
    assert not (row_path(tmp_path, two[0]).parent / "work").exists(), "the work copies are removed"
    argv = first.calls[0][0]
    assert argv[argv.index("--project") + 1] == two[0].spec and "--cache-dir" in argv
    again = Replay({})
    survey(two, options(tmp_path), env={}, runner=again, measured_with={"pins": "p"}, say=said.append)
    assert again.calls == [] and said[-1].endswith("measured already, with the same stamp")
    newer = Replay({PYTHON: Recorded("timed out after 1s", 124, 1.0)})
    rows = survey(
        two[:1], options(tmp_path, 1.0), env={}, runner=newer, measured_with={"pins": "q"}, say=said.append
    )
    assert rows[0].status == "over-budget" and "over the budget of 1 s" in rows[0].detail


def test_the_table_reads_each_projects_own_results(tmp_path: Path) -> None:
    project = PROJECTS[0]
    out = row_path(tmp_path, project).parent / "out"
    out.mkdir(parents=True)
    shutil.copy(REPEATED, out / "results.json")  # a real run: stock churns 3 crates, exported none
    rows = {project.spec: Row(project.spec, "measured", 300.0, 0, "", "s", 600.0)}
    text = markdown(PROJECTS[:2], rows, tmp_path)
    mine = next(line for line in text.splitlines() if project.spec in line)
    assert "| **measured** |" not in mine and "| measured |" in mine, mine
    assert "| **3** |" in mine and "PYO3_PYTHON changed" in mine, mine  # churn, as a warning, and why
    other = next(line for line in text.splitlines() if PROJECTS[1].spec in line)
    assert "not measured yet" in other
    # The aggregate comes first and counts from the same results.
    assert text.index("The answer") < text.index("Every listed project")
    assert "build: a stock warm rebuild recompiles crates in 1 of 1 projects" in text
    assert "1 of 2 listed projects measured, 0 failed, 0 over their budget, 1 not measured yet." in text
    page = html.page(document(measured(PROJECTS[:2], rows, tmp_path), "pyo3-harness survey"))
    assert '<section id="aggregate">' in page and project.spec in page


def test_a_project_depends_only_on_the_series_it_is_measured_with(tmp_path: Path) -> None:
    for where in ("pyo3/0.28.3", "pyo3/0.29.2", "pyo3/main", "build/1.6.1", "maturin/1.16.0"):
        (tmp_path / where).mkdir(parents=True)
        (tmp_path / where / "series").write_text("0001.patch\n")
        (tmp_path / where / "0001.patch").write_text(f"a change to {where}\n")
    project = next(p for p in PROJECTS if p.binding == "pyo3" and p.pyo3 == "0.29.3")
    before = series_digests(tmp_path)
    used = series_used(project, "stock,frontend-patch", before)
    assert sorted(used) == ["build/1.6.1", "pyo3/0.29.2"]
    assert series_used(project, "stock", before) == {}
    # The backends' series only for a strategy that patches the backend.
    assert sorted(series_used(project, "stock,backend-patch", before)) == ["maturin/1.16.0", "pyo3/0.29.2"]
    # A new 0.28 series leaves a 0.29 project's stamp alone; a new build series does not.
    (tmp_path / "pyo3/0.28.3/0001.patch").write_text("another change\n")
    assert series_used(project, "stock,frontend-patch", series_digests(tmp_path)) == used
    # A carry for another release of its line (0.29.0) is not the series that covers 0.29.3.
    (tmp_path / "pyo3/0.29.0").mkdir()
    (tmp_path / "pyo3/0.29.0/series").write_text("0001.patch\n")
    (tmp_path / "pyo3/0.29.0/0001.patch").write_text("a port\n")
    assert series_used(project, "stock,frontend-patch", series_digests(tmp_path)) == used
    (tmp_path / "build/1.6.1/0001.patch").write_text("another change\n")
    assert series_used(project, "stock,frontend-patch", series_digests(tmp_path)) != used


def test_a_row_measured_beside_other_work_says_its_seconds_are_long(tmp_path: Path) -> None:
    project = PROJECTS[0]
    busy = {project.spec: Row(project.spec, "measured", 300.0, 0, "", "s", 600.0, others=0.4)}
    quiet = {project.spec: Row(project.spec, "measured", 300.0, 0, "", "s", 600.0, others=0.02)}
    assert "other work used 40% of the cores" in markdown(PROJECTS[:1], busy, tmp_path)
    assert "other work" not in markdown(PROJECTS[:1], quiet, tmp_path)


def test_a_failed_rows_detail_keeps_cargos_error_line() -> None:
    # The end of `run --project cryptography==51.0.1`'s output here (2026-12-07).
    output = (
        "pyo3-harness: --project /c/cryptography-51.0.1: cargo metadata could not resolve /c/Cargo.toml:\n"
        'error: failed to select a version for the requirement `asn1 = "^0.25.0"` (locked to 0.25.1)\n'
        "candidate versions found which didn't match: 0.24.1, 0.24.0, 0.23.1, ...\n"
        "location searched: crates.io index\n"
        "required by package `cryptography-rust v0.51.1 (/c/cryptography-51.0.1/src/rust)`\n"
    )
    said = last_words(output)
    assert said.startswith('error: failed to select a version for the requirement `asn1 = "^0.25.0"`'), said
    assert last_words("a\nb\nc\nd\n") == "b / c / d"


def test_table_only_renders_the_committed_rows_of_real_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`survey --table-only` (the survey workflow's last job) over the rows kept in survey/,
    recorded from real runs on this machine: no build, the same three files, exit 1 while a
    listed project failed."""
    from harness.cli import main

    out = tmp_path / "survey"
    shutil.copytree(Path(__file__).resolve().parents[2] / "survey" / "projects", out / "projects")
    assert main(["survey", "--table-only", "--out", str(out)]) == 1
    text = (out / "survey.md").read_text(encoding="utf-8")
    for spec in ("pydantic-core==2.50.5", "rpds-py==2026.9.1", "cryptography==51.0.1"):
        assert spec in text and spec in (out / "survey.html").read_text(encoding="utf-8")
    failed = next(line for line in text.splitlines() if "cryptography==51.0.1" in line)
    assert "failed" in failed
    rows = {r["project"]: r["status"] for r in json.loads((out / "survey.json").read_text())}
    assert rows["pydantic-core==2.50.5"] == "measured" and rows["cryptography==51.0.1"] == "failed"
    assert "survey.md" in capsys.readouterr().err
