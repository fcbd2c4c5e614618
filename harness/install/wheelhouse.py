"""The local wheelhouse: build requirements downloaded once, so builds never hit the network."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from harness.files import digest, locked
from harness.install.cache import Cache
from harness.install.envs import Interpreter, PythonEnv
from harness.process import run

MARKER = ".harness-wheelhouse.json"


def ensure_wheelhouse(
    cache: Cache,
    requirements: list[str],
    *,
    interpreter: Interpreter,
    downloader: PythonEnv,
    env: Mapping[str, str],
    refresh: bool = False,
) -> Path:
    """A directory of wheels satisfying ``requirements`` for ``interpreter``.

    ``downloader`` must run the same base interpreter, so pip picks matching wheels.
    Entries accumulate: a project's extra requirements are added beside the samples' ones.
    """
    root = cache.wheelhouse / interpreter.key
    marker = root / MARKER
    key = digest(*sorted(requirements))
    with locked(root):
        done: list[str] = []
        if marker.exists() and not refresh:
            done = json.loads(marker.read_text(encoding="utf-8"))
        if key not in done:
            root.mkdir(parents=True, exist_ok=True)
            pip_env = {**env, "PIP_CACHE_DIR": str(cache.pip_cache), "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
            run(
                [
                    downloader.python,
                    "-m",
                    "pip",
                    "download",
                    "--only-binary",
                    ":all:",
                    "--dest",
                    root,
                    *requirements,
                ],
                cwd=cache.root,
                env=pip_env,
            )
            marker.write_text(json.dumps([*done, key]), encoding="utf-8")
    return root
