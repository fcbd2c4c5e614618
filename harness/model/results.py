"""The results file as typed records: every build, every cell, the run; JSON only at the boundary.

The format is documented by ``results.schema.json`` beside this module; bump
``SCHEMA_VERSION`` on any incompatible change. Files written by older harness versions load:
fields added since are optional and read as their defaults.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, Literal, cast, get_args

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from harness.files import write_atomic
from harness.model.causes import Cause
from harness.model.provenance import Install, Machine, PinsRecord, RunPython, ShardRecord, Source, Toolchain

SCHEMA_VERSION = 1

Status = Literal["pass", "fail", "error"]
# A build's outcome: it ran and made what it should (a working or failing wheel is the wheel
# check's to say), it ran and failed (or made nothing), or it never ran.
BuildStatus = Literal["built", "failed", "not-run"]
BUILD_STATUSES: tuple[BuildStatus, ...] = get_args(BuildStatus)
STATUSES: tuple[Status, ...] = get_args(Status)
# Where a build's crates were read from: cargo's records before and after, or (an sdist build
# whose target dir went with the frontend's temp dir) what cargo printed.
FROM_FINGERPRINTS = "fingerprints"
FROM_CARGO_OUTPUT = "cargo output (the target dir went with the temp dir)"


@dataclass(frozen=True)
class Wheel:
    """The wheel a build made, and whether it installed, imported and worked."""

    file: str
    tags: str  # "cp311-cp311-linux_x86_64"
    ok: bool
    modules: list[str]
    detail: str  # the failing step's output, or the check's output when it passed
    # Whether one of the wheel's tags is among those the interpreter it was checked on accepts
    # (packaging's sys_tags, computed in that interpreter); None: not known (older files).
    fits: bool | None = None
    # An installing frontend after an edit: whether every installed extension module was written
    # after the edit (False: the edit loop left a stale module); None: not an edit, or a wheel.
    fresh: bool | None = None
    # What the extension says it was built with, as the sample's check printed it after
    # BUILT_WITH (the hazard sample: "probe", "probe_origin"); None: the check says nothing.
    built_with: dict[str, str] | None = None


@dataclass(frozen=True)
class Verdict:
    """One safety check's verdict on a cell (``harness.measure.safety`` defines the checks)."""

    check: str
    status: Status
    detail: str

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Verdict:
        if data.get("status") not in STATUSES:
            raise ValueError(f"a {data.get('check')} verdict of unknown status {data.get('status')!r}")
        return cls(str(data["check"]), cast(Status, data["status"]), str(data["detail"]))


@dataclass(frozen=True)
class CheckLabel:
    """A safety check the run evaluated, and the heading reports give it."""

    check: str
    label: str


@dataclass
class BuildRecord:
    scenario: str
    status: BuildStatus
    seconds: float
    rebuilt: list[str]
    reran: list[str]
    units: list[str]
    causes: list[Cause]
    log: str
    command: list[str]
    env: dict[str, str]  # variables added to the caller's environment for this build
    returncode: int  # -1: not run
    wheel: Wheel | None = None
    error: str | None = None
    measured_from: str = FROM_FINGERPRINTS
    python: str = ""  # the base interpreter the frontend ran on
    python_version: str = ""
    attempt: int = 0  # 0, 1, ... when `run --repeat N` runs the scenario N times in the cell
    # What cargo said it took ("Finished ... in 1.11s"); the rest of `seconds` is the frontend
    # setting up its environment and the backend's own work. None: cargo printed no such line.
    cargo_seconds: float | None = None
    # Builds that switch the base interpreter and rebuild no pyo3 crate: the config the reused
    # pyo3 build was resolved from, and what pyo3 resolves from the same inputs for the new one.
    pyo3_config: dict[str, str] | None = None
    pyo3_config_now: dict[str, str] | None = None
    # What the pyo3 chain in this build's target dir was compiled for, from cargo's records
    # (harness.measure.compiled_for); None: no target dir, no pyo3-ffi build, or not recorded.
    compiled_for: dict[str, str] | None = None
    # A cold build that started from a seed (run --seed-dir): the seed's key; its target dir held
    # the third-party crates an earlier cold build of the same lock file compiled.
    seeded_from: str | None = None

    @property
    def wheel_ok(self) -> bool:
        """No wheel check failed (a build without a wheel has none to fail)."""
        return self.wheel is None or self.wheel.ok

    @property
    def ok(self) -> bool:
        return self.status == "built"

    @property
    def ran(self) -> bool:
        return self.status != "not-run"

    def fail(self, why: str) -> None:
        """The build ran but did not make what it should: ``why`` says so."""
        self.status, self.error = "failed", why

    @classmethod
    def not_run(cls, scenario: str, why: str, *, attempt: int = 0) -> BuildRecord:
        """A build the cell did not run (a setup step failed, or an earlier build did)."""
        return cls(
            scenario=scenario,
            status="not-run",
            seconds=0.0,
            rebuilt=[],
            reran=[],
            units=[],
            causes=[],
            log="",
            command=[],
            env={},
            returncode=-1,
            error=why,
            attempt=attempt,
        )

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> BuildRecord:
        raw = dict(data)
        ok = raw.pop("ok", False)
        if raw.get("status") not in BUILD_STATUSES:  # files from before the status was recorded
            raw["status"] = "not-run" if raw.get("returncode") == -1 else "built" if ok else "failed"
        raw["causes"] = [Cause.from_json(c) for c in raw.get("causes", [])]
        raw["wheel"] = Wheel(**raw["wheel"]) if raw.get("wheel") else None
        return cls(**raw)


@dataclass
class CellResult:
    id: str
    frontend: str
    frontend_version: str
    frontend_source: str
    strategy: str
    sample: str
    variant: str | None
    pyo3: str
    pyo3_support: str
    reproduce: str
    builds: list[BuildRecord] = field(default_factory=list)
    error: str | None = None  # set when the cell could not be prepared at all
    frontend_spec: str = ""  # as given: pip, pip==26.1, pip@PATH, uv=PATH
    frontend_patch: str | None = None  # digest of the patch series built into the frontend
    backend_source: str = ""  # where maturin came from
    checks: list[Verdict] = field(default_factory=list)
    # What the strategy stands for, recorded so reports never ask this harness version's registry.
    upstream: str = ""  # the upstream change it needs ("" in files from before it was recorded)
    isolated: bool | None = None  # whether its builds kept build isolation

    @property
    def ok(self) -> bool:
        return self.error is None and all(b.ok and b.wheel_ok for b in self.builds)

    def build(self, scenario: str) -> BuildRecord | None:
        """The scenario's first attempt (the only one unless the run used ``--repeat``)."""
        return next((b for b in self.builds if b.scenario == scenario), None)

    def attempts(self, scenario: str) -> list[BuildRecord]:
        return [b for b in self.builds if b.scenario == scenario]

    def check(self, name: str) -> Verdict | None:
        return next((c for c in self.checks if c.check == name), None)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CellResult:
        raw = {k: v for k, v in data.items() if k != "ok"}
        raw["builds"] = [BuildRecord.from_json(b) for b in raw.get("builds", [])]
        raw["checks"] = [Verdict.from_json(c) for c in raw.get("checks", [])]
        return cls(**raw)


@dataclass
class RunResult:
    started: str
    command: list[str]
    machine: Machine
    toolchain: Toolchain
    python: RunPython
    pins: PinsRecord
    cells: list[CellResult] = field(default_factory=list)
    finished: str | None = None
    interrupted: bool = False
    timing: dict[str, float] = field(default_factory=dict)
    # Environments installed and tools built during the run, with their wall seconds.
    installs: list[Install] = field(default_factory=list)
    # A sharded run (--shard I/N); None when the run was not sharded.
    shard: ShardRecord | None = None
    schema_version: int = SCHEMA_VERSION
    harness_version: str = ""
    # Set by `pyo3-harness report` when it merges results files: one entry per source run, with
    # its machine, toolchain, python and command, and the ids of the cells it measured.
    sources: list[Source] = field(default_factory=list)
    # Every safety check the run evaluated, in report order ([] in files from before it was recorded).
    safety_checks: list[CheckLabel] = field(default_factory=list)
    # The ids of every cell this run (or shard) set out to build, in order: what a resumed run
    # compares with ([] in files from before runs resumed).
    planned: list[str] = field(default_factory=list)
    # How many of ``cells`` were kept from an earlier run of the same cells that was stopped.
    resumed: int = 0

    def source_of(self, cell_id: str) -> Source | None:
        return next((s for s in self.sources if cell_id in s.cells), None)

    def _cells_json(self) -> list[dict[str, Any]]:
        found = []
        for cell in self.cells:
            raw = asdict(cell)
            raw["ok"] = cell.ok
            for build, record in zip(cell.builds, raw["builds"], strict=True):
                record["causes"] = [c.to_json() for c in build.causes]
                record["ok"] = build.ok  # for readers of files from before the status
                if build.compiled_for is None:
                    del record["compiled_for"]  # as files from before it was recorded read
                if build.seeded_from is None:
                    del record["seeded_from"]
                if record["wheel"] is not None and record["wheel"]["built_with"] is None:
                    del record["wheel"]["built_with"]
            found.append(raw)
        return found

    def to_json(self) -> dict[str, Any]:
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["command"], data["timing"] = list(self.command), dict(self.timing)
        data["machine"], data["toolchain"] = self.machine.to_json(), self.toolchain.to_json()
        data["python"], data["pins"] = self.python.to_json(), self.pins.to_json()
        data["cells"] = self._cells_json()
        data["installs"] = [i.to_json() for i in self.installs]
        data["shard"] = None if self.shard is None else self.shard.to_json()
        data["sources"] = [s.to_json() for s in self.sources]
        data["safety_checks"] = [asdict(c) for c in self.safety_checks]
        data["planned"] = list(self.planned)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RunResult:
        raw = dict(data)
        raw["machine"] = Machine.from_json(data["machine"])
        raw["toolchain"] = Toolchain.from_json(data["toolchain"])
        raw["python"] = RunPython.from_json(data["python"])
        raw["pins"] = PinsRecord.from_json(data["pins"])
        raw["cells"] = [CellResult.from_json(c) for c in data.get("cells", [])]
        raw["installs"] = [Install.from_json(i) for i in data.get("installs", [])]
        raw["shard"] = ShardRecord.from_json(data["shard"]) if data.get("shard") else None
        raw["sources"] = [Source.from_json(s) for s in data.get("sources", [])]
        raw["safety_checks"] = [CheckLabel(**c) for c in data.get("safety_checks", [])]
        return cls(**raw)


SCHEMA_FILE = Path(__file__).with_name("results.schema.json")


def schema_problem(data: object) -> str | None:
    """Where ``data`` departs from results.schema.json and how (the deepest, most telling
    error), or None when it is a valid results file."""
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    error = best_match(Draft202012Validator(schema).iter_errors(data))
    if error is None:
        return None
    where = "/".join(str(p) for p in error.absolute_path) or "the top level"
    return f"at {where}: {error.message}"


def results_text(result: RunResult) -> str:
    """The contents of results.json."""
    return json.dumps(result.to_json(), indent=2, sort_keys=False) + "\n"


def write_results(result: RunResult, path: Path) -> None:
    write_atomic(path, results_text(result))


def read_results(path: Path) -> RunResult:
    return RunResult.from_json(json.loads(path.read_text(encoding="utf-8")))
