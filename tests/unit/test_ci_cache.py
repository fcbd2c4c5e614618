"""rust-cache's pruning, replayed on the layout of a real target dir.

tests/fixtures/ci-restore-target.json holds every path of a real cold build's target dir and that
workspace's `cargo metadata`; the tree is rebuilt from it with empty files, pruned, and what stays
is checked against rust-cache v2.9.2's rules (harness/build/ci_cache.py quotes them).
"""

import json
import os
from pathlib import Path
from typing import Any

from harness.workbench import ci_cache

FIXTURE = Path(__file__).parents[1] / "fixtures" / "ci-restore-target.json"


def _recorded() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(FIXTURE.read_text(encoding="utf-8"))
    return data


def _tree(root: Path) -> Path:
    for entry in _recorded()["target_entries"]:
        path = root / entry
        if entry.endswith("/"):
            path.mkdir(parents=True, exist_ok=True)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(b"")
    return root / "target"


def _left(target: Path) -> set[str]:
    return {str(p.relative_to(target.parent)) for p in target.rglob("*")}


def _packages() -> list[ci_cache.Package]:
    data = _recorded()
    return ci_cache.packages_outside({"packages": data["packages"]}, Path(data["workspace_root"]))


def test_packages_outside_the_workspace_are_the_dependencies() -> None:
    names = {p.name for p in _packages()}
    assert {"pyo3", "pyo3-ffi", "pyo3-build-config", "cc"} <= names
    assert not names & {"cffi-style", "cffi-style-cffi"}  # the workspace's own members
    pyo3_macros = next(p for p in _packages() if p.name == "pyo3-macros")
    assert pyo3_macros.targets == ("pyo3_macros",)  # a proc-macro target counts


def test_prune_keeps_dependencies_and_drops_the_workspace_and_loose_files(tmp_path: Path) -> None:
    target = _tree(tmp_path)
    removed = ci_cache.prune(target, _packages())
    left = _left(target)
    assert removed, "a real target dir always has something rust-cache drops"
    # maturin's config file and the top-level files go: they are files outside a profile.
    assert not any(p.startswith("target/maturin/") for p in left)
    assert "target/.rustc_info.json" not in left
    # In the profile only build/, .fingerprint/ and deps/ stay.
    assert {p.split("/")[2] for p in left if p.count("/") >= 2} <= {"build", ".fingerprint", "deps"}
    assert "target/release/incremental" not in left
    # Dependencies' units stay; the workspace members' go (cache-workspace-crates: false).
    fingerprints = {
        p.split("/")[3].rpartition("-")[0] for p in left if p.startswith("target/release/.fingerprint/")
    }
    assert {"pyo3-ffi", "pyo3", "pyo3-build-config", "cc"} <= fingerprints
    assert not fingerprints & {"cffi-style", "cffi-style-cffi"}
    deps = {p.rsplit("/", 1)[-1] for p in left if p.startswith("target/release/deps/")}
    assert any(d.startswith("libpyo3_ffi-") and d.endswith(".rlib") for d in deps)
    assert not any(d.startswith(("cffi_style", "libcffi_style")) for d in deps)


def test_prune_is_what_rust_cache_leaves_and_nothing_more(tmp_path: Path) -> None:
    target = _tree(tmp_path)
    before = _left(target)
    removed = {str(p.relative_to(tmp_path)) for p in ci_cache.prune(target, _packages())}
    left = _left(target)
    # Everything is either left or under something removed: the pruning never loses track.
    for path in before:
        assert path in left or any(path == r or path.startswith(r + "/") for r in removed), path


def test_save_and_restore_keep_mtimes(tmp_path: Path) -> None:
    target = tmp_path / "target"
    (target / "release" / "deps").mkdir(parents=True)
    lib = target / "release" / "deps" / "libx-0123.rlib"
    lib.write_bytes(b"x")
    os.utime(lib, ns=(1_600_000_000_000_000_000, 1_600_000_000_000_000_000))
    ci_cache.save(target, tmp_path / "archive")
    ci_cache.restore(tmp_path / "archive", tmp_path / "fresh" / "target")
    restored = tmp_path / "fresh" / "target" / "release" / "deps" / "libx-0123.rlib"
    assert restored.stat().st_mtime_ns == 1_600_000_000_000_000_000
