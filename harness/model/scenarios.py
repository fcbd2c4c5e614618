"""Scenarios as data: each is a real build of the cell's work copy, run in this order.

A scenario says what it does (the build plan reads its flags: ``wipes_target``,
``edits_source``, ``sdist``, ``switch_python``, ``targets_second_python``, ``bumps_requirement``,
``needs_other_venv``, ``repeated``) and where reports show it (``columns``, ``headline``); no
other module names a scenario. To add one, add an entry to ``SCENARIOS`` and
give it flags: the engine, the reports and the schema's list follow.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

# Which columns of the cells table a scenario fills: none, its seconds, or crates and seconds.
Columns = Literal["none", "seconds", "both"]
# How a user may spell the base interpreter in PYO3_BASE_PYTHON: a symlink to it, a shell script
# that execs it (as pyenv's and asdf's shims do), or its bare name, found on PATH.
Spelling = Literal["symlink", "shim", "name"]


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    label: str  # its name in table headings: "Warm: recompiled"
    short: str = ""  # a shorter label for its seconds column ("Incr. s"); label when empty
    # Empties the target dir first: everything compiles, so its crates say nothing about churn
    # (reports neither compare nor draw them) and repeating it measures nothing new.
    wipes_target: bool = False
    edits_source: bool = False  # appends a line to the sample's ``edit`` file first
    # Only for frontends that can run from a second environment (see Frontend.other_venv).
    needs_other_venv: bool = False
    # Builds through an sdist (unpacked by the frontend into a fresh temp dir).
    sdist: bool = False
    # Rebuilds with the frontend on a second base interpreter (the stale-cache check).
    switch_python: bool = False
    # The frontend stays on the first interpreter, but the backend is told to build for the
    # second (maturin's --interpreter through MATURIN_PEP517_ARGS) while PYO3_BASE_PYTHON names the
    # first's base: a base of another version than the target. The wheel is checked on the second.
    targets_second_python: bool = False
    backends: tuple[str, ...] | None = None  # the backends it means something for (None: all)
    # The build environment's build requirement (the probe a sample's build script imports) is
    # served one version up, nothing else changes: the build script must re-run and the wheel
    # carry the new version. Only for samples whose check reports that version.
    bumps_requirement: bool = False
    # PYO3_BASE_PYTHON set by the user to the frontend's base interpreter, spelled this way: a
    # patched frontend then stands down, and pyo3 must still hand build scripts the build
    # environment's interpreter (a build script that imports a build requirement shows it).
    base_spelling: Spelling | None = None
    # Starts as a CI job does: the target dir pruned, saved and restored as Swatinem/rust-cache
    # does, around a fresh checkout (new mtimes on every source file).
    ci_restore: bool = False
    columns: Columns = "both"
    always_shown: bool = False  # its columns appear even when no cell ran it
    headline: bool = False  # the rebuild the decision table and the root-cause column are about

    def applies_to(
        self, backend: str, imports_build_requirements: bool | None, *, reports_probe: bool = False
    ) -> bool:
        """Whether it means something for a sample of ``backend``. A build for the second
        interpreter runs the sample's build scripts with that interpreter (maturin points
        PYO3_PYTHON at it), which has none of the build environment's packages: a sample that
        imports one there fails whatever the strategy, so it is not built that way. A bumped
        requirement is seen only in a sample that reports the version its build script found."""
        if self.backends is not None and backend not in self.backends:
            return False
        if self.bumps_requirement and not reports_probe:
            return False
        return not (self.targets_second_python and imports_build_requirements is not False)

    @property
    def independent(self) -> bool:
        """Whether it is built even after an earlier build of the cell failed, and its own failure
        stops no other build like it: a spelled base changes PYO3_BASE_PYTHON, so pyo3 resolves
        afresh whatever the failed build left, and each spelling is a verdict of its own."""
        return self.base_spelling is not None

    @property
    def needs_second_python(self) -> bool:
        """Whether it needs the second base interpreter (``--switch-python``)."""
        return self.switch_python or self.targets_second_python

    def second_python(self, attempt: int) -> int:
        """Which of the run's second interpreters (``--switch-python A,B``) the build of
        ``attempt`` uses: the switch's n-th build the n-th, base-mismatch the first."""
        return attempt if self.switch_python else 0

    @property
    def repeated(self) -> bool:
        """Whether ``run --repeat N`` runs it N times (a second bump would bump nothing, and a
        second switch to the same interpreter switches nothing: the switch is built once per
        interpreter ``--switch-python`` names)."""
        return not (self.wipes_target or self.bumps_requirement or self.switch_python)

    @property
    def seconds_heading(self) -> str:
        return f"{self.short or self.label} s"

    @property
    def units_heading(self) -> str:
        return f"{self.label}: recompiled"


# Each spelling of the base a base-* scenario tries, and how its description says it.
_SPELLINGS: tuple[tuple[Spelling, str], ...] = (
    ("symlink", "a symlink to it"),
    ("shim", "a shell script that execs it (a shim)"),
    ("name", "its bare name, found on PATH"),
)

SCENARIOS: Mapping[str, Scenario] = MappingProxyType(
    {
        s.name: s
        for s in (
            Scenario(
                "cold",
                "empty target dir: everything compiles",
                "Cold",
                wipes_target=True,
                columns="seconds",
                always_shown=True,
            ),
            Scenario(
                "warm",
                "rebuild at once with nothing changed: ideally nothing compiles",
                "Warm",
                always_shown=True,
                headline=True,
            ),
            # Right after warm: the build before it must be on the same interpreter and the old
            # requirement, or a rebuild for another reason would hide the hazard.
            Scenario(
                "requirements-bump",
                "after warm, the build environment gets the build requirement its build script "
                "imports one version up (the wheelhouse serves pyo3-harness-probe 2.0 for 1.0), the "
                "project unchanged: the build script must re-run and the wheel carry 2.0",
                "Requirement bumped",
                short="Bump",
                bumps_requirement=True,
            ),
            Scenario(
                "incremental",
                "append a line to the extension's lib.rs: only that crate should compile",
                "Incremental",
                short="Incr.",
                edits_source=True,
                always_shown=True,
            ),
            Scenario(
                "ci-restore",
                "a CI job after an earlier one: the target dir pruned and cached as Swatinem/"
                "rust-cache v2.9.2 does, a fresh checkout (new mtimes), the cache restored, a build",
                "CI restore",
                short="CI",
                ci_restore=True,
            ),
            Scenario(
                "other-venv",
                "rebuild from a second frontend environment on the same base interpreter",
                "Other venv",
                needs_other_venv=True,
            ),
            Scenario(
                "sdist-cold",
                "build through an sdist (build and uv without --wheel, pip from an sdist file)",
                "sdist",
                sdist=True,
                columns="none",
            ),
            Scenario(
                "sdist-warm",
                "the sdist build again with nothing changed: a fresh temp dir, so a fresh target/ "
                "unless the strategy keeps one",
                "sdist rebuild",
                sdist=True,
            ),
            Scenario(
                "switch-python",
                "after warm, rebuild with the frontend on a second base interpreter: the pyo3 chain "
                "must rebuild and the wheel must work there (the stale-cache check)",
                "Other base python",
                switch_python=True,
            ),
            Scenario(
                "base-mismatch",
                "after warm, maturin is told to build for the second base interpreter (--interpreter "
                "through MATURIN_PEP517_ARGS) while PYO3_BASE_PYTHON names the frontend's base, of "
                "another version: right is a clear error, or a wheel compiled for the second",
                "Base of another version",
                short="Base≠",
                targets_second_python=True,
                backends=("maturin",),
            ),
            *(
                Scenario(
                    f"base-{spelling}",
                    f"after warm, PYO3_BASE_PYTHON set by the user to the frontend's base interpreter "
                    f"through {words}: build scripts must still import their build requirements",
                    f"Base as {spelling}",
                    short=f"Base {spelling}",
                    base_spelling=spelling,
                )
                for spelling, words in _SPELLINGS
            ),
        )
    }
)

# With the two on a second interpreter every safety verdict is checked; on a machine with no
# second CPython a run with the defaults leaves those two out and says so (harness.cli).
DEFAULT_SCENARIOS = ("cold", "warm", "incremental", "switch-python", "base-mismatch")
# The rebuild reports lead with (warm); the first scenario, which every other one starts from.
HEADLINE = next(s for s in SCENARIOS.values() if s.headline)
FIRST = next(s for s in SCENARIOS.values() if s.wipes_target)
SWITCHING = next(s for s in SCENARIOS.values() if s.switch_python)  # needs --switch-python's interpreter
SECOND_PYTHON = tuple(s.name for s in SCENARIOS.values() if s.needs_second_python)


def measures_churn(name: str) -> bool:
    """Whether a recorded scenario's crates say something about churn (an unknown name, from
    another harness version, is taken to)."""
    known = SCENARIOS.get(name)
    return known is None or not known.wipes_target


def ordered(names: list[str] | tuple[str, ...]) -> tuple[Scenario, ...]:
    """Canonical order; the target-wiping scenario is always first: every other starts warm."""
    chosen = {FIRST.name, *names}
    return tuple(s for s in SCENARIOS.values() if s.name in chosen)
