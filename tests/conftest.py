import json
from pathlib import Path

import pytest

from harness.model.results import BuildRecord, RunResult

FIXTURES = Path(__file__).parent / "fixtures"
# Recorded from real runs (see each file's "command"): uv stock/exported on pyo3 0.29.2 and
# 0.28.3, one attempt per scenario; uv and build stock/exported on 0.29.2 with --repeat 3.
SINGLE = FIXTURES / "uv-pyo3-ext.results.json"
REPEATED = FIXTURES / "uv-build-repeat3.results.json"
# build with stock, env-dir, no-isolation and maturin-base-python on pyo3-ext and hazard, cold then
# switch-python: every safety check passing and failing for real (build-safety/README.md).
SAFETY = FIXTURES / "build-safety" / "results.json"


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


def recorded_result(path: Path) -> RunResult:
    """A fresh copy each time, so a test may break it without touching the others."""
    return RunResult.from_json(json.loads(path.read_text()))


@pytest.fixture
def single() -> RunResult:
    return recorded_result(SINGLE)


@pytest.fixture
def repeated() -> RunResult:
    return recorded_result(REPEATED)


@pytest.fixture
def safety() -> RunResult:
    return recorded_result(SAFETY)


def recorded_log(record: BuildRecord) -> str:
    """A build's log as the safety run recorded it (copied beside its results file)."""
    path = Path(record.log)
    copy = SAFETY.parent / "logs" / path.parent.name / path.name
    return copy.read_text() if record.log and copy.exists() else ""
