"""uv and build create a fresh venv per build: stock pyo3 recompiles its chain on every warm
rebuild, and exporting PYO3_BASE_PYTHON to a base-aware pyo3 stops it."""

import pytest

from harness.pins import load_pins
from harness.report.markdown import render
from tests.e2e.harness_run import Run, assert_every_wheel_works, joined
from tests.e2e.pool import Pool

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def run(pool: Pool) -> Run:
    # uv,build x exported x pyo3-ext, warm and incremental (two shards, merged), and the same
    # frontends' stock cells on the default pyo3 from the matrix (tests/e2e/pool.py).
    default = load_pins().pyo3_versions[0]
    stock = [pool.run("matrix").cell(f, "stock", "pyo3-ext", pyo3=default) for f in ("uv", "build")]
    return joined(pool.run("churn"), *stock)


def test_run_succeeds_and_every_wheel_works(run: Run) -> None:
    assert run.returncode == 0, run.output[-3000:]
    assert len(run.result.cells) == 4
    assert_every_wheel_works(run)


@pytest.mark.parametrize("frontend", ["uv", "build"])
def test_stock_warm_rebuild_recompiles_pyo3_because_pyo3_python_changed(run: Run, frontend: str) -> None:
    warm = run.build(frontend, "stock", "pyo3-ext", "warm")
    assert {"pyo3-ffi", "pyo3"} <= set(warm.rebuilt)
    assert "pyo3-ffi" in warm.reran
    roots = [c for c in warm.causes if c.kind != "dep"]
    assert [(c.unit, c.kind, c.var) for c in roots] == [("pyo3-ffi", "env", "PYO3_PYTHON")]
    temp_dir = "builds-v0/.tmp" if frontend == "uv" else "build-env-"
    assert temp_dir in str(roots[0].old) and temp_dir in str(roots[0].new)
    assert roots[0].old != roots[0].new


@pytest.mark.parametrize("frontend", ["uv", "build"])
def test_exported_warm_rebuild_recompiles_nothing(run: Run, frontend: str) -> None:
    warm = run.build(frontend, "exported", "pyo3-ext", "warm")
    assert (warm.rebuilt, warm.reran, warm.causes) == ([], [], [])
    assert warm.env["PYO3_BASE_PYTHON"] == run.result.python.base_executable


@pytest.mark.parametrize("frontend", ["uv", "build"])
def test_incremental_recompiles_only_the_extension(run: Run, frontend: str) -> None:
    incremental = run.build(frontend, "exported", "pyo3-ext", "incremental")
    assert incremental.rebuilt == ["pyo3-ext"]
    [cause] = incremental.causes
    assert cause.kind == "file" and str(cause.path).endswith("src/lib.rs")


def test_report_explains_the_churn_in_words(run: Run) -> None:
    assert (run.out / "report.md").exists(), "the merge of the shards wrote its report"
    report = render(run.result)
    assert "PYO3_PYTHON changed: .../builds-v0/.tmp" in report
    assert "nothing recompiled" in report
    assert run.result.timing["build"] > 0 and run.result.timing["overhead"] >= 0
