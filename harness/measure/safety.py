"""Safety verdicts for a finished cell: what a strategy's speed may have cost.

- ``isolation``: the build still ran in an isolated environment.
- ``requirements``: a build script that imports a build requirement through the interpreter
  pyo3 or the backend names still finds it (samples whose build scripts do that).
- ``stale``: after switching the frontend to another base interpreter, the pyo3 chain
  rebuilt and the wheel works there (the ``switch-python`` scenario).
- ``wheel``: every wheel's tags fit the interpreter it was built for, and it imports and works.

Each verdict is ``{"check", "status": pass | fail | error, "detail"}``; a check whose
evidence was not collected in the run is absent, never guessed.
"""

from __future__ import annotations

import re
from pathlib import Path

from harness.build.samples import Sample
from harness.build.strategies import Strategy
from harness.install.envs import Interpreter
from harness.report.results import BuildRecord, CellResult

PYO3_CHAIN = ("pyo3-build-config", "pyo3-ffi", "pyo3-macros-backend", "pyo3-macros", "pyo3")
_MISSING = re.compile(r"(pyo3-harness-hazard: .*|ModuleNotFoundError: No module named \S+)")


def _verdict(check: str, status: str, detail: str) -> dict[str, str]:
    return {"check": check, "status": status, "detail": detail}


def _log_text(record: BuildRecord) -> str:
    try:
        return Path(record.log).read_text(errors="replace") if record.log else ""
    except OSError:
        return ""


def requirements_check(builds: list[BuildRecord]) -> dict[str, str] | None:
    ran = [b for b in builds if b.returncode != -1]
    if not ran:
        return None
    for build in ran:
        if build.ok:
            continue
        found = _MISSING.search(_log_text(build))
        if found:
            return _verdict("requirements", "fail", f"{build.scenario}: {found.group(1).strip()}")
        return _verdict("requirements", "error", f"{build.scenario} failed otherwise: {build.error}")
    return _verdict("requirements", "pass", "every build script found its build requirement")


def python_tag_fits(tags: str, version: str) -> bool:
    """``cp311-cp311-linux_x86_64`` fits 3.11; ``cp39-abi3-...`` fits any 3.x >= 3.9."""
    python_tag, abi_tag = tags.split("-")[:2]
    major, minor = (int(p) for p in version.split(".")[:2])
    for tag in python_tag.split("."):
        if not tag.startswith("cp") or not tag[2:].isdigit():
            continue
        tag_major, tag_minor = int(tag[2]), int(tag[3:])
        if abi_tag == "abi3" and tag_major == major and tag_minor <= minor:
            return True
        if (tag_major, tag_minor) == (major, minor):
            return True
    return False


def wheel_check(builds: list[BuildRecord]) -> dict[str, str] | None:
    wheels = [b for b in builds if b.wheel]
    if not wheels:
        return None
    for build in wheels:
        wheel = build.wheel or {}
        if not wheel.get("ok"):
            return _verdict("wheel", "fail", f"{build.scenario}: the wheel did not import and work")
        if build.python_version and not python_tag_fits(wheel["tags"], build.python_version):
            return _verdict(
                "wheel",
                "fail",
                f"{build.scenario}: {wheel['tags']} does not fit Python {build.python_version}",
            )
    tags = sorted({(b.wheel or {})["tags"] for b in wheels})
    return _verdict("wheel", "pass", f"tags {', '.join(tags)} fit, and every wheel imported and worked")


def stale_check(builds: list[BuildRecord], primary: Interpreter) -> dict[str, str] | None:
    switched = next((b for b in builds if b.scenario == "switch-python"), None)
    if switched is None:
        return None
    if not switched.ok:
        return _verdict("stale", "error", f"the switch-python build failed: {switched.error}")
    moved = f"{primary.base_executable} → {switched.python}"
    chain = [p for p in PYO3_CHAIN if p in switched.rebuilt or p in switched.reran]
    if not chain:
        return _verdict(
            "stale",
            "fail",
            f"base interpreter {moved}, yet no pyo3 crate rebuilt: cargo reused a config resolved for "
            "the old interpreter",
        )
    if not (switched.wheel or {}).get("ok"):
        return _verdict("stale", "fail", f"base interpreter {moved}: the wheel did not work on the new one")
    return _verdict("stale", "pass", f"base interpreter {moved}: {', '.join(chain)} rebuilt")


def evaluate(
    result: CellResult, strategy: Strategy, sample: Sample, primary: Interpreter
) -> list[dict[str, str]]:
    isolation = (
        _verdict("isolation", "pass", "builds in an isolated environment")
        if strategy.isolated
        else _verdict("isolation", "fail", "the backend runs in the frontend's own environment")
    )
    found = [
        isolation,
        requirements_check(result.builds) if sample.imports_build_requirements else None,
        stale_check(result.builds, primary),
        wheel_check(result.builds),
    ]
    return [v for v in found if v is not None]
