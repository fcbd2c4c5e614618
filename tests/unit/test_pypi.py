"""Finding an sdist in a PEP 691 page, on a page recorded from PyPI."""

import json
from pathlib import Path

import pytest

from harness.errors import HarnessError, UsageError
from harness.install.pypi import find_sdist, missing_release, parse_page, project_url

PAGE = Path(__file__).parents[1] / "fixtures" / "pypi-simple-iniconfig.json"


def test_the_sdist_of_a_version_with_its_sha256() -> None:
    page = parse_page(PAGE.read_bytes(), "iniconfig")
    found = find_sdist(page, "IniConfig", "2.3.1")  # names compare canonicalized
    assert found.filename == "iniconfig-2.3.1.tar.gz"
    assert found.url.startswith("https://files.pythonhosted.org/") and found.url.endswith(found.filename)
    assert len(found.sha256) == 64


def test_missing_version_and_bad_input_are_clear() -> None:
    page = parse_page(PAGE.read_bytes(), "iniconfig")
    with pytest.raises(HarnessError, match=r"no sdist of iniconfig==99\.0 \(latest versions: .*2\.3\.1"):
        find_sdist(page, "iniconfig", "99.0")
    with pytest.raises(HarnessError, match="not a version"):
        find_sdist(page, "iniconfig", "two")
    with pytest.raises(HarnessError, match="not JSON"):
        parse_page(b"<html>", "iniconfig")
    with pytest.raises(HarnessError, match="not a PEP 691"):
        parse_page(json.dumps({"files": []}).encode(), "iniconfig")


def test_project_url_is_canonical_and_names_are_checked() -> None:
    assert project_url("Foo_Bar.baz") == "https://pypi.org/simple/foo-bar-baz/"
    for bad in ("foo bar?x#<y>", "-lead", "", "a/b"):
        with pytest.raises(UsageError, match="is not a project name"):
            project_url(bad)


def test_a_release_is_checked_against_the_page_and_the_nearest_are_named() -> None:
    page = json.loads(PAGE.read_text())
    assert missing_release(page, "iniconfig", "2.0.0") is None
    assert missing_release(page, "iniconfig", "2.0") is None, "2.0 and 2.0.0 are one version"
    assert missing_release(page, "iniconfig", "2.0.5") == (
        "iniconfig==2.0.5: PyPI has no such release; the nearest: 2.2.0, 2.1.0, 2.0.0, 1.1.1"
    )
    assert missing_release(page, "iniconfig", "99.99.99") == (
        "iniconfig==99.99.99: PyPI has no such release; the nearest: 2.3.1, 2.3.0"
    )
