"""Stopping signals become ``Stopped`` in a real interpreter, as the harness installs them."""

import signal
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

# Installs the harness's handlers, signals itself, and prints what unwound it.
_CHILD = """
import os, signal, sys, time
from harness.run import signals
signals.install()
try:
    os.kill(os.getpid(), getattr(signal, sys.argv[1]))
    time.sleep(2)
    print("not stopped")
except KeyboardInterrupt as exc:
    # A second signal while stopping must not cut the clean-up short.
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(0.2)
    print(signals.name(exc), signals.exit_code(exc))
"""


def _child(sig: str, ignore_sigint: bool = False) -> str:
    def inherit() -> None:
        # What the child inherits is the test's to say: a suite started in the background of a
        # non-interactive shell would hand every child an ignored SIGINT.
        signal.signal(signal.SIGINT, signal.SIG_IGN if ignore_sigint else signal.SIG_DFL)

    done = subprocess.run(
        [sys.executable, "-c", _CHILD, sig],
        cwd=REPO,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=30,
        preexec_fn=inherit,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.mark.parametrize(("sig", "code"), [("SIGINT", 130), ("SIGTERM", 143), ("SIGHUP", 129)])
def test_each_stopping_signal_unwinds_like_ctrl_c_with_its_shell_exit_code(sig: str, code: int) -> None:
    assert _child(sig) == f"{sig} {code}"


def test_an_inherited_ignored_sigint_stays_ignored() -> None:
    assert _child("SIGINT", ignore_sigint=True) == "not stopped"
