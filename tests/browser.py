"""Render a page in headless Chromium and read the screenshot's pixels.

Chromium is a system package (`apt-get install chromium`; `.ci/run` installs it). Without it the
browser tests skip, unless ``PYO3_HARNESS_REQUIRE_CHROMIUM=1`` (CI sets it) makes that a failure.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from harness.report.charts import CAUSE_COLOURS, SECONDS_COLOUR
from tests.png import Image, read_png

NAMES = ("chromium", "chromium-browser", "google-chrome")


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
