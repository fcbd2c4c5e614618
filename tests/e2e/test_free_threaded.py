"""``--switch-python X.Yt`` on a machine with no free-threaded CPython: ``prepare`` compiles one
into the harness cache from Debian's source package (once: a second prepare reuses it), and the
switch to it rebuilds the pyo3 chain into a free-threaded wheel that imports and works there.

The version is 3.13t, not 3.14t, for two reasons recorded on this project's machine: its Debian
mirror answers 404 for every python3.14 source file (tests/fixtures/cpython-build/apt-source-404.log),
and pyo3 0.29 refuses a free-threaded 3.13 ("PyO3 does not support the free-threaded build of
CPython versions below 3.14"), so the cell builds pyo3 0.28.3. The same code compiles 3.14t
where the mirror serves python3.14; only these two constants change.
"""

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from harness.install.cache import Cache, default_cache_dir
from harness.install.cpython_build import CHECK_CODE, MARKER, check_problem, parse_check
from harness.process import clean_environment, run
from tests.e2e.harness_run import Run, harness_command, run_harness

pytestmark = pytest.mark.e2e

FREE_THREADED, PYO3 = "3.13t", "0.28.3"
ARGS = [
    *("--frontend", "build", "--strategy", "stock", "--sample", "pyo3-ext", "--pyo3", PYO3),
    *("--scenario", "warm,switch-python", "--switch-python", FREE_THREADED),
]
CELL = ("build", "stock", "pyo3-ext")


@dataclass(frozen=True)
class Prepared:
    first: str
    again: str
    python: Path
    marker_before: float
    marker_after: float


def _entry(cache: Cache) -> Path:
    minor = FREE_THREADED.removesuffix("t")
    entries = sorted((cache.root / "python").glob(f"{FREE_THREADED}-*/{MARKER}"))
    assert entries, f"no compiled CPython {FREE_THREADED} in {cache.root / 'python'}"
    return entries[-1].parent / "bin" / f"python{minor}t"


@pytest.fixture(scope="module")
def prepared() -> Prepared:
    # The one-time work as CI would do it up front: compiles the interpreter on a cold cache.
    first = harness_command("prepare", *ARGS, timeout=2400)
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    python = _entry(Cache(default_cache_dir(os.environ)))
    before = (python.parents[1] / MARKER).stat().st_mtime
    again = harness_command("prepare", *ARGS, timeout=600)
    assert again.returncode == 0, again.stdout[-3000:] + again.stderr[-3000:]
    after = (python.parents[1] / MARKER).stat().st_mtime
    return Prepared(first.stderr, again.stderr, python, before, after)


@pytest.fixture(scope="module")
def switched(prepared: Prepared, module_dir: Path) -> Run:
    return run_harness(ARGS, module_dir)


def test_prepare_compiles_it_once_and_a_second_prepare_reuses_it(prepared: Prepared) -> None:
    assert "compiling it from" not in prepared.again, prepared.again
    assert prepared.marker_after == prepared.marker_before, "the cache entry was not built again"


def test_the_compiled_interpreter_runs_free_threaded_with_ssl_zlib_and_ctypes(prepared: Prepared) -> None:
    env = clean_environment(os.environ)
    done = run([prepared.python, "-I", "-c", CHECK_CODE], cwd=prepared.python.parent, env=env)
    assert check_problem(parse_check(done.output), FREE_THREADED.removesuffix("t")) is None, done.output


def test_the_switch_builds_a_free_threaded_wheel_that_works_there(switched: Run, prepared: Prepared) -> None:
    assert switched.returncode == 0, switched.output[-3000:]
    build = switched.build(*CELL, "switch-python")
    assert build.python == str(prepared.python)
    assert "pyo3-ffi" in build.rebuilt, build.rebuilt
    tag = FREE_THREADED.replace(".", "")
    assert build.wheel is not None and build.wheel.ok and build.wheel.fits, build.wheel
    assert build.wheel.tags.startswith(f"cp{tag[:-1]}-cp{tag}-"), build.wheel.tags


def test_the_stale_and_target_verdicts_pass_on_it(switched: Run) -> None:
    cell = switched.cell(*CELL)
    stale, target = cell.check("stale"), cell.check("target")
    assert stale is not None and stale.status == "pass", stale
    assert target is not None and target.status == "pass", target
    assert f"CPython {FREE_THREADED.removesuffix('t')} free-threaded" in target.detail, target.detail
