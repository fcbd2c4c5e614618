"""Plan a CI job matrix: OS x Python x frontend x shard, each job one ``pyo3-harness run``.

``pyo3-harness matrix --format github`` prints what a GitHub Actions workflow feeds to
``strategy.matrix`` (``.github/workflows/harness-matrix.yml`` does); ``--format text`` prints
the same plan for people. Jobs are split per frontend because a frontend's installs (and, for
patched frontends, its builds) are what a job's cache holds; shards then split each frontend's
cells so no job runs for hours.
"""

from __future__ import annotations

import dataclasses
import json
import re
import shlex
from collections.abc import Sequence
from dataclasses import dataclass, field

from harness.errors import UsageError
from harness.run.selection import Selection
from harness.run.shard import Shard, shards

DEFAULT_OSES = ("ubuntu-latest", "macos-latest", "windows-latest")
DEFAULT_PYTHONS = ("3.10", "3.11", "3.12", "3.13", "3.14", "3.14t")
# What a job switches to when its scenarios need a second interpreter (switch-python,
# base-mismatch): another minor version and a free-threaded build, installed beside the job's
# own Python by actions/setup-python (ci/action.yml) and found on PATH by `run --switch-python`;
# a job already on one of them switches to OTHER_SWITCH in its place.
SWITCH_TO = ("3.13", "3.14t")
OTHER_SWITCH = "3.12"
# GitHub refuses a matrix that expands to more jobs than this.
GITHUB_MATRIX_LIMIT = 256
FORMATS = ("github", "text")

_PYTHON = re.compile(r"3\.(\d+)(t?)")
_RUNNER = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class Job:
    os: str
    python: str  # an actions/setup-python version: "3.12", "3.14t" (free-threaded)
    frontend: str
    shard: Shard
    cells: int  # how many cells this job builds
    args: tuple[str, ...]  # `pyo3-harness run` arguments, without --out
    switch: tuple[str, ...] = ()  # the Pythons the job switches to, for actions/setup-python

    @property
    def artifact(self) -> str:
        """A name unique within the matrix, valid for actions/upload-artifact (no '/')."""
        frontend = _UNSAFE.sub("-", self.frontend)
        return f"results-{self.os}-py{self.python}-{frontend}-{self.shard.index}of{self.shard.count}"

    def to_github(self) -> dict[str, str | int]:
        return {
            "os": self.os,
            "python": self.python,
            "frontend": self.frontend,
            "shard": str(self.shard),
            "cells": self.cells,
            "artifact": self.artifact,
            "args": shlex.join(self.args),
            "switch": " ".join(self.switch),
        }


@dataclass(frozen=True)
class Plan:
    jobs: list[Job]
    notes: list[str] = field(default_factory=list)


def check_pythons(versions: Sequence[str]) -> tuple[str, ...]:
    for version in versions:
        match = _PYTHON.fullmatch(version)
        if match is None or int(match.group(1)) < 10:
            raise UsageError(
                f"--python {version!r}: accepted are CPython versions 3.10 or newer as X.Y, "
                "or X.Yt for a free-threaded build (e.g. 3.12, 3.14t)"
            )
        if match.group(2) and int(match.group(1)) < 13:
            raise UsageError(f"--python {version!r}: free-threaded builds exist from 3.13 on (3.13t, 3.14t)")
    return tuple(dict.fromkeys(versions))


def check_oses(oses: Sequence[str]) -> tuple[str, ...]:
    for name in oses:
        if not _RUNNER.fullmatch(name):
            raise UsageError(f"--os {name!r} is not a runner label; accepted e.g. {', '.join(DEFAULT_OSES)}")
    return tuple(dict.fromkeys(oses))


def switch_pythons(python: str) -> tuple[str, ...]:
    """The interpreters a job on ``python`` switches to: never its own."""
    return tuple(OTHER_SWITCH if version == python else version for version in SWITCH_TO)


def parse_shard_count(text: str) -> int:
    if not (text.strip().isascii() and text.strip().isdigit()) or int(text) < 1:
        raise UsageError(f"--shards {text!r}: accepted is a whole number of shards per job, 1 or more")
    return int(text)


def plan(selection: Selection, *, oses: Sequence[str], pythons: Sequence[str], shards_per_job: int) -> Plan:
    """Every job, in a fixed order: OS, then Python, then frontend, then shard."""
    if selection.project is not None:
        raise UsageError("a CI matrix builds the packaged samples; --project names a local directory")
    for spec in selection.frontends:
        if spec.source or spec.binary:
            raise UsageError(
                f"--frontend {spec}: a checkout or binary on this machine does not exist on a CI "
                "runner; use NAME or NAME==VERSION"
            )
    notes = []
    per_frontend: list[tuple[str, Selection, int]] = []
    for spec in selection.frontends:
        frontend = str(spec)
        sub = dataclasses.replace(selection, frontends=(spec,), shard=None)
        cells = len(sub.cells())
        count = min(shards_per_job, cells)
        if count < shards_per_job:
            notes.append(
                f"{frontend}: {shards_per_job} shards asked, but its selection has {cells} cell(s); "
                f"using {count}"
            )
        per_frontend.append((frontend, sub, count))
    jobs = []
    runners, versions = check_oses(oses), check_pythons(pythons)
    switches = any(s.needs_second_python for s in selection.scenarios)
    for os_name in runners:
        for python in versions:
            switch = switch_pythons(python) if switches else ()
            more = ("--switch-python", ",".join(switch)) if switch else ()
            for frontend, sub, count in per_frontend:
                for shard in shards(count):
                    mine = len(shard.select(sub.cells()))
                    args = (*sub.run_args(), *more, "--shard", str(shard))
                    jobs.append(Job(os_name, python, frontend, shard, mine, args, switch))
    if len(jobs) > GITHUB_MATRIX_LIMIT:
        raise UsageError(
            f"the matrix has {len(jobs)} jobs and GitHub runs at most {GITHUB_MATRIX_LIMIT} per "
            "matrix; select fewer OSes, Pythons, frontends or shards"
        )
    return Plan(jobs=jobs, notes=notes)


def github(planned: Plan) -> str:
    """One line of JSON (a step output must be one line) for ``strategy.matrix``."""
    return json.dumps({"include": [job.to_github() for job in planned.jobs]}, separators=(",", ":"))


def text(planned: Plan) -> str:
    jobs = planned.jobs
    cells = sum(job.cells for job in jobs)
    lines = [f"{len(jobs)} job(s), {cells} cell run(s) in all:"]
    width = max((len(job.os) for job in jobs), default=0)
    for job in jobs:
        lines.append(
            f"  {job.os:<{width}}  {job.python:<6} {job.frontend:<10} shard {job.shard!s:<5} "
            f"{job.cells:>3} cell(s)  pyo3-harness run {shlex.join(job.args)}"
        )
    return "\n".join(lines + [f"note: {note}" for note in planned.notes])
