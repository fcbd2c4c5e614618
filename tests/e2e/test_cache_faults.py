"""Cache entries cut short, altered or emptied: each is said in one line, filled again, and never
taken for complete (real downloads, real environments, the real CLI)."""

import hashlib
import subprocess
from pathlib import Path

import pytest

from tests.e2e.harness_run import harness_command

pytestmark = pytest.mark.e2e


def _said(done: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in done.stderr.splitlines() if line.startswith("pyo3-harness: ")]


def _entries(parent: Path, pattern: str) -> list[Path]:
    """The cache entries (directories) matching ``pattern``, not their locks or file lists."""
    return [p for p in parent.glob(pattern) if p.is_dir()]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_downloaded_project_cut_short_or_emptied_is_said_and_filled_again(tmp_path: Path) -> None:
    """--project NAME==VERSION: the archive is checked against PyPI's sha256 on every use."""
    cache = tmp_path / "cache"
    doctor = ["doctor", "--project", "rpds-py==2026.9.1", "--cache-dir", str(cache), "--out", str(tmp_path)]
    first = harness_command(*doctor)
    assert "[ok  ] project: " in first.stdout, first.stdout + first.stderr
    archive, tree = cache / "sdists" / "rpds_py-2026.9.1.tar.gz", cache / "sources" / "rpds-py-2026.9.1"
    whole = _sha256(archive)
    archive.write_bytes(archive.read_bytes()[:1000])  # what a crash mid-write leaves
    again = harness_command(*doctor)
    assert _said(again) == [
        f"pyo3-harness: rpds-py==2026.9.1: {archive} does not match the sha256 PyPI gave for it "
        "(truncated or altered); downloading it again"
    ]
    assert _sha256(archive) == whole and "[ok  ] project: " in again.stdout
    (tree / "Cargo.toml").unlink()  # the marker stays, part of the content is gone
    emptied = harness_command(*doctor)
    [line] = _said(emptied)
    assert line.startswith(f"pyo3-harness: {tree} is incomplete: 1 of its ") and "(Cargo.toml first)" in line
    assert (tree / "Cargo.toml").exists() and "[ok  ] project: " in emptied.stdout
    assert _said(harness_command(*doctor)) == [], "a whole entry is used without a word"


def test_broken_environments_wheels_and_filled_entries_are_said_and_made_again(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    prepare = ["prepare", "--frontend", "pip", "--strategy", "exported", "--sample", "pyo3-ext"]
    prepare += ["--scenario", "cold", "--cache-dir", str(cache)]
    first = harness_command(*prepare)
    assert first.returncode == 0, first.stdout + first.stderr
    [pip] = _entries(cache / "envs", "pip-*")
    [wheel] = (cache / "wheelhouse").glob("*/maturin-*.whl")
    [crate] = _entries(cache / "crates" / "patched", "pyo3-build-config-*")
    whole = _sha256(wheel)
    # A venv's python is a link to the base interpreter: replaced, never written through.
    # (A deleted one is tests/unit/test_cached_envs.py's.)
    python = pip / "bin" / "python"
    python.unlink()
    python.write_bytes(b"\x7fELF\x02\x01")  # an executable cut short
    python.chmod(0o755)
    wheel.write_bytes(wheel.read_bytes()[:4096])
    (crate / "src" / "impl_.rs").unlink()  # its marker (.harness-applied) stays

    again = harness_command(*prepare)
    assert again.returncode == 0, again.stdout + again.stderr
    said = "\n".join(_said(again))
    assert f"making {pip} again: its python {python} does not run (exit 126" in said
    assert f"wheelhouse {wheel.parent}: {wheel.name} is missing or does not match its recorded sha256" in said
    assert f"{crate} is incomplete: 1 of its " in said and "(src/impl_.rs first); filling it again" in said
    assert len(_said(again)) == 3, said
    assert _sha256(wheel) == whole and (crate / "src" / "impl_.rs").exists()
    assert subprocess.run([python, "-c", ""], check=False).returncode == 0
    assert _said(harness_command(*prepare)) == [], "whole entries are used without a word"
