"""Why cargo rebuilt a unit: the typed cause every build record carries, and its words."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal, cast, get_args

CauseKind = Literal["env", "file", "dep", "config", "new", "unknown"]
CAUSE_KINDS: tuple[CauseKind, ...] = get_args(CauseKind)


@dataclass(frozen=True)
class Cause:
    """Why one unit was rebuilt."""

    unit: str  # package name
    unit_kind: str  # lib, run-build-script, build-script, ...
    kind: CauseKind
    var: str | None = None  # env: the variable
    old: str | None = None  # env: value before (None: unset); config: field name
    new: str | None = None  # env: value after (None: unset)
    path: str | None = None  # file: the file that is newer than the unit's last build
    dep: str | None = None  # dep: the dependency unit that changed, "pkg (kind)"

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Cause:
        if data.get("kind") not in CAUSE_KINDS:
            raise ValueError(f"a cause of unknown kind {data.get('kind')!r}")
        return cls(**{**data, "kind": cast(CauseKind, data["kind"])})


def _words(cause: Cause) -> str | None:
    if cause.kind == "env":
        old = cause.old if cause.old is not None else "(unset)"
        return f"{cause.var} changed: {old} → " + (cause.new if cause.new is not None else "(unset)")
    return {
        "file": f"file changed: {cause.path}",
        "config": f"build configuration changed ({cause.old})",
        "new": "new unit (no earlier fingerprint)",
        "unknown": "no recorded input changed",
    }.get(cause.kind)


def describe(causes: list[Cause]) -> list[str]:
    """Root causes in words, one line each (cascades left out), units listed after each."""
    lines: dict[str, list[str]] = {}
    for cause in causes:
        text = _words(cause)
        if text is not None:
            lines.setdefault(text, []).append(cause.unit)
    return [f"{text} [{', '.join(dict.fromkeys(units))}]" for text, units in lines.items()]
