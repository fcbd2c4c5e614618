import os
import re
from pathlib import Path

import pytest

from harness.commands import patches_table
from harness.errors import HarnessError
from harness.install import patch_check
from harness.install.patch_check import Check, Counts, count_tests, prepare_tree, rust_version_gate
from harness.install.patches import Series
from harness.process import clean_environment
from harness.report.markdown import table as markdown_table

# Closing lines recorded from real runs on this machine (pip and build: their series' READMEs).
PIP_PATCHED = """\
.................................                                        [100%]
======================== 33 passed in 214.61s (0:03:34) ========================
"""
# pip's functional tests before pytest-cov was installed: fixture errors, no failures.
PIP_FIXTURE_ERRORS = """\
ERROR tests/functional/test_build_env.py::test_build_env_console_scripts_use_venv_python[inprocess]
10 passed, 13 errors in 20.03s
"""
BUILD_MUTATED = """\
FAILED tests/test_env.py::test_make_extra_environ_keeps_user_pyo3_variables[False-user_environ3]
2 failed, 12 passed in 26.37s
"""
# `cargo test` of a crate with one passing and one #[ignore] test, then its doc-tests.
CARGO = """\
running 2 tests
test tests::adds ... ok
test tests::slow ... ignored

test result: ok. 1 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.00s

   Doc-tests tinycrate

running 0 tests

test result: ok. 0 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s
"""
CARGO_FAILED = (
    "test result: FAILED. 1 passed; 1 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.15s\n"
)


def test_counts_from_pytest_closing_lines() -> None:
    assert count_tests(PIP_PATCHED) == Counts(33, 0, 0)
    assert count_tests(PIP_FIXTURE_ERRORS) == Counts(10, 13, 0)  # errors count as failed
    assert count_tests(BUILD_MUTATED) == Counts(12, 2, 0)
    # Every outcome pytest can print (a made-up line, to cover the words).
    assert count_tests("== 1 failed, 204 passed, 2 skipped, 1 xfailed, 3 warnings in 31.20s ==") == Counts(
        204, 1, 3
    )
    # A FAILED line that mentions "passed" is not the closing line.
    assert count_tests("FAILED t.py::test_passed - 2 passed\n3 passed in 1.00s") == Counts(3, 0, 0)
    assert count_tests("nothing to see") == Counts(0, 0, 0)


def test_counts_from_cargo_result_lines_ignored_as_skipped() -> None:
    assert count_tests(CARGO) == Counts(1, 0, 1)
    assert count_tests(CARGO_FAILED) == Counts(1, 1, 1)


def test_rust_version_gate_names_what_is_needed(tmp_path: Path) -> None:
    env = clean_environment(os.environ)
    (tmp_path / "Cargo.toml").write_text('[workspace.package]\nrust-version = "9.99"\n')
    gate = rust_version_gate(tmp_path, env)
    assert gate is not None and gate.startswith(
        "needs rustc 9.99 (its rust-version), this toolchain is rustc 1."
    )
    (tmp_path / "Cargo.toml").write_text('[package]\nname = "x"\nrust-version = "1.60"\n')
    assert rust_version_gate(tmp_path, env) is None


def _patch(name: str, path: str, old: str, new: str) -> str:
    return (
        f"diff --git a/{path} b/{path}\n--- a/{path}\n+++ b/{path}\n@@ -1 +1 @@\n-{old}\n+{new}\n"
        if old
        else f"diff --git a/{path} b/{path}\nnew file mode 100644\n--- /dev/null\n+++ b/{path}\n"
        f"@@ -0,0 +1 @@\n+{new}\n"
    )


@pytest.fixture
def series_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """patches/tool/1.0 with an overlay (tests the sdist lacks) and a patch to each part."""
    directory = tmp_path / "patches" / "tool" / "1.0"
    (directory / "overlay" / "tests").mkdir(parents=True)
    (directory / "overlay" / "tests" / "test_x.py").write_text("old test\n")
    (directory / "0001.patch").write_text(_patch("0001", "src/x.py", "old code", "new code"))
    (directory / "0002.patch").write_text(_patch("0002", "tests/test_x.py", "old test", "new test"))
    monkeypatch.setattr(patch_check, "patches_root", lambda: tmp_path / "patches")
    pristine = tmp_path / "pristine"
    (pristine / "src").mkdir(parents=True)
    (pristine / "src" / "x.py").write_text("old code\n")
    return directory


def test_prepare_tree_copies_the_overlay_then_applies_both_series(series_dir: Path, tmp_path: Path) -> None:
    env = clean_environment(os.environ)
    spec = {"overlay": "overlay", "overlay_series": ["0002.patch"]}
    series = Series("tool", "1.0", (series_dir / "0001.patch",))
    patched, pristine = tmp_path / "work" / "patched", tmp_path / "work" / "pristine"
    prepare_tree(tmp_path / "pristine", patched, spec, series, env)
    assert (patched / "src" / "x.py").read_text() == "new code\n"
    assert (patched / "tests" / "test_x.py").read_text() == "new test\n"
    # The pristine test run gets the overlay, unpatched.
    prepare_tree(tmp_path / "pristine", pristine, spec, series, env, patched=False)
    assert (pristine / "src" / "x.py").read_text() == "old code\n"
    assert (pristine / "tests" / "test_x.py").read_text() == "old test\n"
    # Without the overlay the test patch has nothing to apply to: an error, never fuzz.
    with pytest.raises(HarnessError, match="does not apply strictly"):
        prepare_tree(
            tmp_path / "pristine", tmp_path / "work" / "bare", {"overlay_series": ["0002.patch"]}, series, env
        )


def test_render_puts_pristine_counts_beside_patched_ones() -> None:
    bad = Check("pip", "26.3", digest="abc", applies=False, notes=["patch does not apply strictly"])
    good = Check(
        "pyo3",
        "0.29.2",
        digest="def",
        applies=True,
        builds=True,
        build_seconds=4.0,
        tests_command=["/x/cargo", "test"],
        tests=Counts(62, 0, 1),
        pristine_tests=Counts(60, 0, 1),
    )
    regressed = Check("build", "1.6.1", applies=True, builds=True, tests=Counts(10, 1, 0))
    regressed.pristine_tests = Counts(11, 0, 0)
    table = markdown_table(patches_table([bad, good, regressed]))
    assert "| pip 26.3 | abc | **no** |" in table and "patch does not apply strictly" in table
    assert "| 62 passed, 0 failed, 1 skipped (`cargo test`) | 60 passed, 0 failed, 1 skipped |" in table
    assert "| upstream tests, patched | upstream tests, pristine |" in table
    assert not bad.ok and good.ok and not regressed.ok


def test_the_tools_are_the_series_on_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`patches check --tool` takes what patches/ holds: a tool with a series, frontends first in
    registry order; a directory without one (pyo3's e2e-check) is no tool."""
    assert patch_check.patched_tools() == ("pip", "build", "uv", "maturin", "pyo3", "setuptools-rust")
    root = tmp_path / "patches"
    for tool in ("zlib-rs", "uv", "pip", "aardvark"):
        (root / tool / "1.0").mkdir(parents=True)
        (root / tool / "1.0" / "series").write_text("")
    (root / "notes" / "e2e-check").mkdir(parents=True)
    monkeypatch.setattr(patch_check, "patches_root", lambda: root)
    monkeypatch.setattr("harness.install.patches.patches_root", lambda: root)
    assert patch_check.patched_tools() == ("pip", "uv", "aardvark", "zlib-rs")
    assert ("zlib-rs", "1.0") in patch_check.all_series()
    # A single series is selectable too (`--tool zlib-rs/1.0`).
    assert patch_check.chosen_series(("zlib-rs/1.0", "pip")) == [("pip", "1.0"), ("zlib-rs", "1.0")]
    assert patch_check.selectable() == (
        "pip",
        "uv",
        "aardvark",
        "zlib-rs",
        *(f"{t}/1.0" for t in ("pip", "uv", "aardvark", "zlib-rs")),
    )


def test_every_cell_of_the_patches_table_is_escaped() -> None:
    """Notes are the first line of whatever failed (a command line with a pipe, a tool's message
    quoting HTML): in patches-check.md they are text, in their own cell."""
    hostile = Check(
        "uv",
        "0.12.5",
        digest="abc",
        applies=True,
        builds=False,
        tests_command=["/x/python", "-m", "pytest", "-k", "a|b"],
        tests=Counts(1, 1, 0),
        not_run=[{"test": "tests/t.py::x", "reason": "needs `uv | tee`"}],
        notes=["cargo build | tail failed: <script>alert(1)</script>\nsecond line"],
    )
    head, _, row = markdown_table(patches_table([hostile])).splitlines()
    unescaped = re.compile(r"(?<!\\)\|")
    assert len(unescaped.findall(row)) == len(unescaped.findall(head)) == 9, "no cell is split"
    assert "<script>" not in row and "&lt;script&gt;alert(1)&lt;/script&gt;" in row
    assert "cargo build \\| tail failed" in row and "second line" not in row
    assert "(`python -m pytest -k a\\|b`)" in row
    assert "| **no** |" in row
