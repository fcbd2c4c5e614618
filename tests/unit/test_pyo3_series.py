"""The pyo3 series on disk: the PR against pyo3's main (patches/pyo3/main, which needs a snapshot
this machine's CI cannot fetch) and the release-line carries the harness applies and measures.

The carry for the default line must be the PR's code commit, hunk for hunk, so that what the
harness measures is what the PR proposes; the PR's second commit holds the guide, the
newsfragments and the nox session, which the crates.io crate does not ship."""

import re
from pathlib import Path

from harness.install.patches import available, patches_root, read_series

PYO3 = patches_root() / "pyo3"
_HUNK_HEADER = re.compile(r"^@@ -\d+(,\d+)? \+\d+(,\d+)? @@")


def _changes(patch: Path, prefix: str = "") -> list[str]:
    """The patch's diff, with what differs between two trees of the same change left out: blob
    ids, hunk line numbers and the directory the crate sits in."""
    text = patch.read_text(encoding="utf-8")
    diff = text[text.index("\ndiff --git ") + 1 : text.rindex("\n-- \n")]
    lines = []
    for line in diff.splitlines():
        if line.startswith("index "):
            continue
        line = _HUNK_HEADER.sub("@@", line)
        lines.append(line.replace(f"a/{prefix}", "a/").replace(f"b/{prefix}", "b/"))
    return lines


def test_the_default_line_carries_the_prs_code_commit() -> None:
    [code, docs] = sorted((PYO3 / "main").glob("*.patch"))
    carry = read_series(PYO3 / "0.29.2", "pyo3", "0.29.2").patches
    assert [p.name for p in carry] == [code.name]
    assert _changes(code, "pyo3-build-config/") == _changes(carry[0])
    touched = re.findall(r"^diff --git a/(\S+)", docs.read_text(encoding="utf-8"), re.MULTILINE)
    assert sorted(touched) == [
        "guide/src/building-and-distribution.md",
        "newsfragments/0000.added.md",
        "newsfragments/0000.changed.md",
        "noxfile.py",
    ]


def test_every_release_line_is_one_commit_with_the_same_message() -> None:
    subjects = set()
    for version in available("pyo3"):
        [patch] = read_series(PYO3 / version, "pyo3", version).patches
        subjects.add(patch.read_text(encoding="utf-8").split("\nSubject: ", 1)[1].split("\n---\n")[0][:80])
        assert "base_executable" in patch.read_text(encoding="utf-8"), version
    assert len(subjects) == 1, subjects
    assert "main" not in available("pyo3"), "the PR is no series the harness applies"
