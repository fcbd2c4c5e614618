"""Explain a build: which units cargo rebuilt, which build scripts re-ran, and why.

Works only from two snapshots of cargo's fingerprint records (before and after the build),
plus file mtimes, so the answer is cargo's own, not a frontend's log.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from harness.measure.fingerprints import Snapshot, Unit, hash_hex
from harness.model.causes import Cause

# Fingerprint fields that, when changed, rebuild a unit on their own.
_CONFIG_FIELDS = (
    "rustc",
    "features",
    "declared_features",
    "target",
    "profile",
    "path",
    "rustflags",
    "config",
    "compile_kind",
)


@dataclass(frozen=True)
class BuildDiff:
    rebuilt: list[str]  # packages with a compiled unit rebuilt, in build order
    reran: list[str]  # packages whose build script ran
    units: list[str]  # every changed unit as "pkg (kind)", in build order
    causes: list[Cause] = field(default_factory=list)

    @property
    def root_causes(self) -> list[Cause]:
        """Causes that are not a cascade from another rebuilt unit."""
        return [c for c in self.causes if c.kind != "dep"]


def label(unit: Unit) -> str:
    return f"{unit.package} ({unit.kind})"


def _env_map(unit: Unit) -> dict[str, str | None]:
    values: dict[str, str | None] = {}
    for entry in unit.fingerprint.get("local", []):
        if isinstance(entry, dict) and "RerunIfEnvChanged" in entry:
            item = entry["RerunIfEnvChanged"]
            values[item["var"]] = item.get("val")
    if unit.dep_info is not None:
        values.update(unit.dep_info.env)
    return values


def _deps(unit: Unit) -> dict[tuple[int, str], str]:
    """(package id hash, target name) -> the dependency's fingerprint hash, as in its hash file.

    cargo records each dependency as ``[package id hash, target name, public, fingerprint]``.
    The name alone is not a key: every build-script run is ``build_script_build``, and a
    build-script run depends on its own script and on the runs of its ``links`` dependencies.
    """
    return {(int(d[0]), str(d[1])): hash_hex(int(d[3])) for d in unit.fingerprint.get("deps", [])}


def _watched_files(unit: Unit, package_root: Path | None, target_dir: Path) -> list[Path]:
    files: list[Path] = []
    for entry in unit.fingerprint.get("local", []):
        if not isinstance(entry, dict) or "RerunIfChanged" not in entry:
            continue
        for watched in map(Path, entry["RerunIfChanged"].get("paths", [])):
            # An absolute path (pyo3's PYO3_CONFIG_FILE, maturin's config under target/) needs
            # no package root: a registry crate's build script watches such files too.
            if watched.is_absolute():
                files.append(watched)
            elif package_root is not None:
                files.append(package_root / watched)
    if unit.dep_info is not None:
        for path_type, path in unit.dep_info.files:
            candidate = Path(path)
            if candidate.is_absolute():
                files.append(candidate)
            elif path_type == "build":
                files.append(target_dir / candidate)
            elif package_root is not None:
                files.append(package_root / candidate)
    return files


def _newer_files(files: list[Path], since_ns: int) -> list[Path]:
    newer = []
    for path in files:
        try:
            if path.stat().st_mtime_ns > since_ns:
                newer.append(path)
        except OSError:
            continue  # a missing file is cargo's problem to report, not ours
    return newer


def explain_unit(
    before: Unit,
    after: Unit,
    *,
    changed: Mapping[str, Unit],
    by_hash: Mapping[str, Unit],
    package_root: Path | None,
    target_dir: Path,
) -> list[Cause]:
    """Every reason cargo had to rebuild ``after``, given its previous record ``before``."""
    base = {"unit": after.package, "unit_kind": after.kind}
    causes: list[Cause] = []

    old_env, new_env = _env_map(before), _env_map(after)
    for var in sorted(old_env.keys() | new_env.keys()):
        if old_env.get(var) != new_env.get(var) or (var in old_env) != (var in new_env):
            causes.append(Cause(**base, kind="env", var=var, old=old_env.get(var), new=new_env.get(var)))

    for name in _CONFIG_FIELDS:
        if before.fingerprint.get(name) != after.fingerprint.get(name):
            causes.append(Cause(**base, kind="config", old=name))

    old_deps = _deps(before)
    for key, new_hash in sorted(_deps(after).items()):
        dep_unit = by_hash.get(new_hash)
        # A dep counts when its fingerprint changed, or when it was rebuilt with the same
        # fingerprint (cargo's "stale dependency": its output is newer than ours).
        if old_deps.get(key) != new_hash or (dep_unit is not None and dep_unit.key in changed):
            causes.append(Cause(**base, kind="dep", dep=label(dep_unit) if dep_unit else key[1]))

    if not any(c.kind in ("env", "config") for c in causes):
        watched = _watched_files(after, package_root, target_dir)
        if any(c.kind == "dep" for c in causes):
            # Files under the target dir (OUT_DIR) were regenerated by the rebuilt dependency:
            # a consequence of the cascade, not a cause of their own.
            watched = [p for p in watched if not p.is_relative_to(target_dir)]
        for path in _newer_files(watched, before.mtime_ns):
            causes.append(Cause(**base, kind="file", path=str(path)))

    if not causes:
        causes.append(Cause(**base, kind="unknown"))
    return causes


def diff(
    before: Snapshot,
    after: Snapshot,
    package_roots: Mapping[str, Path] | None = None,
) -> BuildDiff:
    """What the build between ``before`` and ``after`` did, and why."""
    roots = package_roots or {}
    target_dir = Path(after.target_dir)
    changed = {
        key: unit
        for key, unit in after.units.items()
        if key not in before.units or before.units[key].mtime_ns != unit.mtime_ns
    }
    order = sorted(changed.values(), key=lambda u: (u.mtime_ns, u.key))
    by_hash = {u.hash: u for u in after.units.values()}
    cold = not before.units

    causes: list[Cause] = []
    for unit in order:
        previous = before.units.get(unit.key)
        if previous is None:
            if not cold:
                causes.append(Cause(unit=unit.package, unit_kind=unit.kind, kind="new"))
            continue
        causes.extend(
            explain_unit(
                previous,
                unit,
                changed=changed,
                by_hash=by_hash,
                package_root=roots.get(unit.package),
                target_dir=target_dir,
            )
        )

    def unique(items: list[str]) -> list[str]:
        return list(dict.fromkeys(items))

    return BuildDiff(
        rebuilt=unique([u.package for u in order if u.kind != "run-build-script"]),
        reran=unique([u.package for u in order if u.kind == "run-build-script"]),
        units=[label(u) for u in order],
        causes=causes,
    )
