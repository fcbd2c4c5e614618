"""Safety checks, fed with a real run where each check passed and failed (tests/fixtures/build-safety)."""

import copy
from dataclasses import replace

import pytest

from harness.measure.safety import SAFETY_CHECKS, Evidence, catalogue, evaluate, python_tag_fits
from harness.model.results import CellResult, RunResult, Verdict
from harness.workbench.samples import SAMPLES
from tests.conftest import recorded_log


def _evidence(run: RunResult, cell: CellResult) -> Evidence:
    assert cell.isolated is not None, "the run recorded whether each cell kept isolation"
    sample = SAMPLES[cell.sample]
    primary = str(run.python["base_executable"])
    return Evidence(cell, cell.isolated, sample.imports_build_requirements, primary, recorded_log)


def _cell(run: RunResult, strategy: str, sample: str) -> CellResult:
    return next(c for c in run.cells if (c.strategy, c.sample) == (strategy, sample))


def test_the_recorded_builds_give_the_recorded_verdicts(safety: RunResult) -> None:
    for cell in safety.cells:
        assert evaluate(_evidence(safety, cell)) == cell.checks, cell.id


def test_what_each_strategy_costs(safety: RunResult) -> None:
    def verdicts(strategy: str, sample: str) -> dict[str, str]:
        return {v.check: v.status for v in _cell(safety, strategy, sample).checks}

    everything = {"isolation": "pass", "requirements": "pass", "stale": "pass", "wheel": "pass"}
    assert verdicts("stock", "hazard") == everything
    assert verdicts("stock", "pyo3-ext") == {k: v for k, v in everything.items() if k != "requirements"}
    assert verdicts("env-dir", "pyo3-ext")["stale"] == "fail"  # the same env path: cargo keeps its config
    # abi3: maturin's config file names no interpreter, so reusing the chain is right.
    for strategy in ("stock", "env-dir"):
        assert verdicts(strategy, "pyo3-ext-abi3")["stale"] == "pass"
    assert verdicts("no-isolation", "hazard")["isolation"] == "fail"
    broken = verdicts("maturin-base-python", "hazard")
    assert (broken["requirements"], broken["stale"]) == ("fail", "error")


def test_the_details_name_the_evidence(safety: RunResult) -> None:
    stale = _cell(safety, "env-dir", "pyo3-ext").check("stale")
    assert stale is not None and "yet no pyo3 crate rebuilt" in stale.detail
    assert "(lib_dir: /root/.pyenv/versions/3.11.7/lib → /usr/lib/x86_64-linux-gnu)" in stale.detail
    abi3 = _cell(safety, "stock", "pyo3-ext-abi3").check("stale")
    assert abi3 is not None and abi3.detail.endswith(
        "rightly: the config it was built from is what the new interpreter yields"
    )
    assert stale.detail.startswith(f"base interpreter {safety.python['base_executable']} → ")
    passed = _cell(safety, "stock", "pyo3-ext").check("stale")
    assert passed is not None and passed.detail.endswith(": pyo3-ffi, pyo3 rebuilt")
    missing = _cell(safety, "maturin-base-python", "hazard").check("requirements")
    assert missing is not None
    assert missing.detail.startswith("cold: pyo3-harness-hazard: PYO3_PYTHON (")
    assert "cannot import the build requirement pyo3-harness-probe" in missing.detail


def test_a_failed_build_without_the_hazards_words_is_an_error_not_a_failure(safety: RunResult) -> None:
    cell = _cell(safety, "maturin-base-python", "hazard")
    evidence = replace(_evidence(safety, cell), log_text=lambda record: "error: linker `cc` not found")
    [verdict] = [v for v in evaluate(evidence) if v.check == "requirements"]
    assert verdict.status == "error" and verdict.detail.startswith("cold failed otherwise: ")


def test_a_check_without_evidence_gives_no_verdict(safety: RunResult) -> None:
    cell = copy.deepcopy(_cell(safety, "stock", "pyo3-ext"))
    cell.builds = [b for b in cell.builds if b.scenario == "cold"]  # no switch to another interpreter
    assert [v.check for v in evaluate(_evidence(safety, cell))] == ["isolation", "wheel"]
    cell.builds = []
    assert [v.check for v in evaluate(_evidence(safety, cell))] == ["isolation"]


def test_a_wheel_that_does_not_fit_its_interpreter_fails(safety: RunResult) -> None:
    cell = copy.deepcopy(_cell(safety, "stock", "pyo3-ext"))
    switched = cell.builds[-1]
    assert switched.wheel is not None and switched.python_version.startswith("3.11")
    switched.python_version = "3.12.0"  # as if the cp311 wheel had been built for 3.12
    [wheel] = [v for v in evaluate(_evidence(safety, cell)) if v.check == "wheel"]
    assert wheel == Verdict(
        "wheel", "fail", "switch-python: cp311-cp311-linux_x86_64 does not fit Python 3.12.0"
    )
    switched.wheel = replace(switched.wheel, ok=False)
    [stale] = [v for v in evaluate(_evidence(safety, cell)) if v.check == "stale"]
    assert stale.status == "fail" and stale.detail.endswith("the wheel did not work on the new one")


@pytest.mark.parametrize(
    ("tags", "version", "fits"),
    [
        ("cp311-cp311-linux_x86_64", "3.11.7", True),
        ("cp311-cp311-linux_x86_64", "3.12.1", False),
        ("cp39-abi3-linux_x86_64", "3.13.0", True),
        ("cp39-abi3-linux_x86_64", "3.8.10", False),
        ("pp310-pypy310_pp73-linux_x86_64", "3.10.0", False),
        ("cp310.cp311-cp311-manylinux_2_17_x86_64", "3.11.0", True),
    ],
)
def test_python_tags(tags: str, version: str, fits: bool) -> None:
    assert python_tag_fits(tags, version) is fits


def test_the_run_records_every_check_with_its_label(safety: RunResult) -> None:
    assert safety.safety_checks == catalogue()
    assert [c.check for c in catalogue()] == [c.name for c in SAFETY_CHECKS]
    assert len({c.label for c in catalogue()}) == len(SAFETY_CHECKS)


def test_a_reused_chain_without_comparable_configs_is_unknown_not_a_pass(safety: RunResult) -> None:
    cell = copy.deepcopy(_cell(safety, "stock", "pyo3-ext-abi3"))
    switched = next(b for b in cell.builds if b.scenario == "switch-python")
    switched.pyo3_config_now = None  # pyo3 could not be asked (e.g. the interpreter is gone)
    [verdict] = [v for v in evaluate(_evidence(safety, cell)) if v.check == "stale"]
    assert verdict.status == "error" and verdict.detail.endswith("(unknown)")
