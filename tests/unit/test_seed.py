"""Seeds for cold builds: what a seed is kept under, and that the first one stays, whole.
Unit names are those of a real target dir (pyo3-ext on pyo3 0.29.2, built here on 2026-12-07)."""

from pathlib import Path

from harness.workbench.seed import restore, seed_key, store

FINGERPRINTS = (
    "heck-e2239c9a9a28e28b",
    "libc-383f85190e0b9445",
    "pyo3-1120fd045f75d497",
    "pyo3-build-config-f78334bb002a3fce",
    "pyo3-ext-3151d28ec41c7674",
    "pyo3-ffi-458daf77fb7c003a",
    "pyo3-macros-00a75415da857e5e",
    "pyo3-macros-backend-71e9152320c80561",
    "syn-885e19f3c9ab07eb",
    "target-lexicon-347939025bdc61e0",
)
BUILD_DIRS = ("libc-6385557f55930f44", "pyo3-ffi-98891e34e9ecb87f", "pyo3-319a7fd55b2b87a1")


def target_dir(root: Path) -> Path:
    target = root / "target"
    for name in FINGERPRINTS:
        (target / "release" / ".fingerprint" / name).mkdir(parents=True)
        (target / "release" / ".fingerprint" / name / "lib.json").write_text("{}")
    for name in BUILD_DIRS:
        (target / "release" / "build" / name / "out").mkdir(parents=True)
    (target / "release" / "deps").mkdir()
    (target / "release" / "deps" / "libsyn-885e19f3c9ab07eb.rlib").write_bytes(b"rlib")
    return target


def test_a_seed_is_kept_under_the_lock_files_and_the_compile_settings(tmp_path: Path) -> None:
    assert seed_key(tmp_path, {}) is None, "no lock file: nothing fixes the dependencies"
    (tmp_path / "Cargo.lock").write_text('[[package]]\nname = "syn"\nversion = "2.0.111"\n')
    key = seed_key(tmp_path, {})
    assert key is not None and key == seed_key(tmp_path, {})
    assert seed_key(tmp_path, {"CARGO_PROFILE_RELEASE_OPT_LEVEL": "0"}) != key
    (tmp_path / "target" / "release").mkdir(parents=True)
    (tmp_path / "target" / "Cargo.lock").write_text("a lock file under target/ is not the project's")
    assert seed_key(tmp_path, {}) == key
    # A vendored crate's tree may hold a directory named target with sources (cc's src/target/).
    (tmp_path / "vendor" / "cc" / "src" / "target").mkdir(parents=True)
    (tmp_path / "vendor" / "cc" / "src" / "target" / "Cargo.lock").write_text("vendored")
    assert seed_key(tmp_path, {}) != key
    (tmp_path / "vendor" / "cc" / "src" / "target" / "Cargo.lock").unlink()
    (tmp_path / "Cargo.lock").write_text('[[package]]\nname = "syn"\nversion = "2.0.112"\n')
    assert seed_key(tmp_path, {}) != key


def test_the_first_seed_stays_and_is_restored_whole(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    first = target_dir(tmp_path / "first")
    assert not restore(seeds, "k", tmp_path / "nothing-yet")
    store(seeds, "k", first)
    second = target_dir(tmp_path / "second")
    (second / "release" / "deps" / "libsyn-885e19f3c9ab07eb.rlib").write_bytes(b"another")
    store(seeds, "k", second)
    cell = tmp_path / "cell" / "target"
    assert restore(seeds, "k", cell)
    assert (cell / "release" / "deps" / "libsyn-885e19f3c9ab07eb.rlib").read_bytes() == b"rlib"
    # pyo3's units too: cargo decides whether they are fresh for the cell's interpreter.
    assert (cell / "release" / ".fingerprint" / "pyo3-ffi-458daf77fb7c003a" / "lib.json").exists()
    assert (cell / "release" / ".fingerprint" / "syn-885e19f3c9ab07eb" / "lib.json").exists()
