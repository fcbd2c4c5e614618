"""One measured build through the engine, its processes replayed from real builds' output
(tests/replay.py): what the record says, where its log goes, how a failure is explained."""

from pathlib import Path

import pytest

from harness.install.cache import Cache
from harness.install.envs import Interpreter, PythonEnv
from harness.install.frontends import FRONTENDS, Installed
from harness.install.provision import Provisioner, Wheelhouse
from harness.model.results import FROM_CARGO_OUTPUT, FROM_FINGERPRINTS
from harness.model.scenarios import SCENARIOS
from harness.pins import load_pins
from harness.run.cellrun import CellRun
from harness.run.context import Context
from harness.run.engine import build_plan, measured_build
from harness.run.selection import Selection
from tests.replay import Recorded, Replay

FIXTURES = Path(__file__).parents[1] / "fixtures"
PYTHON = Interpreter(
    "/usr/local/bin/python3.11", "/usr/local/bin/python3.11", "3.11.7", "cpython", ".so", False
)


def cell_run(tmp_path: Path, replay: Replay, scenario: str) -> tuple[CellRun, Installed]:
    provisioner = Provisioner(
        cache=Cache(tmp_path / "cache"),
        pins=load_pins(),
        interpreter=PYTHON,
        base_env={"PATH": "/usr/bin"},
        tools=PythonEnv(tmp_path / "tools", ()),
        stock_wheelhouse=tmp_path / "wheelhouse",
    )
    ctx = Context(provisioner, out=tmp_path / "out", work=tmp_path / "work", runner=replay)
    [cell] = Selection.from_names(
        pyo3_versions=load_pins().pyo3_versions,
        frontends=["build"],
        strategies=["stock"],
        samples=["hazard:config-executable"],
        scenarios=[scenario],
    ).cells()
    workdir = ctx.work / cell.id
    (workdir / "src").mkdir(parents=True)
    (workdir / "src" / "Cargo.toml").write_text('[package]\nname = "hazard"\n')
    cr = CellRun(ctx, cell, workdir, ctx.out / "logs" / cell.id, Wheelhouse(tmp_path / "wheelhouse", "PyPI"))
    cr.logs.mkdir(parents=True)
    env = PythonEnv(tmp_path / "envs" / "build", ())
    return cr, Installed(FRONTENDS["build"], "1.6.1", env, "PyPI build==1.6.1", PYTHON)


def test_an_sdist_build_is_read_from_cargos_output_and_a_missing_wheel_fails_it(tmp_path: Path) -> None:
    recorded = (FIXTURES / "cargo-output" / "build-hazard-warm.log").read_text()
    replay = Replay({"python": Recorded(recorded, seconds=16.88)})
    cr, installed = cell_run(tmp_path, replay, "sdist-warm")
    record = measured_build(cr, build_plan(cr, SCENARIOS["sdist-warm"], installed), installed)
    [(argv, env, cwd)] = replay.calls
    assert argv[1:3] == ["-m", "build"] and "--wheel" not in argv, "built through the sdist"
    assert env["CARGO_NET_OFFLINE"] == "true" and cwd == cr.src
    assert record.measured_from == FROM_CARGO_OUTPUT
    assert record.rebuilt == ["pyo3-ffi", "pyo3", "hazard"]
    assert record.cargo_seconds == pytest.approx(13.99)
    assert (record.ok, record.error) == (False, "the frontend exited 0 but produced no wheel")
    assert Path(record.log).read_text() == recorded


def test_a_failed_build_is_explained_from_its_log(tmp_path: Path) -> None:
    recorded = (FIXTURES / "failures" / "c-header.log").read_text()
    replay = Replay({"python": Recorded(recorded, returncode=1)})
    cr, installed = cell_run(tmp_path, replay, "warm")
    record = measured_build(cr, build_plan(cr, SCENARIOS["warm"], installed), installed)
    assert record.measured_from == FROM_FINGERPRINTS and record.returncode == 1
    assert not record.ok and record.error is not None
    assert record.error.startswith("build failed with exit 1: ") and "pyo3_harness_missing.h" in record.error
    assert record.error.endswith(f"see {record.log}")
    assert (cr.logs / "warm.fingerprints.json").exists(), "cargo's records are kept beside the log"


def test_a_program_the_replay_does_not_know_is_not_found(tmp_path: Path) -> None:
    cr, installed = cell_run(tmp_path, Replay({}), "warm")
    record = measured_build(cr, build_plan(cr, SCENARIOS["warm"], installed), installed)
    assert record.returncode == 127 and not record.ok
