import json
from pathlib import Path

import pytest

from harness.model.results import RunResult

FIXTURES = Path(__file__).parent / "fixtures"
# Recorded from real runs (see each file's "command"): uv stock/exported on pyo3 0.29.2 and
# 0.28.3, one attempt per scenario; uv and build stock/exported on 0.29.2 with --repeat 3.
SINGLE = FIXTURES / "uv-pyo3-ext.results.json"
REPEATED = FIXTURES / "uv-build-repeat3.results.json"


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
