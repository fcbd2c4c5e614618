"""``pyo3-harness patches check``: every series applies strictly, builds, and passes the
upstream project's own tests for the code it touches (``upstream-tests.toml``), with the
pristine tree's counts beside the patched ones so that a failure the series brings is visible.

``upstream-tests.toml`` may name an ``overlay``: upstream test files the release's source lacks
(pip's sdist ships no tests/), vendored beside the series and copied into both trees first;
its ``overlay_series`` patches, applied strictly after the series, change those files.
``setup`` commands run in each tree after the install (e.g. to fetch wheels a suite expects).
"""

from __future__ import annotations

import re
import shutil
import sys
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from harness import _toml as toml
from harness.errors import HarnessError
from harness.install.cache import Cache
from harness.install.crates import crate_source
from harness.install.envs import Interpreter, PythonEnv, ensure_env, ensure_tools, probe
from harness.install.frontends import FRONTENDS
from harness.install.patches import Series, apply_series, available, load_series, patches_root
from harness.install.pyo3 import CONFIG_CRATE
from harness.install.recipes import build_with, load_recipe
from harness.install.sources import sdist
from harness.pins import Pins
from harness.process import run
from harness.venvs import executable

# Tools whose series patch a crate from crates.io, and that crate (pyo3's series change
# pyo3-build-config). Every other tool's series patch the PyPI sdist of the package it is named after.
CRATES: Mapping[str, str] = MappingProxyType({"pyo3": CONFIG_CRATE})

# pytest's closing line, e.g. "== 2 failed, 40 passed, 1 skipped, 3 errors in 3.2s ==".
_PYTEST_SUMMARY = re.compile(r"\d+ (?:passed|failed|skipped|errors?|xfailed|xpassed|deselected)\b.* in \d")
_PYTEST_COUNT = re.compile(r"(\d+) (passed|failed|skipped|errors?|xfailed|xpassed)\b")
_CARGO = re.compile(r"test result: \w+\. (\d+) passed; (\d+) failed; (\d+) ignored")


@dataclass(frozen=True)
class Counts:
    """One run of an upstream suite: cargo's "ignored" and pytest's xfailed count as skipped,
    pytest's errors as failed."""

    passed: int
    failed: int
    skipped: int

    def __str__(self) -> str:
        return f"{self.passed} passed, {self.failed} failed, {self.skipped} skipped"


@dataclass
class Check:
    tool: str
    version: str
    digest: str = ""
    applies: bool = False
    builds: bool | None = None  # None: not attempted
    build_seconds: float | None = None
    tests_command: list[str] = field(default_factory=list)
    tests: Counts | None = None  # on the patched tree
    pristine_tests: Counts | None = None  # the same command on the unpatched tree
    not_run: list[dict[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        failed = self.tests.failed if self.tests else 0
        return self.applies and self.builds is not False and not failed


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


def count_tests(output: str) -> Counts:
    """The counts in pytest's closing line, or the sum of cargo's result lines."""
    cargo = _CARGO.findall(output)
    if cargo:
        return Counts(*(sum(int(row[i]) for row in cargo) for i in range(3)))
    for line in reversed(output.splitlines()):
        if _PYTEST_SUMMARY.search(line):
            found: dict[str, int] = {}
            for number, word in _PYTEST_COUNT.findall(line):
                key = {"error": "failed", "errors": "failed", "xfailed": "skipped", "xpassed": "passed"}
                found[key.get(word, word)] = found.get(key.get(word, word), 0) + int(number)
            return Counts(found.get("passed", 0), found.get("failed", 0), found.get("skipped", 0))
    return Counts(0, 0, 0)


def patched_tools() -> tuple[str, ...]:
    """The tools with a series on disk (``patches/<tool>/<version>/series``): the frontend
    packages in registry order, then the others (backends, crates) by name."""
    root = patches_root()
    found = [p.name for p in root.iterdir() if p.is_dir() and available(p.name)] if root.is_dir() else []
    frontends = list(dict.fromkeys(f.package for f in FRONTENDS.values()))

    def order(tool: str) -> tuple[int, str]:
        return (frontends.index(tool) if tool in frontends else len(frontends), tool)

    return tuple(sorted(found, key=order))


def _pristine(cache: Cache, tool: str, version: str, tools: PythonEnv, env: Mapping[str, str]) -> Path:
    if tool in CRATES:
        return crate_source(cache, CRATES[tool], version)
    return sdist(cache, tool, version)


def load_spec(tool: str, version: str) -> dict[str, Any] | None:
    """``upstream-tests.toml`` beside the series, or None."""
    spec_file = patches_root() / tool / version / "upstream-tests.toml"
    if not spec_file.exists():
        return None
    spec: dict[str, Any] = toml.loads(spec_file.read_text(encoding="utf-8"))
    return spec


def prepare_tree(
    pristine: Path,
    tree: Path,
    spec: dict[str, Any] | None,
    series: Series,
    env: Mapping[str, str],
    *,
    patched: bool = True,
) -> None:
    """Copy ``pristine`` to ``tree``, add the spec's overlay, then apply ``series`` and the
    overlay's own patches (unless not ``patched``: the tree for the pristine test run)."""
    directory = patches_root() / series.tool / series.version
    shutil.copytree(pristine, tree, ignore=shutil.ignore_patterns(".harness-complete"))
    if spec and spec.get("overlay"):
        shutil.copytree(directory / str(spec["overlay"]), tree, dirs_exist_ok=True)
    if not patched:
        return
    apply_series(series, tree, env)
    extra = tuple(directory / str(name) for name in (spec or {}).get("overlay_series", []))
    if extra:
        apply_series(Series(series.tool, series.version, extra), tree, env)


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
    spec = load_spec(tool, version)
    scratch = Path(tempfile.mkdtemp(prefix=f"patch-check-{tool}-{version}-", dir=cache.root))
    try:
        pristine = _pristine(cache, tool, version, tools, env)
        tree = scratch / pristine.name
        try:
            prepare_tree(pristine, tree, spec, series, env)
            result.applies = True
        except HarnessError as exc:
            result.notes.append(str(exc))
            return result
        result.builds, result.build_seconds = _build(tool, version, tree, tools, env, logs, result)
        if upstream_tests and result.builds is not False:
            _compare_upstream_tests(cache, spec, series, pristine, tree, interpreter, env, logs, result)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return result


def _compare_upstream_tests(
    cache: Cache,
    spec: dict[str, Any] | None,
    series: Series,
    pristine: Path,
    tree: Path,
    interpreter: Interpreter,
    env: Mapping[str, str],
    logs: Path,
    result: Check,
) -> None:
    """Run the upstream tests on the patched ``tree``, then on a pristine copy beside it."""
    if spec is None:
        result.notes.append(
            f"no upstream-tests.toml for {result.tool} {result.version}: upstream tests not run"
        )
        return
    result.not_run = [{"test": str(n["test"]), "reason": str(n["reason"])} for n in spec.get("not_run", [])]
    # Each tree keeps its own cargo target dir: cargo's hash of a package does not include its
    # path, so with a shared one the second tree's tests ran the first tree's binary.
    result.tests = _upstream_tests(cache, spec, tree, interpreter, env, logs, result, "patched")
    base = tree.parent / "pristine" / pristine.name
    prepare_tree(pristine, base, spec, series, env, patched=False)
    result.pristine_tests = _upstream_tests(cache, spec, base, interpreter, env, logs, result, "pristine")
    if result.tests.failed > result.pristine_tests.failed:
        more = result.tests.failed - result.pristine_tests.failed
        result.notes.append(f"{more} more upstream test(s) fail than on the pristine tree")


def _build(
    tool: str, version: str, tree: Path, tools: PythonEnv, env: Mapping[str, str], logs: Path, result: Check
) -> tuple[bool | None, float | None]:
    start = time.monotonic()
    log = logs / f"{tool}-{version}-build.log"
    if tool in CRATES:  # cargo builds it
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
    spec: dict[str, Any],
    tree: Path,
    interpreter: Interpreter,
    env: Mapping[str, str],
    logs: Path,
    result: Check,
    label: str,
) -> Counts:
    """Run the spec's command in ``tree`` (``label``: patched or pristine) and count the results."""
    command = [str(c) for c in spec["command"]]
    test_env = {**env, **{k: str(v) for k, v in spec.get("env", {}).items()}}
    prefix = f"{result.tool}-{result.version}-{label}"
    if result.tool not in CRATES and command[0] == "python":
        # Private to this tree (beside it, in the check's scratch dir): the tree is installed
        # into it, so a shared one would be remade under a concurrent check's running tests.
        venv = ensure_env(
            cache,
            f"upstream-tests-{result.tool}-{result.version}",
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
            log=logs / f"{prefix}-install.log",
        )
        python = str(executable(venv.root, "python"))
        setup_env = {**test_env, "PIP_CACHE_DIR": str(cache.pip_cache)}
        for step in spec.get("setup", []):
            steps = [python if i == 0 and c == "python" else str(c) for i, c in enumerate(step)]
            run(steps, cwd=tree, env=setup_env, log=logs / f"{prefix}-setup.log")
        command[0] = python
    result.tests_command = command
    done = run(command, cwd=tree, env=test_env, log=logs / f"{prefix}-upstream-tests.log", check=False)
    counts = count_tests(done.output)
    if done.returncode != 0 and not counts.failed:
        counts = Counts(counts.passed, 1, counts.skipped)
        result.notes.append(f"upstream tests ({label}) exited {done.returncode}; see the log")
    return counts


def all_series() -> list[tuple[str, str]]:
    return [(tool, version) for tool in patched_tools() for version in available(tool)]


def selectable() -> tuple[str, ...]:
    """What ``patches check --tool`` takes: a tool (all its series) or one series, TOOL/VERSION."""
    return (*patched_tools(), *(f"{tool}/{version}" for tool, version in all_series()))


def chosen_series(selected: tuple[str, ...]) -> list[tuple[str, str]]:
    """The series ``selected`` names, as tools or TOOL/VERSION, in the order of ``all_series``."""
    return [(t, v) for t, v in all_series() if t in selected or f"{t}/{v}" in selected]


def check_all(
    cache: Cache,
    pins: Pins,
    selected: tuple[str, ...],
    *,
    python: str,
    env: Mapping[str, str],
    upstream_tests: bool,
    logs: Path,
) -> list[Check]:
    """Every selected series (``selected`` holds tools and TOOL/VERSION names), one after another,
    with a line on stderr as each starts."""
    interpreter = probe(python, env)
    helper = ensure_tools(cache, pins, interpreter=interpreter, env=env, refresh=False)
    checks = []
    for tool, version in chosen_series(selected):
        print(f"checking patches/{tool}/{version} ...", file=sys.stderr, flush=True)
        checks.append(
            check_series(
                cache,
                tool,
                version,
                tools=helper,
                interpreter=interpreter,
                env=env,
                upstream_tests=upstream_tests,
                logs=logs,
            )
        )
    return checks
