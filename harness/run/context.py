"""What a run shares across its cells: the provisioner, the timer, and what it made once."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from harness.files import digest
from harness.install.cache import Cache
from harness.install.envs import Interpreter, PythonEnv
from harness.install.frontend_spec import FrontendSpec
from harness.install.frontends import Installed
from harness.install.provision import Provisioner, Wheelhouse
from harness.install.pyo3 import Pyo3, prepare
from harness.install.second_python import second_interpreter
from harness.install.wheelhouse import ensure_wheelhouse
from harness.pins import Pins
from harness.process import Runner, run
from harness.workbench.pyo3_config import generate_config_file


@dataclass
class Timer:
    """Seconds spent per category; what is not a build is the harness's overhead."""

    totals: dict[str, float] = field(default_factory=dict)

    def add(self, category: str, seconds: float) -> None:
        self.totals[category] = self.totals.get(category, 0.0) + seconds

    @contextlib.contextmanager
    def timing(self, category: str) -> Iterator[None]:
        """Adds the block's wall seconds to ``category``, however it ends."""
        start = time.monotonic()
        try:
            yield
        finally:
            self.add(category, time.monotonic() - start)


@dataclass
class Context:
    """Everything a run shares across cells; installs go through the provisioner."""

    provisioner: Provisioner
    out: Path
    work: Path
    switch_python: str | None = None  # --switch-python; None: find a second interpreter
    timer: Timer = field(default_factory=Timer)
    runner: Runner = run  # every build and product check starts its processes through it
    _pyo3: dict[tuple[str, bool], Pyo3] = field(default_factory=dict)
    _switched: Provisioner | None = None
    _configs: dict[tuple[Path, str], Path] = field(default_factory=dict)

    @property
    def cache(self) -> Cache:
        return self.provisioner.cache

    @property
    def pins(self) -> Pins:
        return self.provisioner.pins

    @property
    def interpreter(self) -> Interpreter:
        return self.provisioner.interpreter

    @property
    def base_env(self) -> dict[str, str]:
        return self.provisioner.base_env

    @property
    def uv_env(self) -> dict[str, str]:
        """The base environment for the harness's own uv (sdists, venvs, wheel checks)."""
        return {**self.base_env, "UV_CACHE_DIR": str(self.cache.uv_cache)}

    @property
    def tools(self) -> PythonEnv:
        return self.provisioner.tools

    def frontend(
        self,
        spec: FrontendSpec,
        *,
        patched: bool,
        other: bool = False,
        extra: tuple[str, ...] = (),
        switched: bool = False,
    ) -> Installed:
        provisioner = self.switched() if switched else self.provisioner
        with self.timer.timing("setup"):
            return provisioner.frontend(spec, patched=patched, other=other, extra=extra)

    def switched(self) -> Provisioner:
        """The provisioner for the second base interpreter (found, installed or compiled, once per run)."""
        if self._switched is None:
            with self.timer.timing("setup"):
                primary = self.provisioner
                second = second_interpreter(
                    primary.interpreter,
                    self.base_env,
                    given=self.switch_python,
                    log=self.cache.root / "logs" / "second-python.log",
                    cache=self.cache,  # where a free-threaded --switch-python X.Yt is compiled
                )
                pip = primary.on(second, primary.stock_wheelhouse).bare_env()
                wheelhouse = ensure_wheelhouse(
                    self.cache,
                    self.pins.wheelhouse_requirements(),
                    interpreter=second,
                    downloader=pip,
                    env=self.base_env,
                    # A free-threaded 3.13 has no cffi wheel: samples that need none still switch.
                    missing_ok=True,
                )
                self._switched = primary.on(second, wheelhouse)
        return self._switched

    def config_file(self, src: Path, interpreter: Interpreter, logs: Path) -> Path:
        """pyo3's printed config for ``interpreter``'s base, generated once per work copy."""
        key = (src, interpreter.base_executable)
        if key not in self._configs:
            with self.timer.timing("setup"):
                self._configs[key] = generate_config_file(
                    src,
                    interpreter.base_executable,
                    store=self.cache.root / "pyo3-configs",
                    scratch=src.parent / "print-config-target",
                    env=self.base_env,
                    log=logs / f"print-config-{digest(interpreter.base_executable)}.log",
                )
        return self._configs[key]

    def wheelhouse(self, *, patched_backend: bool, switched: bool = False) -> Wheelhouse:
        """The wheels builds and wheel checks install from: the second interpreter's own when
        ``switched`` (a build requirement with compiled wheels, cffi, has one per version)."""
        provisioner = self.switched() if switched else self.provisioner
        with self.timer.timing("setup"):
            return provisioner.wheelhouse(patched_backend=patched_backend)

    def pyo3(self, version: str, base_support: bool) -> Pyo3:
        key = (version, base_support)
        if key not in self._pyo3:
            with self.timer.timing("setup"):
                self._pyo3[key] = prepare(self.cache, version, base_support=base_support, env=self.base_env)
        return self._pyo3[key]
