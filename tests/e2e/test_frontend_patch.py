"""Patched frontends export PYO3_BASE_PYTHON themselves: with a base-aware pyo3 the warm
rebuild recompiles nothing; with stock pyo3 it still churns (the consumer side is needed), and a
base-aware pyo3 under stock frontends behaves exactly as stock (no breakage, no speed-up)."""

import pytest

from harness.model.results import BuildRecord, CellResult
from tests.e2e.harness_run import Run, assert_every_wheel_works
from tests.e2e.pool import SHARED, Pool

pytestmark = pytest.mark.e2e

OPTIONS = SHARED["matrix"].options  # the run, shared with test_uv_and_build_churn (tests/e2e/pool.py)
FRONTENDS = tuple(OPTIONS["frontend"].split(","))
VERSIONS = tuple(OPTIONS["pyo3"].split(","))
STRATEGIES = tuple(OPTIONS["strategy"].split(","))


@pytest.fixture(scope="module")
def run(pool: Pool) -> Run:
    return pool.run("matrix")


def warm(
    run: Run, frontend: str, strategy: str, pyo3: str
) -> tuple[CellResult, BuildRecord, list[tuple[str, str]]]:
    [cell] = [
        c
        for c in run.result.cells
        if (c.frontend, c.strategy, c.pyo3) == (frontend, strategy, pyo3) and c.sample == "pyo3-ext"
    ]
    build = cell.build("warm")
    assert build is not None
    roots = [(str(c.unit), str(c.var)) for c in build.causes if c.kind != "dep"]
    return cell, build, roots


def test_every_wheel_works(run: Run) -> None:
    assert run.returncode == 0, run.output[-3000:]
    assert len(run.result.cells) == len(FRONTENDS) * len(STRATEGIES) * len(VERSIONS)
    assert_every_wheel_works(run)


@pytest.mark.parametrize("pyo3", VERSIONS)
@pytest.mark.parametrize("frontend", FRONTENDS)
def test_frontend_patch_recompiles_nothing(run: Run, frontend: str, pyo3: str) -> None:
    cell, build, roots = warm(run, frontend, "frontend-patch", pyo3)
    assert build.rebuilt == [] and roots == []
    assert cell.frontend_patch, "the measured frontend is the patched build"
    assert "patches/" in cell.frontend_source
    assert "PYO3_BASE_PYTHON" not in build.env, "nothing exported by the harness"


@pytest.mark.parametrize("pyo3", VERSIONS)
@pytest.mark.parametrize("frontend", FRONTENDS)
def test_stock_recompiles_the_pyo3_chain(run: Run, frontend: str, pyo3: str) -> None:
    _, build, roots = warm(run, frontend, "stock", pyo3)
    first = "pyo3-ffi" if pyo3 == "0.29.2" else "pyo3-build-config"
    assert {first, "pyo3", "pyo3-ext"} <= set(build.rebuilt)
    assert roots == [(first, "PYO3_PYTHON")]


@pytest.mark.parametrize("pyo3", VERSIONS)
@pytest.mark.parametrize("frontend", FRONTENDS)
@pytest.mark.parametrize("half", ["frontend-patch-stock-pyo3", "pyo3-patch-stock-frontend"])
def test_either_half_alone_behaves_exactly_as_stock(run: Run, frontend: str, pyo3: str, half: str) -> None:
    # New frontend + old pyo3, old frontend + new pyo3: the same crates and the same root cause.
    _, stock, stock_roots = warm(run, frontend, "stock", pyo3)
    _, build, roots = warm(run, frontend, half, pyo3)
    assert build.ok and build.wheel is not None and build.wheel.ok
    # As sets: crates cargo compiles in parallel finish in either order.
    assert set(build.rebuilt) == set(stock.rebuilt) and "pyo3" in build.rebuilt
    assert roots == stock_roots and [var for _, var in roots] == ["PYO3_PYTHON"]
