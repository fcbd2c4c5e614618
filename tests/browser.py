"""Render a page in headless Chromium and read the screenshot's pixels.

Chromium is a system package (`apt-get install chromium`; `.ci/run` installs it). Without it the
browser tests skip, unless ``PYO3_HARNESS_REQUIRE_CHROMIUM=1`` (CI sets it) makes that a failure.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from harness.report.charts import CAUSE_COLOURS, SECONDS_COLOUR
from tests.png import Image, read_png

NAMES = ("chromium", "chromium-browser", "google-chrome")
# The legends' swatches are 12 px wide: a run of one colour this long is always a bar.
BAR = 20


def rgb(colour: str) -> tuple[int, int, int]:
    value = int(colour.lstrip("#"), 16)
    return value >> 16, (value >> 8) & 0xFF, value & 0xFF


BLUE = rgb(SECONDS_COLOUR)
CAUSE_RGB = {kind: rgb(colour) for kind, colour in CAUSE_COLOURS.items()}


def chromium() -> str:
    for name in NAMES:
        found = shutil.which(name)
        if found:
            return found
    message = "headless Chromium is not installed (apt-get install chromium)"
    if os.environ.get("PYO3_HARNESS_REQUIRE_CHROMIUM") == "1":
        pytest.fail(message)
    pytest.skip(message)


def screenshot(page: Path, png: Path, *, width: int = 1280, height: int = 2400) -> Image:
    """The page as Chromium draws it, ``width`` x ``height`` from the top."""
    profile = png.parent / f"{png.stem}-profile"
    argv = [
        chromium(),
        "--headless",
        "--no-sandbox",  # tests run as root in CI containers
        "--disable-gpu",
        "--hide-scrollbars",
        # sRGB output keeps CSS colours exact, so pixels can be compared with the chart's palette.
        "--force-color-profile=srgb",
        "--no-first-run",
        f"--user-data-dir={profile}",
        f"--window-size={width},{height}",
        f"--screenshot={png}",
        page.resolve().as_uri(),
    ]
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(png.parent), "LANG": "C.UTF-8"}
    done = subprocess.run(argv, cwd=png.parent, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and png.exists(), f"chromium failed:\n{done.stdout}\n{done.stderr}"
    return read_png(png)


def bars(image: Image, colour: tuple[int, int, int], length: int = BAR) -> int:
    """How many bars of ``colour`` at least ``length`` px long: bands of consecutive rows that
    hold such a run."""
    pixel = re.escape(bytes(colour)) + (b"." if image.channels == 4 else b"")
    runs = re.compile(b"(?:" + pixel + b"){" + str(length).encode() + b",}", re.DOTALL)
    found, inside = 0, False
    for row in image.rows:
        # A match that starts mid-pixel is a coincidence of bytes, not a colour.
        hit = any(m.start() % image.channels == 0 for m in runs.finditer(row))
        found += hit and not inside
        inside = hit
    return found
