"""Progress on the terminal while builds run (they take minutes: say what is running)."""

from __future__ import annotations

import sys
import threading
import time
from typing import TextIO

from harness.model.progress import BuildDone, BuildStarted, CellFailed, CellStarted, Event
from harness.model.results import BuildRecord


class ProgressPrinter:
    """Prints one line per event; on a terminal, also ticks the running build's elapsed time."""

    def __init__(self, total: int, stream: TextIO | None = None) -> None:
        self.total = total
        # Looked up now, not at import: whoever replaced sys.stderr since (pytest) gets the output.
        self.stream = stream or sys.stderr
        self.started = time.monotonic()
        self.index = 0
        self._tty = self.stream.isatty()
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None

    def _clock(self) -> str:
        elapsed = int(time.monotonic() - self.started)
        return f"{elapsed // 60:02d}:{elapsed % 60:02d}"

    def _print(self, text: str) -> None:
        prefix = "\r\033[K" if self._tty else ""
        self.stream.write(f"{prefix}{text}\n")
        self.stream.flush()

    def _tick(self, label: str) -> None:
        begun = time.monotonic()
        while not self._stop.wait(1.0):
            self.stream.write(f"\r\033[K    {label}: building… {time.monotonic() - begun:.0f} s")
            self.stream.flush()

    def _stop_ticker(self) -> None:
        if self._ticker is not None:
            self._stop.set()
            self._ticker.join()
            self._ticker = None

    def __call__(self, event: Event) -> None:
        if isinstance(event, CellStarted):
            self.index += 1
            self._print(
                f"[{self.index}/{self.total} {self._clock()}] {event.frontend} · {event.strategy} · "
                f"{event.sample} · pyo3 {event.pyo3}"
            )
        elif isinstance(event, BuildStarted):
            label = f"{event.scenario} (attempt {event.attempt + 1})" if event.attempt else event.scenario
            self._print(f"    {label}: started at {self._clock()}")
            if self._tty:
                self._stop.clear()
                self._ticker = threading.Thread(target=self._tick, args=(label,), daemon=True)
                self._ticker.start()
        elif isinstance(event, BuildDone):
            self._stop_ticker()
            self._print("    " + summarize(event.record))
        elif isinstance(event, CellFailed):
            self._stop_ticker()
            self._print(f"    cell failed: {event.error.splitlines()[0] if event.error else ''}")
        else:
            self._stop_ticker()
            self._print(event.text)


def summarize(record: BuildRecord) -> str:
    name = f"{record.scenario} (attempt {record.attempt + 1})" if record.attempt else record.scenario
    if not record.ok:
        return f"{name}: FAILED after {record.seconds:.1f} s ({record.error}); log {record.log}"
    check = "wheel works" if record.wheel is not None and record.wheel.ok else "WHEEL CHECK FAILED"
    units = ", ".join(record.rebuilt) if record.rebuilt else "nothing"
    return f"{name}: {record.seconds:.1f} s, recompiled {units}; {check}"
