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
from harness.run.selection import Cell
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
    # --switch-python: the second base interpreters, switched to in this order; none given: one,
    # found on this machine.
    switch_python: tuple[str, ...] = ()
    pyo3_series: Path | None = None  # --pyo3-series: applied instead of patches/pyo3/<version>/
    python: str | None = None  # --python, when not the interpreter running the harness
    seed_dir: Path | None = None  # --seed-dir: where cold builds' seeds are kept (workbench/seed.py)
    timer: Timer = field(default_factory=Timer)
    runner: Runner = run  # every build and product check starts its processes through it
    _pyo3: dict[tuple[str, bool], Pyo3] = field(default_factory=dict)
    _switched: dict[int, Provisioner] = field(default_factory=dict)
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
        switched: int | None = None,
    ) -> Installed:
        """The frontend on the primary interpreter, or on the ``switched``-th second one."""
        provisioner = self.provisioner if switched is None else self.switched(switched)
        with self.timer.timing("setup"):
            return provisioner.frontend(spec, patched=patched, other=other, extra=extra)

    def run_flags(self, cell: Cell) -> list[str]:
        """The flags of this run that shaped ``cell``, for its reproduce command: the interpreter
        given, the pyo3 series given, and the second interpreters it switched to (once found)."""
        flags = ["--python", self.python] if self.python else []
        if self.seed_dir:
            flags += ["--seed-dir", str(self.seed_dir)]
        if self.pyo3_series and cell.strategy.base_support:
            flags += ["--pyo3-series", str(self.pyo3_series)]
        if any(s.needs_second_python for s in cell.scenarios):
            found = [self._switched[i].interpreter.base_executable for i in sorted(self._switched)]
            seconds = found if len(found) == self.switches else list(self.switch_python)
            flags += ["--switch-python", ",".join(seconds)] if seconds else []
        return flags

    @property
    def switches(self) -> int:
        """How many second interpreters the run switches to, one after the other."""
        return max(1, len(self.switch_python))

    def switched(self, index: int = 0) -> Provisioner:
        """The provisioner for the ``index``-th second base interpreter (found, installed or
        compiled, once per run)."""
        if index not in self._switched:
            with self.timer.timing("setup"):
                primary = self.provisioner
                second = second_interpreter(
                    primary.interpreter,
                    self.base_env,
                    given=self.switch_python[index] if self.switch_python else None,
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
                self._switched[index] = primary.on(second, wheelhouse)
        return self._switched[index]

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

    def wheelhouse(self, *, patched_backend: bool, switched: int | None = None) -> Wheelhouse:
        """The wheels builds and wheel checks install from: the second interpreter's own when
        ``switched`` (a build requirement with compiled wheels, cffi, has one per version)."""
        provisioner = self.provisioner if switched is None else self.switched(switched)
        with self.timer.timing("setup"):
            return provisioner.wheelhouse(patched_backend=patched_backend)

    def pyo3(self, version: str, base_support: bool) -> Pyo3:
        key = (version, base_support)
        if key not in self._pyo3:
            with self.timer.timing("setup"):
                self._pyo3[key] = prepare(
                    self.cache,
                    version,
                    base_support=base_support,
                    env=self.base_env,
                    series_dir=self.pyo3_series,
                )
        return self._pyo3[key]
