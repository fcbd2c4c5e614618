"""`pyo3-harness matrix`: a deterministic job matrix whose every job is a `run` the CLI accepts."""

import json
import shlex
from collections import defaultdict
from pathlib import Path

import pytest

from harness.ci_matrix import DEFAULT_OSES, DEFAULT_PYTHONS, GITHUB_MATRIX_LIMIT, github, plan
from harness.cli import build_parser, main, selection_from
from harness.errors import UsageError
from harness.install.frontends import DEFAULT_FRONTENDS
from harness.pins import load_pins
from harness.run.selection import Selection
from harness.workbench.samples import DEFAULT_SAMPLES
from harness.workbench.strategies import DEFAULT_STRATEGIES

NO_CACHE = Path("/nonexistent-cache")  # selections without --project never touch it


def selection(*args: str) -> Selection:
    return selection_from(
        build_parser().parse_args(["matrix", *args]), load_pins(), Path("/nonexistent-cache")
    )


def run_selection(args: str) -> Selection:
    return selection_from(
        build_parser().parse_args(["run", *shlex.split(args)]), load_pins(), Path("/nonexistent-cache")
    )


def matrix(argv: list[str], capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    assert main(["matrix", "--format", "github", *argv]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1, "one line: a step output"
    include: list[dict[str, object]] = json.loads(out)["include"]
    return include


def test_default_matrix_is_os_by_python_by_frontend(capsys: pytest.CaptureFixture[str]) -> None:
    jobs = matrix([], capsys)
    assert len(jobs) == len(DEFAULT_OSES) * len(DEFAULT_PYTHONS) * len(DEFAULT_FRONTENDS)
    assert {j["os"] for j in jobs} == set(DEFAULT_OSES)
    assert {j["python"] for j in jobs} == set(DEFAULT_PYTHONS)
    assert {j["frontend"] for j in jobs} == set(DEFAULT_FRONTENDS)
    assert {j["shard"] for j in jobs} == {"1/1"}
    assert set(jobs[0]) == {"os", "python", "frontend", "shard", "cells", "artifact", "args", "switch"}
    assert len({j["artifact"] for j in jobs}) == len(jobs), "artifact names are unique"
    assert not any("/" in str(j["artifact"]) for j in jobs), "upload-artifact refuses '/'"
    assert jobs == matrix([], capsys), "deterministic"


def test_every_job_is_a_run_the_cli_accepts_and_shards_cover_each_frontend(
    capsys: pytest.CaptureFixture[str],
) -> None:
    flags = ["--strategy", "stock,exported", "--sample", "pyo3-ext,cffi-style:base-aware"]
    jobs = matrix([*flags, "--shards", "3", "--os", "ubuntu-latest", "--python", "3.12"], capsys)
    whole = selection(*flags)
    dealt: dict[str, list[str]] = defaultdict(list)
    for job in jobs:
        ran = run_selection(str(job["args"]))
        assert tuple(map(str, ran.frontends)) == (job["frontend"],)
        assert str(ran.shard) == job["shard"]
        assert len(ran.to_run()) == job["cells"]
        dealt[str(job["frontend"])] += [c.id for c in ran.to_run()]
    assert sorted(c for ids in dealt.values() for c in ids) == sorted(c.id for c in whole.cells())
    assert {j["shard"] for j in jobs} == {"1/3", "2/3", "3/3"}


def test_more_shards_than_cells_are_clamped_with_a_note(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["--frontend", "uv", "--strategy", "stock", "--sample", "pyo3-ext", "--shards", "4"]
    jobs = matrix([*argv, "--os", "ubuntu-latest", "--python", "3.13"], capsys)
    assert [j["shard"] for j in jobs] == ["1/1"]
    assert main(["matrix", "--format", "github", *argv]) == 0
    assert "uv: 4 shards asked, but its selection has 1 cell(s); using 1" in capsys.readouterr().err


def test_text_format_lists_the_same_jobs(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["matrix", "--frontend", "uv", "--os", "macos-latest", "--python", "3.14t"]) == 0
    out = capsys.readouterr().out
    cells = len(DEFAULT_STRATEGIES) * len(DEFAULT_SAMPLES)
    assert out.startswith(f"1 job(s), {cells} cell run(s) in all:")
    assert "macos-latest  3.14t  uv" in out and "pyo3-harness run --frontend uv --strategy" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--python", "3.9"], "--python '3.9': accepted are CPython versions 3.10 or newer"),
        (["--python", "py3.12"], "accepted are CPython versions 3.10 or newer as X.Y, or X.Yt"),
        (["--python", "3.12t"], "free-threaded builds exist from 3.13 on"),
        (["--os", "ubuntu latest"], "--os 'ubuntu latest' is not a runner label"),
        (["--shards", "0"], "--shards '0': accepted is a whole number of shards per job, 1 or more"),
        (["--shards", "x"], "--shards 'x'"),
        (["--frontend", "pipx"], "unknown frontend 'pipx'"),
        (["--frontend", "pip@/tmp"], "a checkout or binary on this machine does not exist on a CI runner"),
        (["--strategy", "all", "--sample", "all", "--shards", "9"], f"at most {GITHUB_MATRIX_LIMIT} per"),
    ],
)
def test_bad_matrix_input_exits_2(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["matrix", *argv]) == 2
    assert message in capsys.readouterr().err


def test_plan_refuses_a_project() -> None:
    with pytest.raises(UsageError, match="--project names a local directory"):
        plan(run_selection(f"--project {Path.cwd()}"), oses=["x"], pythons=["3.12"], shards_per_job=1)


def test_github_output_is_compact_json() -> None:
    planned = plan(
        selection("--frontend", "build"), oses=["ubuntu-latest"], pythons=["3.11"], shards_per_job=2
    )
    data = json.loads(github(planned))
    assert [j["artifact"] for j in data["include"]] == [
        "results-ubuntu-latest-py3.11-build-1of2",
        "results-ubuntu-latest-py3.11-build-2of2",
    ]


def test_a_job_that_switches_gets_two_other_pythons_to_install_and_switch_to() -> None:
    chosen = selection("--frontend", "build", "--scenario", "warm,switch-python,base-mismatch")
    jobs = plan(chosen, oses=["ubuntu-latest"], pythons=["3.11", "3.13", "3.14t"], shards_per_job=1).jobs
    switch = {job.python: job.switch for job in jobs}
    assert switch == {"3.11": ("3.13", "3.14t"), "3.13": ("3.12", "3.14t"), "3.14t": ("3.13", "3.12")}
    for job in jobs:
        args = list(job.args)
        assert args[args.index("--switch-python") + 1] == ",".join(job.switch)
        # What the job hands `run` is a selection the CLI takes, second interpreters included.
        parsed = build_parser().parse_args(["run", *args])
        assert parsed.switch_python == ",".join(job.switch)
    warm = selection("--frontend", "build", "--scenario", "warm")
    plain = plan(warm, oses=["ubuntu-latest"], pythons=["3.11"], shards_per_job=1)
    assert plain.jobs[0].switch == () and "--switch-python" not in plain.jobs[0].args
    assert json.loads(github(plain))["include"][0]["switch"] == ""
