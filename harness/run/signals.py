"""Stopping signals: SIGINT, SIGTERM and SIGHUP all unwind the harness the way Ctrl-C does.

``kill``, ``timeout`` and a cancelled CI job send SIGTERM; a closed terminal sends SIGHUP. Each
becomes a ``Stopped`` exception, so the run records the interruption and keeps finished cells,
and ``process.run`` ends the build's whole process group on the way out. A SIGINT that the
harness inherited as ignored (a background job of a script) stays ignored, as the shell asked;
the builds are not hit by it either, since each runs in a process group of its own.
"""

from __future__ import annotations

import signal
from types import FrameType

from harness.errors import Stopped

_STOPPING = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))


def _stop(signum: int, frame: FrameType | None) -> None:
    # Once stopping, further signals would only cut the clean-up short.
    for sig in _STOPPING:
        signal.signal(sig, signal.SIG_IGN)
    raise Stopped(signum)


def install() -> None:
    """Make every stopping signal raise ``Stopped`` in the main thread."""
    for sig in _STOPPING:
        if sig == signal.SIGINT and signal.getsignal(sig) is signal.SIG_IGN:
            continue
        signal.signal(sig, _stop)


def exit_code(exc: KeyboardInterrupt) -> int:
    """128 + the signal, as shells report a command a signal ended."""
    return 128 + (exc.signum if isinstance(exc, Stopped) else int(signal.SIGINT))


def name(exc: KeyboardInterrupt) -> str:
    return signal.Signals(exc.signum if isinstance(exc, Stopped) else signal.SIGINT).name
