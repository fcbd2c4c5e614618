"""Safety checks for a finished cell: what a strategy's speed may have cost.

Each check is defined once, here, with the label reports give it; a check whose evidence was
not collected in the run gives no verdict (it is absent, never guessed). To add one, write a
function from ``Evidence`` to a ``Verdict`` (or None) and add a ``SafetyCheck`` to
``SAFETY_CHECKS``: the run records the list, and the reports show a column for it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from harness.measure.compiled_for import described, mismatch
from harness.measure.resolved_config import differences
from harness.model.results import BuildRecord, CellResult, CheckLabel, Verdict
from harness.model.scenarios import SCENARIOS

PYO3_CHAIN = ("pyo3-build-config", "pyo3-ffi", "pyo3-macros-backend", "pyo3-macros", "pyo3")
_MISSING = re.compile(r"(pyo3-harness-hazard: .*|ModuleNotFoundError: No module named \S+)")


def read_log(record: BuildRecord) -> str:
    try:
        return Path(record.log).read_text(errors="replace") if record.log else ""
    except OSError:
        return ""


@dataclass(frozen=True)
class Evidence:
    """What the checks look at: the cell's records, and what the run knew about it."""

    result: CellResult
    isolated: bool  # the strategy keeps build isolation
    # the sample's build scripts import a build requirement; None: not known (a user's project)
    imports_build_requirements: bool | None
    primary: str  # the base interpreter the run's frontends run on
    log_text: Callable[[BuildRecord], str] = read_log
    # The build requirement's version before and after a requirements-bump build ("1.0", "2.0").
    bump: tuple[str, str] = ("", "")

    @property
    def builds(self) -> list[BuildRecord]:
        return self.result.builds


@dataclass(frozen=True)
class SafetyCheck:
    name: str
    label: str  # the reports' heading
    evaluate: Callable[[Evidence], Verdict | None]


def _isolation(evidence: Evidence) -> Verdict:
    if evidence.isolated:
        return Verdict("isolation", "pass", "builds in an isolated environment")
    return Verdict("isolation", "fail", "the backend runs in the frontend's own environment")


def _requirements(evidence: Evidence) -> Verdict | None:
    """A build script that imports a build requirement through the interpreter pyo3 or the
    backend names still finds it, and after a bump, finds the new one: judged on samples whose
    build scripts do that, and on a user's project by its own build (whatever its build scripts
    import, they found it if it built). Every build that breaks it is named, the worst first."""
    ran = [b for b in evidence.builds if b.ran]
    if evidence.imports_build_requirements is False or not ran:
        return None
    found = [_failed_build(b, evidence.log_text) for b in ran if not b.ok]
    found += [_after_bump(b, evidence.bump) for b in ran if b.ok and _bumps(b)]
    for status in ("fail", "error"):
        worst = [v.detail for v in found if v.status == status]
        if worst:
            return Verdict("requirements", status, "; ".join(worst))
    if evidence.imports_build_requirements is None:
        return Verdict(
            "requirements", "pass", "every build of the project, its build scripts included, succeeded"
        )
    if found:  # the bump's own words: the script re-ran and the wheel carries the new version
        return found[-1]
    return Verdict("requirements", "pass", f"every build script found its build requirement{_origin(ran)}")


def _failed_build(build: BuildRecord, log_text: Callable[[BuildRecord], str]) -> Verdict:
    """A failed build: its missing requirement, else an error (it failed for another reason)."""
    missing = _MISSING.search(log_text(build))
    if missing:
        return Verdict("requirements", "fail", f"{build.scenario}: {missing.group(1).strip()}")
    return Verdict("requirements", "error", f"{build.scenario} failed otherwise: {build.error}")


def _bumps(build: BuildRecord) -> bool:
    scenario = SCENARIOS.get(build.scenario)
    return scenario is not None and scenario.bumps_requirement


def _origin(builds: list[BuildRecord]) -> str:
    """Where the last build whose wheel says so imported its build requirement from."""
    said = [b.wheel.built_with for b in builds if b.wheel and b.wheel.built_with]
    origin = said[-1].get("probe_origin") if said else None
    return f" (last imported from {origin})" if origin else ""


def _after_bump(build: BuildRecord, bump: tuple[str, str]) -> Verdict:
    """The build after the build environment's requirement went from ``old`` to ``new``: right
    only if the wheel carries ``new``, which it can only if a build script re-ran."""
    old, new = bump
    said = build.wheel.built_with if build.wheel else None
    found = said.get("probe") if said else None
    what = f"{build.scenario}: the build environment went from pyo3-harness-probe {old} to {new}"
    if found is None:
        return Verdict("requirements", "error", f"{what}; the wheel did not say which it was built with")
    if found == new:
        return Verdict(
            "requirements",
            "pass",
            f"{what}; the build script re-ran and the wheel carries {new}{_origin([build])}",
        )
    if not build.reran:
        why = f"cargo re-ran no build script, so what was built with {found} was reused"
    else:
        why = f"cargo re-ran the build scripts of {', '.join(build.reran)}, and still {found} was found"
    return Verdict("requirements", "fail", f"{what}, yet the wheel carries {found}: {why}")


def _stale(evidence: Evidence) -> Verdict | None:
    """After switching the frontend to another base interpreter, cargo reused no pyo3 build
    resolved from a config that differs from what the new interpreter yields, and the wheel
    works there."""
    # Each switch goes from the interpreter of the build before it (the primary, or the switch before).
    verdicts, previous = [], evidence.primary
    for build in evidence.builds:
        if _switches_python(build):
            verdicts.append(_switched(previous, build))
        previous = build.python or previous
    if not verdicts:
        return None
    # Every switched build is judged (one per interpreter switched to): the worst one speaks.
    for status in ("fail", "error"):
        found = next((v for v in verdicts if v.status == status), None)
        if found is not None:
            return found
    return Verdict("stale", "pass", "; ".join(dict.fromkeys(v.detail for v in verdicts)))


def _switched(primary: str, switched: BuildRecord) -> Verdict:
    if not switched.ok:
        return Verdict("stale", "error", f"the {switched.scenario} build failed: {switched.error}")
    moved = f"{primary} → {switched.python}"
    chain = [p for p in PYO3_CHAIN if p in switched.rebuilt or p in switched.reran]
    if not switched.wheel_ok or switched.wheel is None:
        return Verdict("stale", "fail", f"base interpreter {moved}: the wheel did not work on the new one")
    if chain:
        return Verdict("stale", "pass", f"base interpreter {moved}: {', '.join(chain)} rebuilt")
    return _reused(moved, switched)


def _reused(moved: str, switched: BuildRecord) -> Verdict:
    """No pyo3 crate rebuilt: right only if the reused build's config is what the new
    interpreter yields (an abi3 config names no interpreter, for one)."""
    reused, now = switched.pyo3_config, switched.pyo3_config_now
    if reused is None or now is None:
        return Verdict(
            "stale",
            "error",
            f"base interpreter {moved}, no pyo3 crate rebuilt, and the config it was built from could "
            "not be compared with the new interpreter's (unknown)",
        )
    changed = differences(reused, now)
    if changed:
        return Verdict(
            "stale",
            "fail",
            f"base interpreter {moved}, yet no pyo3 crate rebuilt: cargo reused a build resolved for "
            f"the old interpreter ({'; '.join(changed)})",
        )
    return Verdict(
        "stale",
        "pass",
        f"base interpreter {moved}: no pyo3 crate rebuilt, rightly: the config it was built from is "
        "what the new interpreter yields",
    )


def _switches_python(build: BuildRecord) -> bool:
    scenario = SCENARIOS.get(build.scenario)
    return scenario is not None and scenario.switch_python


def _wheel(evidence: Evidence) -> Verdict | None:
    """Every wheel's tags fit the interpreter it was built for, and it imports and works."""
    wheels = [(b, b.wheel) for b in evidence.builds if b.wheel is not None]
    if not wheels:
        return None
    for build, wheel in wheels:
        if wheel.fresh is False:
            return Verdict("wheel", "fail", f"{build.scenario}: the installed module predates the edit")
        if not wheel.ok:
            return Verdict("wheel", "fail", f"{build.scenario}: the wheel did not import and work")
        if wheel.fits is False:
            detail = f"{build.scenario}: no tag of {wheel.tags} is one Python {build.python_version} accepts"
            return Verdict("wheel", "fail", detail)
    tags = ", ".join(sorted({wheel.tags for _, wheel in wheels}))
    if any(wheel.fits is None for _, wheel in wheels):
        return Verdict("wheel", "pass", f"every wheel imported and worked (tags {tags}; fit not recorded)")
    return Verdict("wheel", "pass", f"tags {tags} fit, and every wheel imported and worked")


def _target(evidence: Evidence) -> Verdict | None:
    """Every wheel's pyo3 chain was compiled for the interpreter its tags name: read from the
    config pyo3-ffi's build exported (cargo's records), not from whether the wheel imports."""
    judged = [(b, b.compiled_for, b.wheel) for b in evidence.builds if b.compiled_for and b.wheel]
    if not judged:
        return None
    for build, config, wheel in judged:
        wrong = mismatch(config, wheel.file)
        if wrong:
            return Verdict("target", "fail", f"{build.scenario}: {wrong}")
    shown = sorted({described(config) for _, config, _ in judged})
    return Verdict("target", "pass", f"compiled for {', '.join(shown)}, as every wheel's tags say")


SAFETY_CHECKS: tuple[SafetyCheck, ...] = (
    SafetyCheck("isolation", "Isolation kept", _isolation),
    SafetyCheck("requirements", "Build requirements reachable", _requirements),
    SafetyCheck("stale", "No stale cache", _stale),
    SafetyCheck("target", "Compiled for its interpreter", _target),
    SafetyCheck("wheel", "Wheel correct", _wheel),
)


def catalogue() -> list[CheckLabel]:
    """What a run records, so reports can label every check without this module."""
    return [CheckLabel(c.name, c.label) for c in SAFETY_CHECKS]


def evaluate(evidence: Evidence) -> list[Verdict]:
    found = [check.evaluate(evidence) for check in SAFETY_CHECKS]
    return [v for v in found if v is not None]
