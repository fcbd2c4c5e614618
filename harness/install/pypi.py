"""PyPI's simple index in its JSON form (PEP 691), read with ``packaging``'s helpers."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from packaging.utils import InvalidSdistFilename, canonicalize_name, parse_sdist_filename
from packaging.version import InvalidVersion, Version

from harness.errors import HarnessError, UsageError

INDEX = "https://pypi.org/simple"
ACCEPT = "application/vnd.pypi.simple.v1+json"


@dataclass(frozen=True)
class Distribution:
    filename: str
    url: str
    sha256: str


# PEP 508's project name rule (case-insensitive).
_NAME = re.compile(r"^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$", re.IGNORECASE)


def project_url(name: str) -> str:
    if not _NAME.match(name):
        raise UsageError(
            f"{name!r} is not a project name: letters, digits, '.', '_' and '-', starting and ending "
            "with a letter or digit"
        )
    return f"{INDEX}/{canonicalize_name(name)}/"


def find_sdist(page: Mapping[str, Any], name: str, version: str) -> Distribution:
    """The sdist of ``name==version`` in a PEP 691 project page; yanked files are skipped."""
    try:
        wanted = Version(version)
    except InvalidVersion as exc:
        raise HarnessError(f"{name}=={version}: not a version ({exc})") from exc
    project = canonicalize_name(name)
    for entry in page.get("files", []):
        filename = str(entry.get("filename", ""))
        try:
            found_name, found_version = parse_sdist_filename(filename)
        except InvalidSdistFilename:
            continue  # a wheel, or a file name the sdist rules do not cover
        if found_name != project or found_version != wanted or entry.get("yanked"):
            continue
        sha256 = entry.get("hashes", {}).get("sha256")
        if not sha256:
            raise HarnessError(f"PyPI lists {filename} without a sha256, so it cannot be checked")
        return Distribution(filename=filename, url=str(entry["url"]), sha256=str(sha256))
    versions = ", ".join(str(v) for v in page.get("versions", [])[-8:]) or "none"
    raise HarnessError(f"PyPI has no sdist of {name}=={version} (latest versions: {versions})")


def parse_page(data: bytes, name: str) -> dict[str, Any]:
    try:
        page = json.loads(data)
    except ValueError as exc:
        raise HarnessError(f"PyPI's index page for {name} is not JSON ({exc})") from exc
    if not isinstance(page, dict) or not str(page.get("meta", {}).get("api-version", "")).startswith("1."):
        raise HarnessError(f"PyPI's index page for {name} is not a PEP 691 v1 page")
    return page


def missing_release(page: Mapping[str, Any], name: str, version: str) -> str | None:
    """None when PyPI's page lists ``name==version``; else what is wrong, naming the releases
    nearest to it (the ones just below and above, newest first)."""
    listed = sorted({Version(v) for v in page.get("versions", []) if _is_version(v)})
    wanted = Version(version)
    if wanted in listed:
        return None
    below = [v for v in listed if v < wanted][-2:]
    above = [v for v in listed if v > wanted][:2]
    nearest = ", ".join(str(v) for v in reversed(below + above)) or "none"
    return f"{name}=={version}: PyPI has no such release; the nearest: {nearest}"


def _is_version(text: object) -> bool:
    try:
        Version(str(text))
    except InvalidVersion:
        return False
    return True
