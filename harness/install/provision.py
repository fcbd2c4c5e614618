"""Turn a frontend spec (and a stock/patched choice) into an installed frontend, once per run.

``harness.install.delivery.decide`` chooses, from the plug-in's ``Delivery`` data, where each
build comes from and what is done with it; this module carries that decision out:

- pinned (``pip``): the PyPI release named in pins.toml;
- ``NAME==VERSION``: that PyPI release;
- ``NAME@PATH``: the user's source checkout, reinstalled (or, when compiled, rebuilt) every run;
- ``NAME=PATH``: the user's binary, for a package whose delivery takes one;
- patched: the pinned sdist with ``patches/<tool>/<version>`` applied; a compiled package is
  built here with its recipe, from the sdist of its source pin (``<package>-source`` in pins.toml).

Patched builds of the backends (maturin, setuptools-rust) go into their own wheelhouse, beside
the stock one.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.files import digest, filled_once, locked, record_sha256, say, unlike_recorded
from harness.install.cache import Cache
from harness.install.delivery import Decision, decide
from harness.install.envs import Interpreter, PythonEnv, ensure_env, probe
from harness.install.frontend_spec import FrontendSpec
from harness.install.frontends import Installed
from harness.install.probe import ensure_probe_wheel
from harness.install.recipes import CargoProgress, Recipe, build_with, load_recipe
from harness.install.sources import SourceTree, source_tree
from harness.pins import Pins
from harness.process import run
from harness.venvs import exe_name


@dataclass(frozen=True)
class Wheelhouse:
    """A directory of wheels builds install from, and where its maturin came from (in words)."""

    path: Path
    backend_source: str


@dataclass(frozen=True)
class _Tree:
    """A source tree a frontend is compiled or pip-installed from, and how what it makes is
    named: ``label`` in cache paths, ``described`` in results."""

    root: Path
    label: str
    described: str
    patch_digest: str | None = None


@dataclass
class Provisioner:
    cache: Cache
    pins: Pins
    interpreter: Interpreter
    base_env: dict[str, str]
    tools: PythonEnv
    stock_wheelhouse: Path
    refresh: bool = False
    # Where long one-time work (uv and maturin compiled from source) reports its progress.
    say: Callable[[str], None] = field(default=lambda text: None)
    # What was installed or built in this run, and how long it took (for the report).
    installs: list[dict[str, Any]] = field(default_factory=list)
    _installed: dict[tuple[str, Decision, bool, tuple[str, ...]], Installed] = field(default_factory=dict)
    _fresh: set[str] = field(default_factory=set)  # envs already (re)made in this run
    _wheelhouses: dict[bool, Wheelhouse] = field(default_factory=dict)

    # -- environments --------------------------------------------------------------------

    def _env(
        self, name: str, requirements: list[str], *, every_run: bool = False, extra: tuple[str, ...] = ()
    ) -> PythonEnv:
        """``every_run``: reinstall once per run (a checkout may have changed since last time);
        ``extra``: more to install (a project's build requirements, for builds without isolation)."""
        if extra:
            name, requirements = f"{name}-with-{digest(*extra)}", [*requirements, *extra]
        start = time.monotonic()
        env = ensure_env(
            self.cache,
            name,
            requirements,
            interpreter=self.interpreter,
            env=self.base_env,
            creator=self.tools.script("virtualenv"),
            refresh=(self.refresh or every_run) and name not in self._fresh,
        )
        self._fresh.add(name)
        self._record(f"environment {name}", start)
        return env

    def _record(self, what: str, start: float, **extra: Any) -> None:
        self.installs.append({"what": what, "seconds": round(time.monotonic() - start, 2), **extra})

    def _installed_version(self, env: PythonEnv, package: str) -> str:
        code = f"import importlib.metadata as m; print(m.version({package!r}))"
        return run([env.python, "-c", code], cwd=self.cache.root, env=self.base_env).output.strip()

    def _binary_version(self, binary: Path) -> str:
        out = run([binary, "--version"], cwd=self.cache.root, env=self.base_env).output.split()
        return out[1] if len(out) > 1 else "unknown"

    def _make(self, spec: FrontendSpec, env: PythonEnv, version: str, source: str, **kw: Any) -> Installed:
        return Installed(
            frontend=spec.plugin,
            version=version,
            env=env,
            source=source,
            interpreter=probe(env.python, self.base_env),
            **kw,
        )

    # -- frontends compiled from source -------------------------------------------------

    def _compile(self, package: str, tree: Path, label: str, decision: Decision) -> Path:
        """The executable built from ``tree`` by the package's recipe (reused unless the
        decision says every run, or --refresh)."""
        if decision.recipe is None:
            raise ValueError(f"{decision} names no recipe to compile {package} with")
        recipe = load_recipe(package, decision.recipe)
        outdir = self.cache.root / "artifacts" / f"{package}-{label}"
        binary = outdir / exe_name(package)
        with locked(outdir):
            if not decision.every_run and not self.refresh and self._intact(binary):
                return binary
            start = time.monotonic()
            log = self.cache.root / "logs" / f"build-{package}-{label}.log"
            self._announce(f"{package} {label}", recipe, log)
            # One target dir for every build of a package: a patched build after a stock one
            # (or a checkout after either) recompiles only what differs.
            built = build_with(
                recipe,
                tree,
                outdir=outdir,
                env=self.base_env,
                log=log,
                target_dir=self.cache.root / "cargo-target" / package,
                progress=CargoProgress(f"{package} {label}", log, self.say),
            )
            record_sha256(built.artifact)
            self._record(f"{package} built from {tree}", start, artifact=str(built.artifact))
            return built.artifact

    def _intact(self, binary: Path) -> bool:
        """A compiled executable that can be used as it is: it matches the sha256 recorded when
        it was built, or (built before records were kept) it answers --version, and is recorded
        now. One that does not is said, and built again."""
        problem = unlike_recorded(binary)
        if problem == "" and binary.is_file():
            answered = run([binary, "--version"], cwd=self.cache.root, env=self.base_env, check=False)
            if answered.returncode == 0:
                record_sha256(binary)
                return True
            problem = f"it does not run (exit {answered.returncode})"
        if problem:
            say(f"{binary}: {problem}; building it again")
        return problem is None

    def _announce(self, label: str, recipe: Recipe, log: Path) -> None:
        estimate = f" ({recipe.estimate})" if recipe.estimate else ""
        self.say(f"building {label} from source{estimate}; log: {log}")

    # -- frontends -----------------------------------------------------------------------

    def frontend(
        self, spec: FrontendSpec, *, patched: bool = False, other: bool = False, extra: tuple[str, ...] = ()
    ) -> Installed:
        """The frontend ``spec`` names; ``patched`` applies our series (pinned specs only);
        ``other`` is a second environment with the same contents (``Scenario.needs_other_venv``);
        ``extra`` is installed beside the frontend (pip arguments: requirements, --find-links)."""
        decision = decide(spec, spec.plugin.delivery, patched=patched, pins=self.pins)
        key = (str(spec), decision, other, extra)
        if key not in self._installed:
            suffix = "-other" if other else ""
            self._installed[key] = self._provision(spec, decision, suffix=suffix, extra=extra)
        return self._installed[key]

    def bare_env(self) -> PythonEnv:
        """An environment with only virtualenv's seed packages (pip): for downloads."""
        return self._env("python", [])

    def on(self, interpreter: Interpreter, stock_wheelhouse: Path) -> Provisioner:
        """The same provisioner for another base interpreter (installs are recorded together)."""
        return Provisioner(
            cache=self.cache,
            pins=self.pins,
            interpreter=interpreter,
            base_env=self.base_env,
            tools=self.tools,
            stock_wheelhouse=stock_wheelhouse,
            refresh=self.refresh,
            say=self.say,
            installs=self.installs,
        )

    def _provision(
        self, spec: FrontendSpec, decision: Decision, *, suffix: str, extra: tuple[str, ...]
    ) -> Installed:
        if decision.method == "use":
            if spec.binary is None:
                raise ValueError(f"{decision} for {spec}, which names no binary")
            env = self._env(f"python{suffix}", [], extra=extra)
            version = self._binary_version(spec.binary)
            return self._make(spec, env, version, f"binary {spec.binary}", tool=spec.binary)
        if decision.origin in ("release", "pin"):
            return self._release(spec, decision, suffix=suffix, extra=extra)
        tree = self._source(spec, decision)
        package = spec.plugin.package
        if decision.method == "compile":
            binary = self._compile(package, tree.root, tree.label, decision)
            env = self._env(f"python{suffix}", [], extra=extra)
            version = decision.version or self._binary_version(binary)
            described = tree.described + ", built here"
            return self._make(spec, env, version, described, tool=binary, patch_digest=tree.patch_digest)
        reqs = spec.plugin.requirements(self.pins, own=str(tree.root))
        env = self._env(f"{package}-{tree.label}{suffix}", reqs, every_run=decision.every_run, extra=extra)
        version = decision.version or self._installed_version(env, package)
        return self._make(spec, env, version, tree.described, patch_digest=tree.patch_digest)

    def _release(
        self, spec: FrontendSpec, decision: Decision, *, suffix: str, extra: tuple[str, ...]
    ) -> Installed:
        """A PyPI release: the one the user named, or the pinned one (with its pinned extras)."""
        package, version = spec.plugin.package, decision.version
        if version is None:
            raise ValueError(f"{decision} for {spec} names no release")
        own = f"{package}=={version}"
        reqs = spec.plugin.requirements(self.pins, own=own)
        env = self._env(f"{package}-{version}{suffix}", reqs, extra=extra)
        # Results have always named the pinned install by all it installs, a named one by itself.
        described = f"PyPI {own}" if decision.origin == "release" else f"PyPI {', '.join(reqs)}"
        return self._make(spec, env, version, described)

    def _source(self, spec: FrontendSpec, decision: Decision) -> _Tree:
        """The tree a checkout or sdist decision builds from, and the names of what it makes."""
        if decision.origin == "checkout" and spec.source is not None:
            return _Tree(spec.source, f"checkout-{digest(spec.source)}", f"source checkout {spec.source}")
        if decision.origin != "sdist" or decision.version is None:
            raise ValueError(f"{decision} for {spec} names no source tree")
        tree = self._tree(spec.plugin.package, decision.version, decision.patched)
        label = f"{decision.version}-{tree.patch_digest or 'stock'}"
        return _Tree(tree.root, label, tree.describe(), tree.patch_digest)

    def _tree(self, package: str, version: str, patched: bool) -> SourceTree:
        start = time.monotonic()
        tree = source_tree(self.cache, package, version, patched=patched, env=self.base_env)
        self._record(f"source {tree.describe()}", start)
        return tree

    # -- the backend ---------------------------------------------------------------------

    def wheelhouse(self, *, patched_backend: bool) -> Wheelhouse:
        """The stock wheelhouse, or a copy whose backends are built from our patched sdists."""
        if patched_backend not in self._wheelhouses:
            if patched_backend:
                chosen = self._patched_wheelhouse()
            else:
                stock = f"PyPI maturin=={self.pins.maturin}, setuptools-rust=={self.pins.setuptools_rust}"
                chosen = Wheelhouse(self.stock_wheelhouse, stock)
            ensure_probe_wheel(chosen.path)
            self._wheelhouses[patched_backend] = chosen
        return self._wheelhouses[patched_backend]

    def _patched_wheelhouse(self) -> Wheelhouse:
        tree = self._tree("maturin", self.pins.maturin, patched=True)
        srust = self._tree("setuptools-rust", self.pins.setuptools_rust, patched=True)
        name = f"maturin-{tree.patch_digest}-setuptools-rust-{srust.patch_digest}"
        dest = self.cache.root / "wheelhouse-patched" / self.interpreter.key / name
        source = f"{tree.describe()}; {srust.describe()}"

        def fill(dest: Path) -> str:
            start = time.monotonic()
            dest.mkdir(parents=True)
            for wheel in self.stock_wheelhouse.glob("*.whl"):
                if not wheel.name.startswith(("maturin-", "setuptools_rust-")):
                    shutil.copy2(wheel, dest)
            artifact = self._maturin_wheel(tree, dest)
            built = self._backend_wheel(srust, dest)
            self._record(f"backend wheels from {source}", start)
            return json.dumps({"maturin": artifact, "setuptools-rust": built, "source": source})

        filled_once(dest, fill, refresh=self.refresh)
        return Wheelhouse(dest, source)

    def _backend_wheel(self, tree: SourceTree, dest: Path) -> str:
        """Build the wheel of a pure-Python backend (setuptools-rust) into ``dest``; its name."""
        recipe = load_recipe(tree.package, tree.version)
        log = self.cache.root / "logs" / f"build-{tree.package}-{tree.patch_digest}.log"
        built = build_with(
            recipe, tree.root, outdir=dest, env=self.base_env, log=log, python=self.tools.python
        )
        return built.artifact.name

    def _maturin_wheel(self, tree: SourceTree, dest: Path) -> str:
        """Put the patched maturin wheel into ``dest``; its file name."""
        # A wheel built for another interpreter of the same version on this
        # machine serves this one too (same tags): no second 8-minute build.
        tag = "cp" + "".join(self.interpreter.version.split(".")[:2])
        pattern = f"*/maturin-{tree.patch_digest}*/maturin-*.whl"
        earlier = [
            w
            for w in sorted(dest.parent.parent.glob(pattern))
            if w.name.split("-")[2] in ("py3", tag) and w.parent != dest
        ]
        if earlier:
            shutil.copy2(earlier[0], dest)
            return earlier[0].name
        recipe = load_recipe("maturin", self.pins.maturin)
        log = self.cache.root / "logs" / f"build-maturin-{tree.patch_digest}.log"
        label = f"maturin {self.pins.maturin} (patched {tree.patch_digest})"
        self._announce(label, recipe, log)
        built = build_with(
            recipe,
            tree.root,
            outdir=dest,
            env=self.base_env,
            log=log,
            python=self.tools.python,
            progress=CargoProgress(label, log, self.say),
        )
        return built.artifact.name
