"""Prove a built wheel works: install it into a fresh environment, import it, call it."""

from __future__ import annotations

import json
import shutil
import zipfile
from collections.abc import Mapping
from pathlib import Path

from harness.errors import HarnessError
from harness.measure.tags import interpreter_tags, wheel_fits
from harness.model.results import Wheel
from harness.process import run
from harness.venvs import executable

_EXTENSION_SUFFIXES = (".so", ".pyd")
# A sample's check prints this, then a JSON object of strings: what the extension says it was
# built with (the hazard sample: the build requirement's version and file its build script found).
BUILT_WITH = "pyo3-harness-built-with: "


def built_with(output: str) -> dict[str, str] | None:
    """The last ``BUILT_WITH`` line of a check's output, read; None when there is none or it is
    not a JSON object of strings."""
    found = [line.removeprefix(BUILT_WITH) for line in output.splitlines() if line.startswith(BUILT_WITH)]
    if not found:
        return None
    try:
        data = json.loads(found[-1])
    except ValueError:
        return None
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        return None
    return {str(k): v for k, v in data.items()}


def wheel_tags(filename: str) -> str:
    """``pkg-0.1.0-cp311-cp311-linux_x86_64.whl`` -> ``cp311-cp311-linux_x86_64``."""
    parts = filename.removesuffix(".whl").split("-")
    return "-".join(parts[-3:])


def top_level_modules(wheel: Path) -> list[str]:
    """Importable top-level names: packages and extension modules at the wheel's root."""
    names: set[str] = set()
    with zipfile.ZipFile(wheel) as zf:
        for entry in zf.namelist():
            first, _, rest = entry.partition("/")
            if first.endswith((".dist-info", ".data")):
                continue
            if rest == "__init__.py":
                names.add(first)
            elif not rest and first.endswith((*_EXTENSION_SUFFIXES, ".py")):
                names.add(first.split(".", 1)[0])
    return sorted(names)


def _fits(wheel: Path, python: str, env: Mapping[str, str], cwd: Path) -> bool | None:
    try:
        return wheel_fits(wheel.name, interpreter_tags(python, env=env, cwd=cwd))
    except HarnessError:
        return None  # the interpreter could not say: unknown, never a guess


def check_wheel(
    wheel: Path,
    *,
    uv: Path,
    python: str,
    wheelhouse: Path,
    check: str | None,
    workdir: Path,
    env: Mapping[str, str],
    log: Path,
) -> Wheel:
    modules = top_level_modules(wheel)
    fits = _fits(wheel, python, env, workdir)
    venv = workdir / "check-env"
    shutil.rmtree(venv, ignore_errors=True)
    code = "".join(f"import {m}\n" for m in modules) + (check or "") + "print('wheel check passed')\n"
    steps: list[list[str | Path]] = [
        [uv, "venv", "--no-config", "--quiet", "--python", python, venv],
        [
            uv,
            "pip",
            "install",
            "--no-config",
            "--python",
            executable(venv, "python"),
            "--no-index",
            "--find-links",
            wheelhouse,
            wheel,
        ],
        [executable(venv, "python"), "-c", code],
    ]
    transcript = []
    for step in steps:
        done = run(step, cwd=workdir, env=env, check=False)
        transcript.append(f"$ {' '.join(map(str, step))}\n{done.output}")
        if done.returncode != 0:
            log.write_text("\n".join(transcript), encoding="utf-8")
            detail = done.output.strip()[-2000:]
            return Wheel(wheel.name, wheel_tags(wheel.name), False, modules, detail, fits)
    log.write_text("\n".join(transcript), encoding="utf-8")
    detail, said = transcript[-1].strip()[-500:], built_with(done.output)
    return Wheel(wheel.name, wheel_tags(wheel.name), True, modules, detail, fits, built_with=said)


# Run in the target environment: the distribution's importable top-level names and the
# modification times of its extension modules, from its installed RECORD.
_INSTALLED = """
import importlib.metadata as md, json, os, sys
names, extensions = set(), {}
for f in md.distribution(sys.argv[1]).files or []:
    top = f.parts[0]
    if top.endswith((".dist-info", ".data")) or top == ".." or f.suffix == ".pth":
        continue
    if len(f.parts) > 1 or f.suffix in (".py", ".so", ".pyd"):
        names.add(top.split(".")[0])
    if f.suffix in (".so", ".pyd"):
        path = str(f.locate())
        extensions[path] = os.stat(path).st_mtime
print(json.dumps({"modules": sorted(names), "extensions": extensions}))
"""


def check_installed(
    distribution: str,
    *,
    python: Path,
    check: str | None,
    edited_before: float | None,
    workdir: Path,
    env: Mapping[str, str],
    log: Path,
) -> Wheel:
    """The project as an installing frontend left it in ``python``'s environment: importable,
    working, and after an edit (``edited_before``: a time after the edit, before the build)
    holding extension modules written since."""
    what = f"{distribution} installed in {python.parent.parent}"
    found = run([python, "-c", _INSTALLED, distribution], cwd=workdir, env=env, check=False)
    transcript = [f"$ {python} -c <list the installed files> {distribution}\n{found.output}"]
    try:
        listed = json.loads(found.output.strip().splitlines()[-1])
        modules, extensions = list(listed["modules"]), dict(listed["extensions"])
    except (IndexError, ValueError, KeyError, TypeError):
        log.write_text("\n".join(transcript), encoding="utf-8")
        return Wheel(what, "installed", False, [], found.output.strip()[-2000:])
    fresh = None if edited_before is None else all(t >= edited_before for t in extensions.values())
    code = "".join(f"import {m}\n" for m in modules) + (check or "") + "print('wheel check passed')\n"
    done = run([python, "-c", code], cwd=workdir, env=env, check=False)
    transcript.append(f"$ {python} -c <import and call>\n{done.output}")
    log.write_text("\n".join(transcript), encoding="utf-8")
    detail = done.output.strip()[-2000:] if done.returncode else done.output.strip()[-500:]
    if fresh is False:
        stale = sorted(p for p, t in extensions.items() if t < (edited_before or 0.0))
        detail = f"installed extension modules older than the edit: {', '.join(stale)}"
    ok = done.returncode == 0 and fresh is not False
    return Wheel(what, "installed", ok, modules, detail, None, fresh, built_with(done.output))
