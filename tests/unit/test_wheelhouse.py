"""The wheelhouse, filled by a real pip from a local index (the probe wheel), offline."""

import os
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from harness.errors import HarnessError
from harness.install.cache import Cache
from harness.install.envs import Interpreter, PythonEnv, probe
from harness.install.probe import NAME, VERSION, WHEEL, ensure_probe_wheel
from harness.install.wheelhouse import ensure_wheelhouse
from harness.process import clean_environment


@dataclass(frozen=True)
class Local:
    """A local index holding the probe wheel, and what ensure_wheelhouse needs to fill from it."""

    index: Path
    env: dict[str, str]
    interpreter: Interpreter
    cache: Cache

    def fill(self, requirements: list[str], index: Path | None = None) -> Path:
        env = {**self.env, "PIP_FIND_LINKS": str(index or self.index)}
        downloader = PythonEnv(Path(sys.prefix), ())
        return ensure_wheelhouse(
            self.cache, requirements, interpreter=self.interpreter, downloader=downloader, env=env
        )


@pytest.fixture
def local(tmp_path: Path) -> Local:
    index = tmp_path / "index"
    ensure_probe_wheel(index)
    # pip reads its index from the environment the harness hands it: a local one here.
    env = {**clean_environment(os.environ), "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(index)}
    return Local(index, env, probe(sys.executable, env), Cache(tmp_path / "cache"))


def test_requirements_are_downloaded_once_and_later_sets_are_added(local: Local, tmp_path: Path) -> None:
    root = local.fill([f"{NAME}=={VERSION}"])
    assert len(list(root.glob("*.whl"))) == 1
    nowhere = tmp_path / "empty-index"
    nowhere.mkdir()
    assert local.fill([f"{NAME}=={VERSION}"], nowhere) == root, "a set is asked once (pip would find nothing)"
    local.fill([NAME])
    assert len(list(root.glob("*.whl"))) == 1, "a new set of requirements is downloaded beside"
    assert root.parent == local.cache.wheelhouse and root.name == local.interpreter.key


def test_a_wheel_cut_short_is_said_and_downloaded_again(
    local: Local, capsys: pytest.CaptureFixture[str]
) -> None:
    requirements = [f"{NAME}=={VERSION}"]
    root = local.fill(requirements)
    [wheel] = root.glob("*.whl")
    whole = wheel.read_bytes()
    wheel.write_bytes(whole[: len(whole) // 2])
    local.fill(requirements)
    assert wheel.read_bytes() == whole, "downloaded again, not taken as it was"
    said = capsys.readouterr().err
    assert f"wheelhouse {root}: {wheel.name} is missing or does not match its recorded sha256" in said


def test_an_unrecorded_wheel_cut_short_is_not_taken_as_downloaded(
    local: Local, capsys: pytest.CaptureFixture[str]
) -> None:
    """A wheel pip left cut short before it was recorded (or an older harness's): pip would
    take the file it finds in --dest, so it is checked as a zip and removed first."""
    root = local.cache.wheelhouse / local.interpreter.key
    root.mkdir(parents=True)
    whole = (local.index / WHEEL).read_bytes()
    (root / WHEEL).write_bytes(whole[:100])
    local.fill([f"{NAME}=={VERSION}"])
    assert (root / WHEEL).read_bytes() == whole
    assert (
        f"wheelhouse {root}: {WHEEL} is cut short or damaged; downloading it again" in capsys.readouterr().err
    )


def test_a_requirement_with_no_wheel_is_left_out_only_when_allowed(
    local: Local, capsys: pytest.CaptureFixture[str]
) -> None:
    """The second interpreter's wheelhouse (missing_ok): cffi 2 has no wheel for a free-threaded
    3.13, and a sample that needs none must still switch to it; the primary's stays strict."""
    absent = "pyo3-harness-absent==1.0"
    env = {**local.env, "PIP_FIND_LINKS": str(local.index)}
    downloader = PythonEnv(Path(sys.prefix), ())
    root = ensure_wheelhouse(
        local.cache,
        [f"{NAME}=={VERSION}", absent],
        interpreter=local.interpreter,
        downloader=downloader,
        env=env,
        missing_ok=True,
    )
    assert [w.name for w in root.glob("*.whl")] == [WHEEL]
    said = capsys.readouterr().err
    assert f"wheelhouse {root}: {absent} has no wheel for this interpreter; left out" in said
    with pytest.raises(HarnessError, match=f"No matching distribution found for {absent}"):
        local.fill([absent])
