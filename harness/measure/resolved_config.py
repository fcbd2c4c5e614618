"""The pyo3 configuration a build used, read from cargo's records, for the stale-cache verdict.

A cache is stale when cargo reuses a pyo3 chain resolved from a configuration that differs from
what pyo3 would resolve now. "The pyo3 chain did not rebuild" alone proves nothing: for an abi3
build maturin hands pyo3 a config file that names no interpreter and is the same for every
interpreter of that version range, so reusing the chain is right.

pyo3-ffi's build script exports the configuration it resolved to its dependents
(``cargo:PYO3_CONFIG=<hex>``, read back as ``DEP_PYTHON_PYO3_CONFIG``), in the ``output`` file of
its build-script run; that run's fingerprint lists every variable pyo3 tracked, with the value
cargo compared. Re-running pyo3's resolution (``PYO3_PRINT_CONFIG=1``) with those values, the
interpreter replaced by the new one, gives what the new interpreter yields. The build's own
environment cannot be used: frontends delete it (``build --env-dir`` too, then recreates it at
the same path, which is how a stale chain comes about). A venv's interpreter resolves to its base
installation's config apart from ``executable``, the path pyo3 ran, which is therefore left out
of the comparison.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from harness.measure.fingerprints import Snapshot, Unit

# The crates whose build-script run resolves the config: pyo3-build-config's own up to pyo3
# 0.28, pyo3-ffi's (which also exports it) in every version.
_RESOLVING = ("pyo3-build-config", "pyo3-ffi")
_EXPORT_PREFIXES = ("cargo:PYO3_CONFIG=", "cargo::metadata=PYO3_CONFIG=")


def parse_config(text: str) -> dict[str, str]:
    """pyo3's ``key=value`` lines (a config file, or what ``PYO3_PRINT_CONFIG`` prints)."""
    config = {}
    for line in text.splitlines():
        key, sep, value = line.strip().partition("=")
        if sep and key:
            config[key] = value
    return config


def exported_config(build_output: str) -> dict[str, str] | None:
    """The config pyo3-ffi's build script exported, from its ``output`` file; None if absent."""
    for line in build_output.splitlines():
        for prefix in _EXPORT_PREFIXES:
            if line.startswith(prefix):
                try:
                    text = bytes.fromhex(line[len(prefix) :].strip()).decode("utf-8")
                except ValueError:
                    return None
                return parse_config(text)
    return None


def exporting_run(snapshot: Snapshot) -> Unit | None:
    """pyo3-ffi's build-script run in ``snapshot``: the newest if cargo kept several."""
    runs = [u for u in snapshot.units.values() if u.package == "pyo3-ffi" and u.kind == "run-build-script"]
    return max(runs, key=lambda u: u.mtime_ns, default=None)


def output_file(snapshot: Snapshot, unit: Unit) -> Path:
    """Where cargo keeps the build-script run's ``output`` (``<profile>/build/<unit dir>/output``)."""
    profile = unit.key.split("/", 1)[0]
    return Path(snapshot.target_dir) / profile / "build" / unit.directory / "output"


def tracked_env(snapshot: Snapshot) -> dict[str, str | None]:
    """Every variable pyo3's resolving build scripts tracked, with the value cargo recorded
    (None: unset). The newest run of each resolving crate counts."""
    tracked: dict[str, str | None] = {}
    for package in _RESOLVING:
        runs = [u for u in snapshot.units.values() if u.package == package and u.kind == "run-build-script"]
        newest = max(runs, key=lambda u: u.mtime_ns, default=None)
        if newest is None:
            continue
        for entry in newest.fingerprint.get("local", []):
            env = entry.get("RerunIfEnvChanged") if isinstance(entry, dict) else None
            if isinstance(env, dict) and isinstance(env.get("var"), str):
                value = env.get("val")
                tracked[env["var"]] = value if isinstance(value, str) else None
    return tracked


# The variables that name the interpreter pyo3 runs; replaced by the new interpreter.
_INTERPRETER_VARS = ("PYO3_PYTHON", "PYO3_BASE_PYTHON")


def inputs_for(tracked: Mapping[str, str | None], interpreter: str) -> dict[str, str | None]:
    """The tracked inputs with ``interpreter`` in place of the one the build named."""
    inputs = {name: value for name, value in tracked.items() if name not in _INTERPRETER_VARS}
    inputs["PYO3_PYTHON"] = interpreter
    inputs["PYO3_BASE_PYTHON"] = None
    return inputs


# Interpreter paths, not what was built: ``executable``, and ``base_executable``, which patch set
# v3 writes when the config was resolved from PYO3_BASE_PYTHON (its provenance).
_PATH_KEYS = frozenset({"executable", "base_executable"})


def differences(reused: Mapping[str, str], now: Mapping[str, str]) -> list[str]:
    """``key: reused → now`` for every key but the interpreter paths whose value differs."""
    keys = sorted((set(reused) | set(now)) - _PATH_KEYS)
    return [
        f"{key}: {reused.get(key, '') or '(none)'} → {now.get(key, '') or '(none)'}"
        for key in keys
        if reused.get(key, "") != now.get(key, "")
    ]
