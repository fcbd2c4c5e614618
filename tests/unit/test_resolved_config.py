"""Reading the pyo3 config a build used, and comparing it with what the new interpreter yields.

Fed with records from real switch-python builds (tests/fixtures/stale/*.json, each naming the
command that recorded it): an abi3 build whose chain was rightly reused, a `build --env-dir` build
whose chain was wrongly reused, and a stock build whose chain rebuilt.
"""

import json
from pathlib import Path
from typing import Any

from harness.measure import resolved_config as rc
from harness.measure.fingerprints import Snapshot
from harness.workbench.pyo3_config import printed_config

FIXTURES = Path(__file__).parents[1] / "fixtures" / "stale"


def _load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    return data


def test_exported_config_decodes_pyo3_ffi_output() -> None:
    data = _load("env-dir-reused-changed")
    config = rc.exported_config(data["exporting_output"])
    assert config is not None
    assert config["version"] == "3.11" and config["implementation"] == "CPython"
    assert config["lib_dir"] == "/root/.pyenv/versions/3.11.7/lib"
    assert config["executable"].endswith("/build-env/bin/python")


def test_exported_config_absent_or_corrupt() -> None:
    assert rc.exported_config("cargo:rustc-cfg=Py_3_11\n") is None
    assert rc.exported_config("cargo:PYO3_CONFIG=zz\n") is None


def test_exporting_run_and_output_file() -> None:
    data = _load("stock-rebuilt")
    snap = Snapshot.from_json(data["snapshot_after"])
    unit = rc.exporting_run(snap)
    assert unit is not None and unit.package == "pyo3-ffi" and unit.kind == "run-build-script"
    path = rc.output_file(snap, unit)
    assert path.parts[-4:] == ("release", "build", unit.directory, "output")
    assert str(path).startswith(data["snapshot_after"]["target_dir"])


def test_tracked_env_reads_recorded_values() -> None:
    abi3 = rc.tracked_env(Snapshot.from_json(_load("abi3-reused-identical")["snapshot_after"]))
    assert abi3["PYO3_CONFIG_FILE"] is not None and abi3["PYO3_CONFIG_FILE"].endswith("-abi3.txt")
    assert "PYO3_PYTHON" not in abi3 and abi3["PYO3_PRINT_CONFIG"] is None  # a config file: no interpreter
    env_dir = rc.tracked_env(Snapshot.from_json(_load("env-dir-reused-changed")["snapshot_after"]))
    assert env_dir["PYO3_PYTHON"] is not None and env_dir["PYO3_PYTHON"].endswith("/build-env/bin/python")


def test_inputs_for_replaces_the_interpreter_only() -> None:
    tracked = rc.tracked_env(Snapshot.from_json(_load("env-dir-reused-changed")["snapshot_after"]))
    inputs = rc.inputs_for(tracked, "/usr/bin/python3.11")
    assert inputs["PYO3_PYTHON"] == "/usr/bin/python3.11"
    assert inputs["PYO3_BASE_PYTHON"] is None
    assert inputs["PYO3_ENVIRONMENT_SIGNATURE"] == tracked["PYO3_ENVIRONMENT_SIGNATURE"]


def test_abi3_config_is_the_same_for_the_new_interpreter() -> None:
    data = _load("abi3-reused-identical")
    assert not {"pyo3-ffi", "pyo3"} & set(data["rebuilt"])  # reused
    reused = rc.exported_config(data["exporting_output"])
    now = rc.parse_config(printed_config(data["printed_now"]))
    assert reused is not None and "executable" not in reused
    assert rc.differences(reused, now) == []


def test_env_dir_config_differs_for_the_new_interpreter() -> None:
    data = _load("env-dir-reused-changed")
    assert data["rebuilt"] == []  # reused
    reused = rc.exported_config(data["exporting_output"])
    now = rc.parse_config(printed_config(data["printed_now"]))
    assert reused is not None
    assert rc.differences(reused, now) == [
        "lib_dir: /root/.pyenv/versions/3.11.7/lib → /usr/lib/x86_64-linux-gnu"
    ]


def test_differences_ignore_the_executable_path_only() -> None:
    old = {"version": "3.11", "executable": "/a/bin/python"}
    assert rc.differences(old, {"version": "3.11", "executable": "/b/bin/python"}) == []
    assert rc.differences(old, {"version": "3.12"}) == ["version: 3.11 → 3.12"]
    assert rc.differences({}, {"shared": "true"}) == ["shared: (none) → true"]


def test_a_config_resolved_from_the_base_differs_from_a_fresh_one_only_in_its_paths() -> None:
    # Patch set v3 records where the config came from (base_executable): a path, not what was built.
    reused = rc.exported_config(_load("v3-base-resolved")["exporting_output"])
    assert reused is not None and reused["base_executable"] == reused["executable"]
    now = {key: value for key, value in reused.items() if key != "base_executable"}
    now["executable"] = "/root/.pyenv/versions/3.11.7/bin/python3.11"
    assert rc.differences(reused, now) == []
    assert rc.differences(reused, {**now, "version": "3.13"}) == ["version: 3.11 → 3.13"]
