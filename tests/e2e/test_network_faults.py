"""An index that cannot be reached: a local address that refuses, and a local proxy that
stalls, then drops the connection (HTTPS_PROXY, which urllib and pip honour: the harness
reaches PyPI at its one address and lets no PIP_INDEX_URL through)."""

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.pins import DEFAULT_PINS, load_pins
from tests.e2e.harness_run import REPO, read_checked

pytestmark = pytest.mark.e2e

ADVICE = (
    "check the network connection or the proxy settings (HTTPS_PROXY) and run again; "
    "what the cache already holds still serves offline"
)
PROJECT = "rpds-py==2026.9.1"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def stalling_proxy() -> Iterator[str]:
    """A proxy that reads each request, says nothing for two seconds, then hangs up."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                client, _ = server.accept()
            except TimeoutError:
                continue
            with client:
                client.recv(65536)
                time.sleep(2)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}"
    stop.set()
    thread.join()
    server.close()


def _harness(proxy: str | None, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k.lower() not in ("https_proxy", "http_proxy", "no_proxy")}
    if proxy is not None:
        env |= {"HTTPS_PROXY": proxy, "HTTP_PROXY": proxy}
    return subprocess.run(
        [sys.executable, "-m", "harness", *args],
        cwd=REPO,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def _one_line(done: subprocess.CompletedProcess[str]) -> str:
    said = [line for line in done.stderr.splitlines() if line.startswith("pyo3-harness: ")]
    assert len(said) == 1 and "Traceback" not in done.stderr, done.stderr
    return said[0]


@pytest.mark.parametrize("fault", ["refused", "stalled"])
def test_a_project_download_from_an_unreachable_index_is_said_and_leaves_nothing(
    tmp_path: Path, fault: str, stalling_proxy: str
) -> None:
    proxy = f"http://127.0.0.1:{_closed_port()}" if fault == "refused" else stalling_proxy
    cache = tmp_path / "cache"
    done = _harness(proxy, "doctor", "--project", PROJECT, "--cache-dir", str(cache), "--out", str(tmp_path))
    assert done.returncode == 4, done.stderr
    line = _one_line(done)
    assert line.startswith(
        f"pyo3-harness: --project {PROJECT}: cannot reach https://pypi.org/simple/rpds-py/ ("
    )
    assert line.endswith(ADVICE)
    left = [p for p in cache.rglob("*") if "rpds" in p.name and not p.name.endswith(".lock")]
    assert left == [], "nothing half-written"


def test_a_frontend_install_from_an_unreachable_index_fails_its_cell_and_a_cached_one_builds_offline(
    tmp_path: Path,
) -> None:
    # uv's build is the cheapest cached cell; the uncached install is a pip release (pip installs
    # every frontend into its environment, retrying a refused index for some seconds).
    pinned = load_pins(DEFAULT_PINS).frontends["uv"]
    cells = ["--strategy", "stock", "--sample", "pyo3-ext", "--scenario", "cold"]
    online = _harness(None, "prepare", *cells, "--frontend", f"uv=={pinned}")  # as `make test` does
    assert online.returncode == 0, online.stderr
    out = tmp_path / "out"
    where = ["--out", str(out), "--work-dir", str(tmp_path / "work")]
    refused = f"http://127.0.0.1:{_closed_port()}"
    done = _harness(refused, "run", *cells, "--frontend", f"pip==23.3.2,uv=={pinned}", *where)
    assert done.returncode == 1, done.stdout[-3000:] + done.stderr
    assert "Traceback" not in done.stderr and "1 cell(s) failed" in done.stderr
    missing, cached = read_checked(out / "results.json").cells
    error = missing.error or ""
    assert error.startswith("could not install pip==23.3.2 into ") and error.endswith(ADVICE), error
    assert ": pip could not reach the network (" in error and "Connection refused" in error
    assert "\n" not in error, "one line"
    env = Path(error.split(" into ", 1)[1].split(": ", 1)[0])
    assert not env.exists(), "the environment it could not fill is not left half-made"
    # Crates come from cargo's own cache (--offline), the wheelhouse and the install from the harness's.
    assert cached.ok and all(b.ok and b.wheel is not None and b.wheel.ok for b in cached.builds)
