"""The wheelhouse, filled by a real pip from a local index (the probe wheel), offline."""

import os
import sys
from pathlib import Path

from harness.install.cache import Cache
from harness.install.envs import PythonEnv, probe
from harness.install.probe import NAME, VERSION, ensure_probe_wheel
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

    def fill(requirements: list[str]) -> Path:
        return ensure_wheelhouse(cache, requirements, interpreter=interpreter, downloader=downloader, env=env)

    root = fill([f"{NAME}=={VERSION}"])
    [wheel] = root.glob("*.whl")
    wheel.unlink()
    assert fill([f"{NAME}=={VERSION}"]) == root and not list(root.glob("*.whl")), "a set is asked once"
    fill([NAME])
    assert len(list(root.glob("*.whl"))) == 1, "a new set of requirements is downloaded beside"
    assert root.parent == cache.wheelhouse and root.name == interpreter.key
