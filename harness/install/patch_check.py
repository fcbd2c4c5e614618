"""``pyo3-harness patches check``: every series applies strictly, builds, and passes the
upstream project's own tests for the code it touches (``upstream-tests.toml``)."""

from __future__ import annotations

import re
import shutil
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness import _toml as toml
from harness.errors import HarnessError
from harness.install.cache import Cache
from harness.install.crates import crate_source
from harness.install.envs import Interpreter, PythonEnv, ensure_env, executable
from harness.install.patches import apply_series, available, load_series, patches_root
from harness.install.pyo3 import CONFIG_CRATE
from harness.install.recipes import build_with, load_recipe
from harness.install.sources import sdist
from harness.process import run

# tool -> PyPI package (None: a crate from crates.io)
PACKAGES = {"pip": "pip", "build": "build", "uv": "uv", "maturin": "maturin", "pyo3": None}

_PYTEST = re.compile(r"(?:(\d+) failed)?[, ]*(\d+) passed")
_CARGO = re.compile(r"test result: \w+\. (\d+) passed; (\d+) failed")


@dataclass
class Check:
    tool: str
    version: str
    digest: str = ""
    applies: bool = False
    builds: bool | None = None  # None: not attempted
    build_seconds: float | None = None
    tests_command: list[str] = field(default_factory=list)
    tests_passed: int | None = None
    tests_failed: int | None = None
    not_run: list[dict[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.applies and self.builds is not False and not self.tests_failed


def rust_version_gate(tree: Path, env: Mapping[str, str]) -> str | None:
    """Why this toolchain cannot build ``tree`` (its ``rust-version`` is newer), or None."""
    manifest = tree / "Cargo.toml"
    if not manifest.exists():
        return None
    data = toml.loads(manifest.read_text(encoding="utf-8"))
    wanted = data.get("workspace", {}).get("package", {}).get("rust-version") or data.get("package", {}).get(
        "rust-version"
    )
    # Outside the tree: its rust-toolchain.toml may name a toolchain that is not installed.
    found = run(["rustc", "--version"], cwd=tree.parent, env=env, check=False).output.split()
    if not wanted or len(found) < 2:
        return None

    def key(v: str) -> tuple[int, ...]:
        return tuple(int(x) for x in re.findall(r"\d+", v)[:3])

    if key(str(wanted)) > key(found[1]):
        return f"needs rustc {wanted} (its rust-version), this toolchain is rustc {found[1]}"
    return None


def count_tests(output: str) -> tuple[int, int]:
    """(passed, failed) from pytest's closing line or the sum of cargo's result lines."""
    cargo = _CARGO.findall(output)
    if cargo:
        return sum(int(p) for p, _ in cargo), sum(int(f) for _, f in cargo)
    for line in reversed(output.splitlines()):
        match = _PYTEST.search(line)
        if match and ("passed" in line and ("=" in line or " in " in line)):
            return int(match.group(2)), int(match.group(1) or 0)
    return 0, 0


def _pristine(cache: Cache, tool: str, version: str, tools: PythonEnv, env: Mapping[str, str]) -> Path:
    package = PACKAGES[tool]
    if package is None:
        return crate_source(cache, CONFIG_CRATE, version)
    return sdist(cache, package, version)


def check_series(
    cache: Cache,
    tool: str,
    version: str,
    *,
    tools: PythonEnv,
    interpreter: Interpreter,
    env: Mapping[str, str],
    upstream_tests: bool,
    logs: Path,
) -> Check:
    result = Check(tool, version)
    series = load_series(tool, version)
    result.digest = series.digest
    scratch = Path(tempfile.mkdtemp(prefix=f"patch-check-{tool}-{version}-", dir=cache.root))
    try:
        pristine = _pristine(cache, tool, version, tools, env)
        tree = scratch / pristine.name
        shutil.copytree(pristine, tree)
        try:
            apply_series(series, tree, env)
            result.applies = True
        except HarnessError as exc:
            result.notes.append(str(exc))
            return result
        result.builds, result.build_seconds = _build(tool, version, tree, tools, env, logs, result)
        if upstream_tests and result.builds is not False:
            _upstream_tests(cache, tool, version, tree, interpreter, env, logs, result)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return result


def _build(
    tool: str, version: str, tree: Path, tools: PythonEnv, env: Mapping[str, str], logs: Path, result: Check
) -> tuple[bool | None, float | None]:
    start = time.monotonic()
    log = logs / f"{tool}-{version}-build.log"
    if PACKAGES[tool] is None:  # a crate: cargo builds it
        done = run(["cargo", "build"], cwd=tree, env=env, log=log, check=False)
        return done.returncode == 0, round(time.monotonic() - start, 1)
    if (tree / "Cargo.toml").exists() and (patches_root() / tool / version / "build.toml").exists():
        recipe = load_recipe(tool, version)
        # The recipe's environment picks the toolchain (the sdist may pin one we lack).
        gate = rust_version_gate(tree, {**env, **recipe.env})
        if gate:
            result.notes.append(f"not built: {tool} {version} {gate}")
            return None, None
        try:
            # Rust builds share the provisioner's target dir, so a check after a run (or the
            # other way round) recompiles only what differs.
            build_with(
                recipe,
                tree,
                target_dir=tree.parents[1] / "cargo-target" / tool if recipe.binary else None,
                outdir=tree.parent / "out",
                env=env,
                log=log,
                python=tools.python,
            )
        except HarnessError as exc:
            result.notes.append(str(exc).splitlines()[0])
            return False, round(time.monotonic() - start, 1)
        return True, round(time.monotonic() - start, 1)
    if (tree / "Cargo.toml").exists():
        gate = rust_version_gate(tree, env)
        result.notes.append(
            f"not built: no build recipe for {tool} {version}" + (f"; it {gate}" if gate else "")
        )
        return None, None
    out = tree.parent / "out"
    done = run(
        [tools.python, "-m", "pip", "wheel", "--no-deps", "-w", out, tree],
        cwd=tree,
        env=env,
        log=log,
        check=False,
    )
    return done.returncode == 0, round(time.monotonic() - start, 1)


def _upstream_tests(
    cache: Cache,
    tool: str,
    version: str,
    tree: Path,
    interpreter: Interpreter,
    env: Mapping[str, str],
    logs: Path,
    result: Check,
) -> None:
    spec_file = patches_root() / tool / version / "upstream-tests.toml"
    if not spec_file.exists():
        result.notes.append(f"no {spec_file.name} for {tool} {version}: upstream tests not run")
        return
    spec: dict[str, Any] = toml.loads(spec_file.read_text(encoding="utf-8"))
    result.not_run = [{"test": str(n["test"]), "reason": str(n["reason"])} for n in spec.get("not_run", [])]
    command = [str(c) for c in spec["command"]]
    test_env = {**env, **{k: str(v) for k, v in spec.get("env", {}).items()}}
    if PACKAGES[tool] is not None and command[0] == "python":
        # Private to this check (beside the tree, in its scratch dir): the tree is installed
        # into it, so a shared one would be remade under a concurrent check's running tests.
        venv = ensure_env(
            cache,
            f"upstream-tests-{tool}-{version}",
            [str(r) for r in spec.get("requirements", [])],
            interpreter=interpreter,
            env=env,
            creator=None,
            refresh=True,
            root=tree.parent / "upstream-tests-env",
        )
        install = ["-e", str(tree)] if spec.get("install", "regular") == "editable" else [str(tree)]
        run(
            [venv.python, "-m", "pip", "install", "--no-deps", *install],
            cwd=tree,
            env=env,
            log=logs / f"{tool}-{version}-install.log",
        )
        command[0] = str(executable(venv.root, "python"))
    result.tests_command = command
    done = run(
        command, cwd=tree, env=test_env, log=logs / f"{tool}-{version}-upstream-tests.log", check=False
    )
    result.tests_passed, result.tests_failed = count_tests(done.output)
    if done.returncode != 0 and not result.tests_failed:
        result.tests_failed = 1
        result.notes.append(f"upstream tests exited {done.returncode}; see the log")


def all_series() -> list[tuple[str, str]]:
    return [(tool, version) for tool in PACKAGES for version in available(tool)]


def render(checks: list[Check]) -> str:
    head = "| patch | series | applies | builds | upstream tests | not run here | notes |"
    rows = [head, "|---|---|---|---|---|---|---|"]
    for c in checks:
        builds = "–" if c.builds is None else ("yes" if c.builds else "**no**")
        if c.build_seconds is not None:
            builds += f" ({c.build_seconds:.0f} s)"
        tests = "–" if c.tests_passed is None else f"{c.tests_passed} passed, {c.tests_failed} failed"
        if c.tests_command:
            shown = [Path(c.tests_command[0]).name, *c.tests_command[1:]]
            tests += f" (`{' '.join(shown)}`)"
        not_run = "<br>".join(f"{n['test']}: {n['reason']}" for n in c.not_run) or "–"
        notes = "<br>".join(n.splitlines()[0] for n in c.notes) or "–"
        rows.append(
            f"| {c.tool} {c.version} | {c.digest} | {'yes' if c.applies else '**no**'} | {builds} | {tests} "
            f"| {not_run} | {notes} |"
        )
    return "\n".join(rows)
