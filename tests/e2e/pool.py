"""Shared end-to-end runs: each selection is built once per test session and read by every test
that needs its cells, whichever pytest-xdist worker runs it.

A run is named here with its arguments; ``Pool.run(name)`` builds it under a file lock in the
session's shared temp dir, or reads it when another worker already has. A sharded entry is run
as its shards and merged by ``pyo3-harness report``, so the merge is exercised on every session.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock

from tests.e2e.harness_run import REPO, Run, read_checked, run_harness


@dataclass(frozen=True)
class Shared:
    options: dict[str, str]  # --frontend, --strategy, ... without the dashes
    shards: int = 1  # run as N shards, then merged

    @property
    def args(self) -> list[str]:
        return [word for name, value in self.options.items() for word in (f"--{name}", value)]


SHARED: dict[str, Shared] = {
    # pyo3-ext through the three isolating frontends, both pyo3 lines, stock, the patch set and
    # either half of it: the warm rebuild each one gives.
    "matrix": Shared(
        {
            "frontend": "pip-venv,build,uv",
            "strategy": "stock,frontend-patch,frontend-patch-stock-pyo3,pyo3-patch-stock-frontend",
            "sample": "pyo3-ext",
            "pyo3": "0.29.2,0.28.3",
            "scenario": "warm",
        }
    ),
    # uv and build with PYO3_BASE_PYTHON exported (stock's cells are the matrix's), with an
    # edit: run as two shards and merged.
    "churn": Shared(
        {
            "frontend": "uv,build",
            "strategy": "exported",
            "sample": "pyo3-ext",
            "scenario": "warm,incremental",
        },
        shards=2,
    ),
    # The patch set on every sample that can break or churn, through build, on both pyo3 lines;
    # the hazard samples also with their build requirement bumped (config-executable-tracked: a
    # script that follows get()'s contract).
    "patch-set": Shared(
        {
            "frontend": "build",
            "strategy": "frontend-patch",
            "sample": "pyo3-ext,cffi-style:base-aware,hazard:config-executable,"
            "hazard:config-executable-tracked,hazard:pyo3-python",
            "pyo3": "0.29.2,0.28.3",
            "scenario": "warm,requirements-bump,switch-python",
        }
    ),
    # The other samples through uv, stock and with PYO3_BASE_PYTHON exported.
    "samples": Shared(
        {
            "frontend": "uv",
            "strategy": "stock,exported",
            "sample": "cffi-style:legacy,cffi-style:base-aware,pyo3-ext-abi3,setuptools-rust-ext",
            "scenario": "warm",
        }
    ),
    # Patched frontends with the cryptography-style sample's two keyings.
    "patched-cffi": Shared(
        {
            "frontend": "pip-venv,build,uv",
            "strategy": "frontend-patch",
            "sample": "cffi-style:legacy,cffi-style:base-aware",
            "scenario": "warm",
        }
    ),
}


@dataclass(frozen=True)
class Pool:
    root: Path  # shared by every worker of the session

    @property
    def seeds(self) -> Path:
        """The session's seeds for cold builds (run --seed-dir), shared like the runs."""
        return self.root / "seeds"

    def run(self, name: str) -> Run:
        shared = SHARED[name]
        base = self.root / name
        base.parent.mkdir(parents=True, exist_ok=True)
        with FileLock(str(base) + ".lock"):
            done = base / "done"
            if not done.exists():
                self._build(shared, base)
                done.touch()
        return self._read(shared, base)

    def part(self, name: str, index: int) -> Run:
        """Shard ``index`` (1-based) of a sharded entry, as its own run wrote it."""
        self.run(name)
        return _read_run(self.root / name / f"shard-{index}")

    def _build(self, shared: Shared, base: Path) -> None:
        if shared.shards == 1:
            run_harness(shared.args, base)
            return
        parts = []
        for index in range(1, shared.shards + 1):
            part = base / f"shard-{index}"
            run_harness([*shared.args, "--shard", f"{index}/{shared.shards}"], part)
            parts.append(str(part / "out" / "results.json"))
        argv = [sys.executable, "-m", "harness", "report", *parts, "--out", str(base / "out")]
        env = dict(os.environ)
        done = subprocess.run(argv, cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
        (base / "report.output").write_text(f"exit {done.returncode}\n{done.stdout}{done.stderr}")

    def _read(self, shared: Shared, base: Path) -> Run:
        if shared.shards == 1:
            return _read_run(base)
        said = (base / "report.output").read_text()
        code = int(said.split("\n", 1)[0].removeprefix("exit "))
        worst = max(_read_run(base / f"shard-{i}").returncode for i in range(1, shared.shards + 1))
        merged = base / "out" / "results.json"
        assert merged.exists(), f"report did not merge the shards: {said[-3000:]}"
        return Run(max(code, worst), said, base / "out", read_checked(merged))


def _read_run(base: Path) -> Run:
    out = base / "out"
    said = (base / "output.txt").read_text() if (base / "output.txt").exists() else ""
    code = int((base / "returncode").read_text()) if (base / "returncode").exists() else -1
    results = out / "results.json"
    assert results.exists(), f"no results.json in {out}; harness said:\n{said[-5000:]}"
    return Run(code, said, out, read_checked(results))
