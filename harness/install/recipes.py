"""Build recipes kept beside patch series (``patches/<tool>/<version>/build.toml``).

A recipe says, as data, how to turn a source tree into an artifact: the command, its extra
environment, and where the artifact lands. ``{outdir}`` in the command is replaced. A
``requirements`` key, where present, documents what the build's own isolation fetches.
"""

from __future__ import annotations

import shutil
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from harness import _toml as toml
from harness.errors import HarnessError
from harness.install.patches import patches_root
from harness.process import compile_settings, run


@dataclass(frozen=True)
class Recipe:
    path: Path
    command: list[str]
    env: dict[str, str] = field(default_factory=dict)
    binary: str | None = None  # artifact relative to the tree (or to CARGO_TARGET_DIR's parent)
    estimate: str = ""  # how long a first build took where the recipe was measured, in words


def load_recipe(tool: str, version: str, name: str = "build.toml") -> Recipe:
    path = patches_root() / tool / version / name
    if not path.exists():
        raise HarnessError(f"no build recipe {path}")
    try:
        data = toml.loads(path.read_text(encoding="utf-8"))
        return Recipe(
            path=path,
            command=[str(c) for c in data["command"]],
            env={k: str(v) for k, v in data.get("env", {}).items()},
            binary=data.get("binary"),
            estimate=str(data.get("estimate", "")),
        )
    except (KeyError, TypeError, toml.TOMLDecodeError) as exc:
        raise HarnessError(f"malformed build recipe {path}: {exc!r}") from exc


def artifact_path(binary: Path, platform: str = sys.platform) -> Path:
    """Recipes name binaries as on Unix (``target/fast-build/uv``); cargo adds ``.exe`` on Windows."""
    if platform == "win32" and not binary.suffix:
        return binary.with_name(binary.name + ".exe")
    return binary


@dataclass
class CargoProgress:
    """Says, every ``every`` seconds of a long build, how many crates cargo has compiled."""

    label: str
    log: Path
    say: Callable[[str], None]
    every: float = 30.0
    compiled: int = 0
    start: float = field(default_factory=time.monotonic)
    last: float = field(default_factory=time.monotonic)

    def __call__(self, line: str) -> None:
        if line.lstrip().startswith("Compiling "):
            self.compiled += 1
        now = time.monotonic()
        if now - self.last >= self.every:
            self.last = now
            minutes, seconds = divmod(int(now - self.start), 60)
            self.say(
                f"{self.label}: {self.compiled} crates compiled, {minutes}m {seconds:02d}s (log: {self.log})"
            )


@dataclass(frozen=True)
class Built:
    artifact: Path
    seconds: float


def build_with(
    recipe: Recipe,
    tree: Path,
    *,
    outdir: Path,
    env: Mapping[str, str],
    log: Path,
    python: Path | None = None,
    target_dir: Path | None = None,
    platform: str = sys.platform,
    progress: CargoProgress | None = None,
) -> Built:
    """Run ``recipe`` in ``tree``; the artifact is copied into ``outdir``. ``progress`` hears
    every line of the build's output as it comes."""
    outdir.mkdir(parents=True, exist_ok=True)
    command = [c.replace("{outdir}", str(outdir)) for c in recipe.command]
    if python is not None and command and command[0] == "python":
        command[0] = str(python)
    # A cached tool is the same whoever compiled it: none of the caller's cargo settings.
    build_env = {**{k: v for k, v in env.items() if k not in compile_settings(env)}, **recipe.env}
    if target_dir is not None:
        build_env["CARGO_TARGET_DIR"] = str(target_dir)
    start = time.monotonic()
    run(command, cwd=tree, env=build_env, log=log, on_line=progress)
    seconds = time.monotonic() - start
    if recipe.binary is None:
        wheels = sorted(outdir.glob("*.whl"), key=lambda p: p.stat().st_mtime_ns)
        if not wheels:
            raise HarnessError(f"{recipe.path}: the build wrote no wheel to {outdir} (log {log})")
        return Built(wheels[-1], seconds)
    relative = Path(recipe.binary)
    # Recipes name the binary under target/; a shared CARGO_TARGET_DIR moves it.
    if target_dir is not None and relative.parts[0] == "target":
        produced = target_dir.joinpath(*relative.parts[1:])
    else:
        produced = tree / relative
    produced = artifact_path(produced, platform)
    if not produced.exists():
        raise HarnessError(f"{recipe.path}: expected {produced} after the build (log {log})")
    artifact = outdir / produced.name
    shutil.copy2(produced, artifact)
    return Built(artifact, seconds)
