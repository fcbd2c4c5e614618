"""What the run makes around a build, through replayed commands (tests/replay.py): the sdist a
pip build starts from, the venv an installing frontend installs into, and a spelling of the base."""

import subprocess
import sys
from pathlib import Path

import pytest

from harness.errors import HarnessError
from harness.run.products import make_sdist, make_target_env, spell_base
from tests.replay import Recorded, Replay
from tests.unit.test_measured_build import PYTHON, cell_run

UV_SDIST = (
    "Building source distribution (uv build backend)...\nSuccessfully built dist/pyo3_ext-0.1.0.tar.gz\n"
)


def _sdist_into_out_dir(argv: list[str]) -> None:
    out = Path(argv[argv.index("--out-dir") + 1])
    out.mkdir(parents=True, exist_ok=True)
    (out / "pyo3_ext-0.1.0.tar.gz").write_bytes(b"")


def test_the_sdist_is_made_by_the_harnesss_uv_from_the_work_copy_offline(tmp_path: Path) -> None:
    replay = Replay({"uv": Recorded(UV_SDIST, leaves=_sdist_into_out_dir)})
    cr, _ = cell_run(tmp_path, replay, "sdist-cold")
    made = make_sdist(cr, cr.workdir / "sdist", cr.logs / "sdist-cold.sdist.log")
    assert made == cr.workdir / "sdist" / "pyo3_ext-0.1.0.tar.gz"
    [(argv, env, cwd)] = replay.calls
    assert argv[1:3] == ["build", "--sdist"] and "--no-index" in argv and argv[-1] == str(cr.src)
    assert env["UV_CACHE_DIR"] == str(cr.ctx.cache.uv_cache) and cwd == cr.src


def test_no_sdist_made_is_an_error_naming_the_log(tmp_path: Path) -> None:
    cr, _ = cell_run(tmp_path, Replay({"uv": Recorded(UV_SDIST)}), "sdist-cold")
    log = cr.logs / "sdist-cold.sdist.log"
    with pytest.raises(HarnessError, match=f"made no sdist in .*; see {log}"):
        make_sdist(cr, cr.workdir / "sdist", log)


def test_the_install_venv_is_made_once_per_cell_and_interpreter(tmp_path: Path) -> None:
    replay = Replay({"uv": Recorded("", leaves=lambda argv: Path(argv[-1]).mkdir(parents=True))})
    cr, _ = cell_run(tmp_path, replay, "incremental")
    root = cr.workdir / f"env-{PYTHON.key}"
    make_target_env(cr, root, PYTHON)
    make_target_env(cr, root, PYTHON)
    [(argv, _, _)] = replay.calls
    assert argv[1:2] == ["venv"] and argv[argv.index("--python") + 1] == PYTHON.executable


@pytest.mark.parametrize("shim", [False, True])
def test_a_spelling_of_the_base_runs_the_base(tmp_path: Path, shim: bool) -> None:
    spelled = tmp_path / "spelled-base" / "python"
    for _ in range(2):  # made anew over an earlier one
        spell_base(spelled, sys.executable, shim=shim)
    assert spelled.is_symlink() != shim
    said = subprocess.run(
        [spelled, "-c", "import sys; print(sys.executable)"], capture_output=True, text=True, timeout=30
    )
    # A shim execs the base, which then names itself; a symlink keeps the name it was run by.
    assert said.stdout.strip() == (sys.executable if shim else str(spelled))
