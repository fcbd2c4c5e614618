"""The wheelhouse, filled by a real pip from a local index (the probe wheel), offline."""

import os
import sys
from pathlib import Path

import pytest

from harness.install.cache import Cache
from harness.install.envs import PythonEnv, probe
from harness.install.probe import NAME, VERSION, WHEEL, ensure_probe_wheel
from harness.install.wheelhouse import ensure_wheelhouse
from harness.process import clean_environment


def test_requirements_are_downloaded_once_and_later_sets_are_added(tmp_path: Path) -> None:
    index = tmp_path / "index"
    ensure_probe_wheel(index)
    # pip reads its index from the environment the harness hands it: a local one here.
    env = {**clean_environment(os.environ), "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(index)}
    interpreter = probe(sys.executable, env)
    downloader = PythonEnv(Path(sys.prefix), ())
    cache = Cache(tmp_path / "cache")

    def fill(requirements: list[str], index: Path = index) -> Path:
        with_index = {**env, "PIP_FIND_LINKS": str(index)}
        return ensure_wheelhouse(
            cache, requirements, interpreter=interpreter, downloader=downloader, env=with_index
        )

    root = fill([f"{NAME}=={VERSION}"])
    assert len(list(root.glob("*.whl"))) == 1
    nowhere = tmp_path / "empty-index"
    nowhere.mkdir()
    assert fill([f"{NAME}=={VERSION}"], nowhere) == root, "a set is asked once (pip would find nothing)"
    fill([NAME])
    assert len(list(root.glob("*.whl"))) == 1, "a new set of requirements is downloaded beside"
    assert root.parent == cache.wheelhouse and root.name == interpreter.key


def test_a_wheel_cut_short_is_said_and_downloaded_again(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    index = tmp_path / "index"
    ensure_probe_wheel(index)
    env = {**clean_environment(os.environ), "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(index)}
    interpreter = probe(sys.executable, env)
    downloader = PythonEnv(Path(sys.prefix), ())
    cache = Cache(tmp_path / "cache")
    requirements = [f"{NAME}=={VERSION}"]
    root = ensure_wheelhouse(cache, requirements, interpreter=interpreter, downloader=downloader, env=env)
    [wheel] = root.glob("*.whl")
    whole = wheel.read_bytes()
    wheel.write_bytes(whole[: len(whole) // 2])
    ensure_wheelhouse(cache, requirements, interpreter=interpreter, downloader=downloader, env=env)
    assert wheel.read_bytes() == whole, "downloaded again, not taken as it was"
    said = capsys.readouterr().err
    assert f"wheelhouse {root}: {wheel.name} is missing or does not match its recorded sha256" in said


def test_an_unrecorded_wheel_cut_short_is_not_taken_as_downloaded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A wheel pip left cut short before it was recorded (or an older harness's): pip would
    take the file it finds in --dest, so it is checked as a zip and removed first."""
    index = tmp_path / "index"
    ensure_probe_wheel(index)
    env = {**clean_environment(os.environ), "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(index)}
    cache = Cache(tmp_path / "cache")
    interpreter = probe(sys.executable, env)
    root = cache.wheelhouse / interpreter.key
    root.mkdir(parents=True)
    whole = (index / WHEEL).read_bytes()
    (root / WHEEL).write_bytes(whole[:100])
    downloader = PythonEnv(Path(sys.prefix), ())
    ensure_wheelhouse(cache, [f"{NAME}=={VERSION}"], interpreter=interpreter, downloader=downloader, env=env)
    assert (root / WHEEL).read_bytes() == whole
    assert (
        f"wheelhouse {root}: {WHEEL} is cut short or damaged; downloading it again" in capsys.readouterr().err
    )
