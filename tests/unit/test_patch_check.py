import os
from pathlib import Path

from harness.install.patch_check import Check, count_tests, render, rust_version_gate
from harness.process import clean_environment


def test_counts_from_pytest_and_cargo_summaries() -> None:
    assert count_tests("...\n===== 2 failed, 40 passed, 1 skipped in 3.2s =====\n") == (40, 2)
    assert count_tests("==== 12 passed in 0.5s ====") == (12, 0)
    cargo = "test result: ok. 61 passed; 0 failed; 0 ignored\ntest result: ok. 1 passed; 0 failed;"
    assert count_tests(cargo) == (62, 0)
    assert count_tests("nothing to see") == (0, 0)


def test_rust_version_gate_names_what_is_needed(tmp_path: Path) -> None:
    env = clean_environment(os.environ)
    (tmp_path / "Cargo.toml").write_text('[workspace.package]\nrust-version = "9.99"\n')
    gate = rust_version_gate(tmp_path, env)
    assert gate is not None and gate.startswith(
        "needs rustc 9.99 (its rust-version), this toolchain is rustc 1."
    )
    (tmp_path / "Cargo.toml").write_text('[package]\nname = "x"\nrust-version = "1.60"\n')
    assert rust_version_gate(tmp_path, env) is None


def test_render_marks_failures() -> None:
    bad = Check("pip", "26.3", digest="abc", applies=False, notes=["patch does not apply strictly"])
    good = Check(
        "pyo3",
        "0.29.2",
        digest="def",
        applies=True,
        builds=True,
        build_seconds=4.0,
        tests_command=["/x/cargo", "test"],
        tests_passed=62,
        tests_failed=0,
    )
    table = render([bad, good])
    assert "| pip 26.3 | abc | **no** |" in table and "patch does not apply strictly" in table
    assert "62 passed, 0 failed (`cargo test`)" in table
    assert not bad.ok and good.ok
