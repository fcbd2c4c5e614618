"""Safety checks, fed with a real run where each check passed and failed (tests/fixtures/build-safety)."""

import copy
from dataclasses import replace

from harness.measure.safety import SAFETY_CHECKS, Evidence, catalogue, evaluate
from harness.model.results import CellResult, RunResult, Verdict
from harness.workbench.samples import SAMPLES
from tests.conftest import recorded_log


def _evidence(run: RunResult, cell: CellResult) -> Evidence:
    assert cell.isolated is not None, "the run recorded whether each cell kept isolation"
    sample = SAMPLES[cell.sample]
    primary = str(run.python.base_executable)
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
    assert stale.detail.startswith(f"base interpreter {safety.python.base_executable} → ")
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
    assert switched.wheel is not None and switched.wheel.fits is True
    # As if the cp311 wheel had been checked on an interpreter that does not accept cp311.
    switched.wheel = replace(switched.wheel, fits=False)
    [wheel] = [v for v in evaluate(_evidence(safety, cell)) if v.check == "wheel"]
    assert wheel == Verdict(
        "wheel",
        "fail",
        f"switch-python: no tag of cp311-cp311-linux_x86_64 is one Python {switched.python_version} accepts",
    )
    switched.wheel = replace(switched.wheel, ok=False)
    [stale] = [v for v in evaluate(_evidence(safety, cell)) if v.check == "stale"]
    assert stale.status == "fail" and stale.detail.endswith("the wheel did not work on the new one")


def test_a_wheel_whose_tags_the_interpreter_does_not_accept_fails(safety: RunResult) -> None:
    cell = copy.deepcopy(_cell(safety, "stock", "pyo3-ext-abi3"))
    build = cell.builds[0]
    assert build.wheel is not None
    build.wheel = replace(build.wheel, fits=False)
    found = {v.check: v for v in evaluate(_evidence(safety, cell))}
    assert found["wheel"].status == "fail" and "is one Python" in found["wheel"].detail
    build.wheel = replace(build.wheel, fits=None)
    found = {v.check: v for v in evaluate(_evidence(safety, cell))}
    assert found["wheel"].status == "pass" and "fit not recorded" in found["wheel"].detail


def test_the_run_records_every_check_with_its_label(safety: RunResult) -> None:
    # The fixture predates the "target" check: what it recorded is the catalogue less that one.
    assert safety.safety_checks == [c for c in catalogue() if c.check != "target"]
    assert [c.check for c in catalogue()] == [c.name for c in SAFETY_CHECKS]
    assert len({c.label for c in catalogue()}) == len(SAFETY_CHECKS)


def test_a_reused_chain_without_comparable_configs_is_unknown_not_a_pass(safety: RunResult) -> None:
    cell = copy.deepcopy(_cell(safety, "stock", "pyo3-ext-abi3"))
    switched = next(b for b in cell.builds if b.scenario == "switch-python")
    switched.pyo3_config_now = None  # pyo3 could not be asked (e.g. the interpreter is gone)
    [verdict] = [v for v in evaluate(_evidence(safety, cell)) if v.check == "stale"]
    assert verdict.status == "error" and verdict.detail.endswith("(unknown)")


def test_a_projects_own_build_is_its_requirements_check(safety: RunResult) -> None:
    """A user's project may or may not import build requirements in its build scripts: a build
    that succeeded found whatever they import; a missing module is named from the log."""
    cell = _cell(safety, "stock", "pyo3-ext")
    unknown = replace(_evidence(safety, cell), imports_build_requirements=None)
    [verdict] = [v for v in evaluate(unknown) if v.check == "requirements"]
    assert verdict == Verdict(
        "requirements", "pass", "every build of the project, its build scripts included, succeeded"
    )
    failed = copy.deepcopy(cell)
    failed.builds[0].status = "failed"
    missing = "  File build.py\nModuleNotFoundError: No module named 'cffi'\n"
    evidence = replace(_evidence(safety, failed), imports_build_requirements=None, log_text=lambda r: missing)
    [verdict] = [v for v in evaluate(evidence) if v.check == "requirements"]
    assert verdict == Verdict("requirements", "fail", "cold: ModuleNotFoundError: No module named 'cffi'")
    known = replace(_evidence(safety, cell), imports_build_requirements=False)
    assert "requirements" not in [v.check for v in evaluate(known)]


def test_a_chain_compiled_for_another_interpreter_than_its_wheel_fails_the_target_check(
    safety: RunResult,
) -> None:
    """The recorded env-dir cell's config (real, pyo3-ffi's export), once as it was and once as
    the v2 series with a base of another version resolves it: for 3.13, in a cp311 wheel."""
    cell = copy.deepcopy(_cell(safety, "env-dir", "pyo3-ext"))
    config = next(b.pyo3_config for b in cell.builds if b.pyo3_config)
    assert config is not None
    for build in cell.builds:
        build.compiled_for = dict(config)
    found = {v.check: v for v in evaluate(_evidence(safety, cell))}
    assert found["target"].status == "pass" and found["target"].detail.startswith(
        "compiled for CPython 3.11,"
    )
    cell.builds[-1].compiled_for = {**config, "version": "3.13", "target_abi": "CPython-gil_enabled-3.13"}
    found = {v.check: v for v in evaluate(_evidence(safety, cell))}
    assert found["target"].status == "fail"
    assert "switch-python: compiled for CPython 3.13" in found["target"].detail
    assert "tagged cp311-cp311" in found["target"].detail


def test_every_switched_build_is_judged_not_only_the_first(safety: RunResult) -> None:
    """The env-dir cell's real switch (stale) behind a copy of stock's real switch (rebuilt)."""
    cell = copy.deepcopy(_cell(safety, "env-dir", "pyo3-ext"))
    stale = cell.build("switch-python")
    fresh = _cell(safety, "stock", "pyo3-ext").build("switch-python")
    assert stale is not None and fresh is not None
    cell.builds = [*cell.builds[:-1], replace(fresh, attempt=0), replace(stale, attempt=1)]
    found = {v.check: v for v in evaluate(_evidence(safety, cell))}
    assert found["stale"].status == "fail", found["stale"]
