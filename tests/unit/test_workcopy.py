import shutil
from pathlib import Path

import pytest

from harness.errors import UsageError
from harness.install.pyo3 import Pyo3
from harness.workbench.samples import SAMPLES, parse_sample
from harness.workbench.workcopy import (
    PYO3_REQUIREMENT,
    add_patch_overrides,
    cargo_manifests,
    make_work_copy,
    package_roots,
    root_manifest,
    set_pyo3_version,
    sources_only,
)


def test_set_pyo3_version_rewrites_every_pyo3_crate_line() -> None:
    manifest = (
        '[dependencies]\npyo3 = { version = "=0.29.2", features = ["abi3-py39"] }\n'
        'pyo3-ffi = { version = "=0.29.2" }\nserde = { version = "=1.0.0" }\n'
        '[build-dependencies]\npyo3-build-config = { version = "=0.29.2" }\n'
    )
    out = set_pyo3_version(manifest, "0.28.3")
    assert out.count('"=0.28.3"') == 3
    assert 'serde = { version = "=1.0.0" }' in out
    assert 'features = ["abi3-py39"]' in out


def test_patch_overrides_append_or_merge() -> None:
    overrides = {"pyo3-build-config": Path("/cache/patched")}
    appended = add_patch_overrides('[package]\nname = "x"\n', overrides)
    assert appended.endswith('[patch.crates-io]\npyo3-build-config = { path = "/cache/patched" }\n')
    existing = '[patch.crates-io]\nfoo = { path = "../foo" }\n'
    merged = add_patch_overrides(existing, overrides)
    assert merged.count("[patch.crates-io]") == 1
    assert 'foo = { path = "../foo" }' in merged and "pyo3-build-config" in merged
    assert add_patch_overrides(existing, {}) == existing


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_work_copy_of_every_sample(tmp_path: Path, name: str) -> None:
    sample = SAMPLES[name]
    base = SAMPLES[sample.base] if sample.base else None
    variant = sample.variants[-1] if sample.variants else None
    shipped = {d: _contents(d) for d in (sample.directory, *([base.directory] if base else []))}
    # A version no sample ships: every pyo3 crate line must have been rewritten to it.
    pyo3 = Pyo3(version="9.9.9", support="patched", overrides={"pyo3-build-config": tmp_path / "p"})
    dest = make_work_copy(sample, tmp_path / "w", pyo3=pyo3, variant=variant, base=base)

    text = "".join(m.read_text() for m in dest.rglob("Cargo.toml"))
    pinned = {m.group(0).rsplit('"=', 1)[-1].rstrip('"') for m in PYO3_REQUIREMENT.finditer(text)}
    assert pinned == {"9.9.9"}, pinned
    assert root_manifest(dest).read_text().count("[patch.crates-io]") == 1
    assert (dest / sample.edit).is_file()
    assert (dest / "pyproject.toml").is_file()
    if variant is not None and sample.variant_file is not None:
        assert (dest / sample.variant_file).read_text().strip() == variant
    assert package_roots(dest), "every sample has at least one local crate"
    assert {d: _contents(d) for d in shipped} == shipped, "the shipped sample (and its base) is untouched"


def _contents(directory: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(directory)): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()
    }


def test_overlay_sample_takes_crate_from_its_base(tmp_path: Path) -> None:
    sample = SAMPLES["setuptools-rust-ext"]
    assert sample.base is not None
    dest = make_work_copy(
        sample, tmp_path / "w", pyo3=Pyo3("0.29.2", "stock"), variant=None, base=SAMPLES[sample.base]
    )
    assert (dest / "src" / "lib.rs").read_text() == (SAMPLES["pyo3-ext"].directory / "src/lib.rs").read_text()
    assert "setuptools" in (dest / "pyproject.toml").read_text()


def test_parse_sample_variants() -> None:
    assert parse_sample("cffi-style") == (SAMPLES["cffi-style"], "legacy")
    assert parse_sample("cffi-style:base-aware")[1] == "base-aware"
    assert parse_sample("pyo3-ext") == (SAMPLES["pyo3-ext"], None)
    with pytest.raises(UsageError, match="accepted: legacy, base-aware, config-file"):
        parse_sample("cffi-style:nope")
    with pytest.raises(UsageError, match="accepted: pyo3-ext"):
        parse_sample("nope")


def test_a_copy_keeps_every_source_file_and_leaves_out_only_build_outputs(tmp_path: Path) -> None:
    tree = tmp_path / "project"
    files = {
        "Cargo.toml": "[workspace]",
        "src/lib.rs": "",
        "vendor/cc/Cargo.toml": "[package]",
        "vendor/cc/src/target/mod.rs": "// the cc crate's sources, in a directory named target",
        "crates/gen/build/templates.rs": "// a directory named build, deep in the tree",
        "target/CACHEDIR.TAG": "Signature: 8a477f597d28d172789f06886806bc55",
        "target/release/out.rlib": "",
        "rust/target/CACHEDIR.TAG": "Signature: 8a477f597d28d172789f06886806bc55",
        "rust/target/package/copy/Cargo.toml": "[package]",
        "build/lib/ext.so": "",
        "dist/x.whl": "",
        ".git/config": "",
        "src/__pycache__/a.cpython-311.pyc": "",
    }
    for name, text in files.items():
        (tree / name).parent.mkdir(parents=True, exist_ok=True)
        (tree / name).write_text(text)
    shutil.copytree(tree, tmp_path / "copy", ignore=sources_only(tree))
    copied = sorted(
        str(p.relative_to(tmp_path / "copy")) for p in (tmp_path / "copy").rglob("*") if p.is_file()
    )
    assert copied == [
        "Cargo.toml",
        "crates/gen/build/templates.rs",
        "src/lib.rs",
        "vendor/cc/Cargo.toml",
        "vendor/cc/src/target/mod.rs",
    ]
    assert cargo_manifests(tree) == [tree / "Cargo.toml", tree / "vendor" / "cc" / "Cargo.toml"]
