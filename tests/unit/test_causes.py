"""Cause analysis on fingerprint snapshots recorded from real uv builds of pyo3-ext."""

import json
import os
from pathlib import Path

from harness.measure.causes import diff
from harness.measure.fingerprints import Snapshot
from harness.model.causes import describe


def load(fixtures: Path, name: str) -> tuple[Snapshot, Snapshot]:
    data = json.loads((fixtures / f"{name}.fingerprints.json").read_text())
    return Snapshot.from_json(data["before"]), Snapshot.from_json(data["after"])


def test_stock_029_warm_rebuild_is_the_pyo3_ffi_chain_caused_by_pyo3_python(fixtures: Path) -> None:
    result = diff(*load(fixtures, "uv-stock-0.29.2-warm"))
    assert result.rebuilt == ["pyo3-ffi", "pyo3", "pyo3-ext"]
    assert result.reran == ["pyo3-ffi", "pyo3"]
    [root] = result.root_causes
    assert (root.unit, root.unit_kind, root.kind, root.var) == (
        "pyo3-ffi",
        "run-build-script",
        "env",
        "PYO3_PYTHON",
    )
    assert root.old != root.new
    assert root.old is not None and "/builds-v0/.tmp" in root.old
    assert root.new is not None and "/builds-v0/.tmp" in root.new
    # Everything else is a cascade that names the unit it came from.
    cascades = {(c.unit, c.unit_kind, c.dep) for c in result.causes if c.kind == "dep"}
    assert ("pyo3-ext", "lib", "pyo3 (lib)") in cascades
    assert ("pyo3-ffi", "lib", "pyo3-ffi (run-build-script)") in cascades


def test_stock_028_warm_rebuild_starts_at_pyo3_build_config(fixtures: Path) -> None:
    result = diff(*load(fixtures, "uv-stock-0.28.3-warm"))
    five = {"pyo3-build-config", "pyo3-ffi", "pyo3-macros-backend", "pyo3-macros", "pyo3"}
    assert five <= set(result.rebuilt)
    assert result.rebuilt[-1] == "pyo3-ext"
    assert [(c.unit, c.var) for c in result.root_causes] == [("pyo3-build-config", "PYO3_PYTHON")]


def test_exported_warm_rebuild_is_empty(fixtures: Path) -> None:
    result = diff(*load(fixtures, "uv-exported-0.29.2-warm"))
    assert (result.rebuilt, result.reran, result.causes) == ([], [], [])


def test_cold_build_rebuilds_everything_without_causes(fixtures: Path) -> None:
    before, after = load(fixtures, "uv-stock-0.29.2-warm")
    result = diff(Snapshot(before.target_dir, {}), after)
    assert len(result.units) == len(after.units)
    assert result.causes == []


def test_incremental_edit_is_a_file_cause(fixtures: Path, tmp_path: Path) -> None:
    before, after = load(fixtures, "uv-exported-0.29.2-incremental")
    [unit] = [u for u in before.units.values() if u.package == "pyo3-ext" and u.kind == "lib"]
    lib_rs = tmp_path / "src" / "lib.rs"
    lib_rs.parent.mkdir()
    lib_rs.write_text("// edited")
    os.utime(lib_rs, ns=(unit.mtime_ns + 1, unit.mtime_ns + 1))
    result = diff(before, after, {"pyo3-ext": tmp_path})
    assert result.rebuilt == ["pyo3-ext"]
    assert [(c.unit, c.kind, c.path) for c in result.causes] == [("pyo3-ext", "file", str(lib_rs))]


def test_edit_without_a_newer_file_is_reported_unknown_not_guessed(fixtures: Path) -> None:
    result = diff(*load(fixtures, "uv-exported-0.29.2-incremental"))
    assert [(c.unit, c.kind) for c in result.causes] == [("pyo3-ext", "unknown")]


def test_unit_without_earlier_record_is_new(fixtures: Path) -> None:
    before, after = load(fixtures, "uv-stock-0.29.2-warm")
    key = next(k for k, u in before.units.items() if u.package == "pyo3" and u.kind == "lib")
    trimmed = Snapshot(before.target_dir, {k: u for k, u in before.units.items() if k != key})
    kinds = {(c.unit, c.unit_kind): c.kind for c in diff(trimmed, after).causes}
    assert kinds[("pyo3", "lib")] == "new"


def test_describe_in_words(fixtures: Path) -> None:
    result = diff(*load(fixtures, "uv-stock-0.29.2-warm"))
    [line] = describe(result.root_causes)
    assert line.startswith("PYO3_PYTHON changed: /") and " → " in line and line.endswith("[pyo3-ffi]")


def test_out_dir_files_regenerated_by_a_rebuilt_build_script_are_not_root_causes(
    fixtures: Path, tmp_path: Path
) -> None:
    """pyo3-build-config 0.28 include!s files its build script writes to OUT_DIR."""
    recorded_before, recorded_after = load(fixtures, "uv-stock-0.28.3-warm")
    target = tmp_path / "target"
    before = Snapshot(str(target), recorded_before.units)
    after = Snapshot(str(target), recorded_after.units)
    lib = next(u for u in before.units.values() if u.package == "pyo3-build-config" and u.kind == "lib")
    assert lib.dep_info is not None
    generated = [target / p for kind, p in lib.dep_info.files if kind == "build"]
    assert generated, "the recorded dep-info names the OUT_DIR files"
    for path in generated:  # regenerated during the build, so newer than the unit's last build
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("config")
        os.utime(path, ns=(lib.mtime_ns + 1, lib.mtime_ns + 1))
    result = diff(before, after)
    assert [(c.kind, c.var) for c in result.root_causes] == [("env", "PYO3_PYTHON")]


def _reversed_deps(snapshot: Snapshot) -> Snapshot:
    """The same records with each unit's dependency list in the opposite order."""
    data = snapshot.to_json()
    for unit in data["units"].values():
        unit["fingerprint"]["deps"] = list(reversed(unit["fingerprint"].get("deps", [])))
    return Snapshot.from_json(data)


def test_several_build_scripts_named_alike_keep_their_own_causes(fixtures: Path) -> None:
    # Recorded from a real warm `python -m build` of the hazard sample: its build-script run
    # (and pyo3's) depends on its own script and on a `links` dependency's run, both named
    # `build_script_build`. `cargo build -v` says: `Dirty pyo3-ffi: the env variable PYO3_PYTHON
    # changed`, `Dirty pyo3: info of dependency `pyo3-ffi` changed`, `Dirty hazard: info of
    # dependency `pyo3` changed`.
    before, after = load(fixtures, "build-stock-hazard-0.29.2-warm")
    for snapshots in ((before, after), (_reversed_deps(before), _reversed_deps(after))):
        result = diff(*snapshots)
        cascades = {(c.unit, c.unit_kind, c.dep) for c in result.causes if c.kind == "dep"}
        assert ("hazard", "run-build-script", "pyo3 (run-build-script)") in cascades
        assert ("pyo3", "run-build-script", "pyo3-ffi (run-build-script)") in cascades
        assert not [c for c in result.causes if c.kind == "unknown"]
        [root] = result.root_causes
        assert (root.unit, root.kind, root.var) == ("pyo3-ffi", "env", "PYO3_PYTHON")


def test_a_registry_crate_watching_an_absolute_file_is_rebuilt_for_that_file(
    fixtures: Path, tmp_path: Path
) -> None:
    """Recorded from the ci-restore scenario (build, stock, pyo3-ext-abi3): rust-cache pruned
    maturin's pyo3 config file from target/, the build wrote it again, and pyo3-ffi's build
    script, which watches it by absolute path (PYO3_CONFIG_FILE), re-ran. pyo3-ffi is a registry
    crate: no package root, yet the file is its cause."""
    text = (fixtures / "ci-restore-abi3.fingerprints.json").read_text()
    recorded = (
        "/work/rec/e2e1/tmp/popen-gw1/test_ci_restore0/work/build--stock--pyo3-ext-abi3--pyo3-0.29.2/src"
    )
    config = tmp_path / "src" / "target" / "maturin" / "pyo3-config-x86_64-unknown-linux-gnu-3.11-abi3.txt"
    config.parent.mkdir(parents=True)
    config.write_text("implementation=CPython\n")  # written now: newer than the recorded run
    data = json.loads(text.replace(recorded, str(tmp_path / "src")))
    result = diff(Snapshot.from_json(data["before"]), Snapshot.from_json(data["after"]), {})
    [root] = [c for c in result.causes if c.kind not in ("dep", "new")]
    assert (root.unit, root.unit_kind, root.kind, root.path) == (
        "pyo3-ffi",
        "run-build-script",
        "file",
        str(config),
    )
