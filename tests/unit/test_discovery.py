"""Project discovery from `cargo metadata`, on output recorded from real manifests.

tests/fixtures/cargo-metadata-manifest-forms.json: a workspace whose members use a
`[dependencies.pyo3]` table, workspace inheritance with pyo3-ffi renamed, and a cfg(unix)-only
pyo3 with pyo3-build-config as a build-dependency (the table form is one a regular expression over
Cargo.toml text misses).
"""

import json
from pathlib import Path
from typing import Any

from harness.workbench.discovery import cargo_error, parse_metadata

FIXTURES = Path(__file__).parents[1] / "fixtures"


def _metadata(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    return data


def test_every_manifest_form_is_found() -> None:
    usage = parse_metadata(_metadata("cargo-metadata-manifest-forms.json"))
    assert usage.found
    assert usage.members == ("form-inherited-renamed", "form-table", "form-target-specific")
    assert usage.versions["pyo3"] == ("0.29.2",)
    assert usage.config_versions == ("0.29.2",)
    assert "used by form-inherited-renamed, form-table, form-target-specific" in usage.describe()


def test_a_workspace_without_pyo3_users_is_not_a_pyo3_project() -> None:
    data = _metadata("cargo-metadata-manifest-forms.json")
    # Drop every edge to pyo3 / pyo3-ffi, as in a plain Rust workspace.
    pyo3_ids = {p["id"] for p in data["packages"] if p["name"] in ("pyo3", "pyo3-ffi")}
    for node in data["resolve"]["nodes"]:
        node["deps"] = [d for d in node["deps"] if d["pkg"] not in pyo3_ids]
    usage = parse_metadata(data)
    assert not usage.found
    assert usage.describe() == "no workspace member depends on pyo3 or pyo3-ffi"


def test_cargos_error_is_kept_from_its_error_line_on() -> None:
    # What `cargo metadata --locked` printed for cryptography 51.0.1 here (2026-12-07): the lock
    # names asn1 0.25.1, which this machine's crates.io index does not list.
    output = (
        "    Updating crates.io index\n"
        'error: failed to select a version for the requirement `asn1 = "^0.25.0"` (locked to 0.25.1)\n'
        "candidate versions found which didn't match: 0.24.1, 0.24.0, 0.23.1, ...\n"
        "location searched: crates.io index\n"
        "required by package `cryptography-rust v0.51.1 (/tmp/crypt/cryptography-51.0.1/src/rust)`\n"
    )
    said = cargo_error(output)
    assert said.startswith('error: failed to select a version for the requirement `asn1 = "^0.25.0"`')
    assert said.endswith("(/tmp/crypt/cryptography-51.0.1/src/rust)`")
    assert cargo_error("one\ntwo\nthree\nfour") == "two\nthree\nfour"
