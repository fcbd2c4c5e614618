"""Turn a frontend spec (and a stock/patched choice) into an installed frontend, once per run.

Where each build comes from:

- pinned (``pip``): the PyPI release named in pins.toml;
- ``NAME==VERSION``: that PyPI release;
- ``NAME@PATH``: the user's source checkout, reinstalled (or, for uv, rebuilt) every run;
- ``uv=PATH``: the user's uv binary;
- patched: the pinned sdist with ``patches/<tool>/<version>`` applied; uv is built here with
  rustc, from the newest sdist this toolchain can build (``uv-source`` in pins.toml).

Patched builds of the backend (maturin) go into their own wheelhouse, beside the stock one.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.files import digest, filled_once, locked
from harness.install.cache import Cache
from harness.install.envs import Interpreter, PythonEnv, ensure_env, exe_name, probe
from harness.install.frontend_spec import FrontendSpec
from harness.install.frontends import Installed
from harness.install.probe import ensure_probe_wheel
from harness.install.recipes import CargoProgress, Recipe, build_with, load_recipe
from harness.install.sources import SourceTree, source_tree
from harness.pins import Pins
from harness.process import run


@dataclass(frozen=True)
class Wheelhouse:
    """A directory of wheels builds install from, and where its maturin came from (in words)."""

    path: Path
    backend_source: str


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
    _installed: dict[tuple[str, bool, bool, tuple[str, ...]], Installed] = field(default_factory=dict)
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

    # -- uv from source ------------------------------------------------------------------

    def _build_uv(self, tree: Path, label: str, *, every_run: bool = False) -> Path:
        """A uv binary built from ``tree`` (reused unless ``every_run`` or --refresh)."""
        recipe = load_recipe("uv", self.pins.sources["uv"])
        outdir = self.cache.root / "artifacts" / f"uv-{label}"
        binary = outdir / exe_name("uv")
        with locked(outdir):
            if binary.exists() and not every_run and not self.refresh:
                return binary
            start = time.monotonic()
            log = self.cache.root / "logs" / f"build-uv-{label}.log"
            self._announce(f"uv {label}", recipe, log)
            # One target dir for every uv build: a patched build after a stock one (or a
            # checkout after either) recompiles only what differs.
            built = build_with(
                recipe,
                tree,
                outdir=outdir,
                env=self.base_env,
                log=log,
                target_dir=self.cache.root / "cargo-target" / "uv",
                progress=CargoProgress(f"uv {label}", log, self.say),
            )
            self._record(f"uv built from {tree}", start, artifact=str(built.artifact))
            return built.artifact

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
        patched = patched and not spec.overridden
        key = (str(spec), patched, other, extra)
        if key not in self._installed:
            self._installed[key] = self._provision(
                spec, patched=patched, suffix="-other" if other else "", extra=extra
            )
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
        self, spec: FrontendSpec, *, patched: bool, suffix: str, extra: tuple[str, ...]
    ) -> Installed:
        plugin, pins = spec.plugin, self.pins
        package = plugin.package
        if spec.binary is not None:
            env = self._env(f"python{suffix}", [], extra=extra)
            version = self._binary_version(spec.binary)
            return self._make(spec, env, version, f"binary {spec.binary}", tool=spec.binary)
        if spec.source is not None:
            label = f"checkout-{digest(spec.source)}"
            if package == "uv":
                binary = self._build_uv(spec.source, label, every_run=True)
                env = self._env(f"python{suffix}", [], extra=extra)
                version = self._binary_version(binary)
                return self._make(
                    spec, env, version, f"source checkout {spec.source}, built here", tool=binary
                )
            reqs = plugin.requirements(pins, own=str(spec.source))
            env = self._env(f"{package}-{label}{suffix}", reqs, every_run=True, extra=extra)
            version = self._installed_version(env, package)
            return self._make(spec, env, version, f"source checkout {spec.source}")
        if spec.version is not None:
            own = f"{package}=={spec.version}"
            env = self._env(
                f"{package}-{spec.version}{suffix}", plugin.requirements(pins, own=own), extra=extra
            )
            return self._make(spec, env, spec.version, f"PyPI {own}")
        if patched or plugin.from_source:
            return self._from_sdist(spec, patched=patched, suffix=suffix, extra=extra)
        reqs = plugin.requirements(pins)
        env = self._env(f"{package}-{plugin.version(pins)}{suffix}", reqs, extra=extra)
        return self._make(spec, env, plugin.version(pins), f"PyPI {', '.join(reqs)}")

    def _tree(self, package: str, version: str, patched: bool) -> SourceTree:
        start = time.monotonic()
        tree = source_tree(self.cache, package, version, patched=patched, env=self.base_env)
        self._record(f"source {tree.describe()}", start)
        return tree

    def _from_sdist(
        self, spec: FrontendSpec, *, patched: bool, suffix: str, extra: tuple[str, ...]
    ) -> Installed:
        plugin = spec.plugin
        package = plugin.package
        version = self.pins.sources["uv"] if package == "uv" else plugin.version(self.pins)
        tree = self._tree(package, version, patched)
        variant = tree.patch_digest or "stock"
        if package == "uv":
            binary = self._build_uv(tree.root, f"{version}-{variant}")
            env = self._env(f"python{suffix}", [], extra=extra)
            return self._make(
                spec,
                env,
                version,
                tree.describe() + ", built here",
                tool=binary,
                patch_digest=tree.patch_digest,
            )
        reqs = plugin.requirements(self.pins, own=str(tree.root))
        env = self._env(f"{package}-{version}-{variant}{suffix}", reqs, extra=extra)
        return self._make(spec, env, version, tree.describe(), patch_digest=tree.patch_digest)

    # -- the backend ---------------------------------------------------------------------

    def wheelhouse(self, *, patched_backend: bool) -> Wheelhouse:
        """The stock wheelhouse, or a copy whose maturin is built from our patched sdist."""
        if patched_backend not in self._wheelhouses:
            if patched_backend:
                chosen = self._patched_wheelhouse()
            else:
                chosen = Wheelhouse(self.stock_wheelhouse, f"PyPI maturin=={self.pins.maturin}")
            ensure_probe_wheel(chosen.path)
            self._wheelhouses[patched_backend] = chosen
        return self._wheelhouses[patched_backend]

    def _patched_wheelhouse(self) -> Wheelhouse:
        tree = self._tree("maturin", self.pins.maturin, patched=True)
        dest = self.cache.root / "wheelhouse-patched" / self.interpreter.key / f"maturin-{tree.patch_digest}"

        def fill(dest: Path) -> str:
            start = time.monotonic()
            dest.mkdir(parents=True)
            for wheel in self.stock_wheelhouse.glob("*.whl"):
                if not wheel.name.startswith("maturin-"):
                    shutil.copy2(wheel, dest)
            artifact = self._maturin_wheel(tree, dest)
            self._record(f"maturin wheel from {tree.describe()}", start)
            return json.dumps({"maturin": artifact, "source": tree.describe()})

        filled_once(dest, fill, refresh=self.refresh)
        return Wheelhouse(dest, tree.describe())

    def _maturin_wheel(self, tree: SourceTree, dest: Path) -> str:
        """Put the patched maturin wheel into ``dest``; its file name."""
        # A wheel built for another interpreter of the same version on this
        # machine serves this one too (same tags): no second 8-minute build.
        tag = "cp" + "".join(self.interpreter.version.split(".")[:2])
        pattern = f"*/maturin-{tree.patch_digest}/maturin-*.whl"
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
