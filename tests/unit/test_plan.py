"""The build plan: every scenario's flags, every frontend and strategy, worked out without a build."""

from dataclasses import replace
from pathlib import Path

import pytest

from harness.install.frontends import FRONTENDS
from harness.model.scenarios import SCENARIOS
from harness.run.plan import BuildPlan, Layout, plan
from harness.workbench.strategies import STRATEGIES, StrategyContext
from tests.unit.test_environment import INTERPRETER

FRONTEND_PYTHON = INTERPRETER  # a frontend's venv on /usr/local/bin/python3.11
SECOND = replace(FRONTEND_PYTHON, executable="/opt/py313/bin/python3.13", version="3.13.0")
LAYOUT = Layout(workdir=Path("/w/cell"), src=Path("/w/cell/src"), crate_root=Path("/w/cell/src/rust"))
CONTEXT = StrategyContext(frontend_python=FRONTEND_PYTHON, workdir=LAYOUT.workdir)


def planned(
    scenario: str, frontend: str = "build", strategy: str = "stock", attempt: int = 0, seeds: bool = False
) -> BuildPlan:
    return plan(
        SCENARIOS[scenario],
        attempt,
        layout=LAYOUT,
        frontend=FRONTENDS[frontend],
        strategy=STRATEGIES[strategy],
        context=CONTEXT,
        base=SECOND if SCENARIOS[scenario].switch_python else FRONTEND_PYTHON,
        second=SECOND if SCENARIOS[scenario].needs_second_python else None,
        seeds=seeds,
    )


def test_with_seeds_only_a_cold_build_of_a_target_dir_of_its_own_starts_from_one() -> None:
    assert planned("cold", seeds=True).steps == ("wipe-target", "seed-target")
    assert planned("warm", seeds=True).steps == planned("warm").steps == ()
    assert "seed-target" not in planned("sdist-cold", frontend="build", seeds=True).steps
    # uv sync keys its cache on files under target/: seeding it would change what it does.
    assert planned("cold", frontend="uv-sync", seeds=True).steps == ("wipe-target", "make-target-env")


def test_cold_empties_the_projects_target_dir_and_snapshots_it() -> None:
    cold = planned("cold")
    assert cold.steps == ("wipe-target",)
    assert cold.target == cold.cargo_target == Path("/w/cell/src/rust/target")
    assert cold.wipe == (Path("/w/cell/src/rust/target"),)
    assert (cold.source, cold.check, cold.stem) == ("work-copy", "wheel", "cold")


def test_a_strategy_that_moves_the_target_dir_is_wiped_snapshotted_and_restored_there() -> None:
    moved = LAYOUT.workdir / "persistent-target"
    cold = planned("cold", strategy="persistent-target")
    assert cold.target == moved
    assert set(cold.wipe) == {moved, Path("/w/cell/src/rust/target")}, (
        "both: the strategy's and the project's"
    )
    assert planned("ci-restore", strategy="persistent-target").cargo_target == moved
    assert planned("sdist-warm", strategy="persistent-target").target == moved, "kept across sdist builds"


@pytest.mark.parametrize("frontend", ["build", "uv"])
def test_an_sdist_build_by_the_frontend_has_no_target_dir_to_snapshot(frontend: str) -> None:
    built = planned("sdist-warm", frontend=frontend)
    assert (built.source, built.target, built.steps) == ("sdist-by-frontend", None, ())
    assert built.options.sdist


def test_pip_builds_an_sdist_file_made_first() -> None:
    built = planned("sdist-cold", frontend="pip-venv")
    assert built.source == "sdist-file" and built.steps == ("make-sdist",)
    assert built.sdist_dir == LAYOUT.workdir / "sdist"


def test_an_installing_frontend_gets_a_venv_per_interpreter_and_is_checked_there() -> None:
    built = planned("incremental", frontend="uv-sync")
    assert built.steps == ("edit-source", "make-target-env")
    assert built.check == "installed"
    assert built.target_env == LAYOUT.workdir / f"env-{FRONTEND_PYTHON.key}"
    assert built.requires_fresh, "the installed module must be newer than the edit"
    assert not planned("warm", frontend="uv-sync").requires_fresh
    assert planned("warm", frontend="build").target_env is None


def test_the_switch_checks_the_wheel_on_the_second_interpreter() -> None:
    assert planned("switch-python").base == SECOND
    assert planned("switch-python").stale_evidence and not planned("warm").stale_evidence
    assert not planned("switch-python", strategy="exported").options.sdist
    assert planned("warm").base == FRONTEND_PYTHON


def test_a_base_of_another_version_is_the_frontends_while_maturin_builds_for_the_second() -> None:
    built = planned("base-mismatch", strategy="frontend-patch")
    assert built.base == FRONTEND_PYTHON, "the frontend stays where it was"
    assert built.target_python == SECOND, "the wheel is checked where maturin built it for"
    assert built.env == {
        "PYO3_BASE_PYTHON": "/usr/local/bin/python3.11",
        "MATURIN_PEP517_ARGS": "--interpreter /opt/py313/bin/python3.13",
    }
    assert not built.stale_evidence and built.steps == ()
    assert planned("warm").target_python == FRONTEND_PYTHON
    assert not FRONTENDS["uv-sync"].applies(SCENARIOS["base-mismatch"]), "no wheel to tag"


def test_repeated_attempts_get_their_own_names() -> None:
    assert planned("warm", attempt=1).stem == "warm.attempt1"
    assert planned("warm", attempt=1).attempt == 1


def test_the_strategy_exports_and_options_are_in_the_plan() -> None:
    assert planned("warm", strategy="exported").env == {"PYO3_BASE_PYTHON": "/usr/local/bin/python3.11"}
    assert planned("warm", strategy="no-isolation").options.isolated is False
    assert planned("warm", strategy="env-dir").options.env_dir == LAYOUT.workdir / "build-env"


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_every_scenario_flag_becomes_a_step(name: str) -> None:
    scenario = SCENARIOS[name]
    steps = planned(name, frontend="pip-venv").steps
    assert ("wipe-target" in steps) == scenario.wipes_target
    assert ("edit-source" in steps) == scenario.edits_source
    assert ("ci-restore" in steps) == scenario.ci_restore
    assert ("make-sdist" in steps) == scenario.sdist
    assert ("bump-requirement" in steps) == scenario.bumps_requirement


def test_a_build_for_the_second_interpreter_applies_to_maturin_samples_that_import_nothing() -> None:
    mismatch = SCENARIOS["base-mismatch"]
    assert mismatch.applies_to("maturin", False)
    assert not mismatch.applies_to("setuptools-rust", False), "MATURIN_PEP517_ARGS means nothing there"
    assert not mismatch.applies_to("maturin", True), "its build script would import from the second"
    assert not mismatch.applies_to("maturin", None), "a user's project may, unknown"
    assert all(SCENARIOS[s].applies_to("setuptools-rust", True) for s in ("warm", "switch-python"))


def test_a_requirement_bump_applies_to_samples_that_report_it_and_runs_once() -> None:
    bump = SCENARIOS["requirements-bump"]
    assert bump.applies_to("maturin", True, reports_probe=True)
    assert not bump.applies_to("maturin", True), "a sample that cannot say which version it found"
    assert not bump.repeated, "a second bump to the same version would bump nothing"
    built = planned("requirements-bump", strategy="no-isolation")
    assert built.steps == ("bump-requirement",)
    assert built.bumped_wheelhouse == LAYOUT.workdir / "wheelhouse-bumped"
    names = list(SCENARIOS)
    assert names.index("requirements-bump") == names.index("warm") + 1, (
        "the build before it: same interpreter"
    )


def test_a_spelled_base_is_what_the_user_exports_and_the_step_makes_it() -> None:
    for spelling in ("symlink", "shim"):
        built = planned(f"base-{spelling}", strategy="frontend-patch")
        assert built.steps == ("spell-base",)
        assert built.spelled_base == LAYOUT.workdir / "spelled-base" / f"python-{spelling}"
        assert built.env == {"PYO3_BASE_PYTHON": str(built.spelled_base)}
    by_name = planned("base-name", strategy="exported")
    assert (by_name.steps, by_name.spelled_base) == ((), None)
    assert by_name.env == {"PYO3_BASE_PYTHON": "python3.11"}, "replaces the strategy's own value"
