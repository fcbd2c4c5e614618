"""cargo's own account of a rebuild, from a verbose build's log, beside ours from its records.

With ``CARGO_TERM_VERBOSE=true`` cargo prints a ``Dirty PACKAGE vX: REASON`` line for every unit
it rebuilds and why. What we read from its fingerprint files (``measure/causes.py``) must name
the same packages, and every root cause the same variable; ``check`` says whether it does, so
a real project's figures are cross-checked by cargo itself, not only the samples'.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from harness.model.results import BuildRecord

# uv's verbose output prefixes the backend's lines with "DEBUG".
_DIRTY = re.compile(r"^(?:DEBUG)?\s*Dirty (\S+) v\S+(?: \([^)]*\))?: (.*)$", re.MULTILINE)
_FRESH = re.compile(r"^(?:DEBUG)?\s*Fresh (\S+) v", re.MULTILINE)


@dataclass(frozen=True)
class Account:
    agrees: bool | None  # None: the log holds no account of cargo's (not verbose)
    detail: str


def dirty(log: str) -> dict[str, str]:
    """Each package cargo rebuilt, with the first reason it gave."""
    found: dict[str, str] = {}
    for package, reason in _DIRTY.findall(log):
        found.setdefault(package, reason.strip())
    return found


def check(record: BuildRecord, log: str) -> Account:
    said = dirty(log)
    if not said and not _FRESH.search(log):
        return Account(None, "cargo gave no account (the build was not verbose)")
    # A unit with no earlier record (a target dir pruned as a CI cache does) compiles without a
    # Dirty line: cargo only says why it rebuilds a unit it had built before.
    new = {c.unit for c in record.causes if c.kind == "new"}
    old = {c.unit for c in record.causes if c.kind != "new"}
    ours = (set(record.rebuilt) | set(record.reran)) - (new - old)
    if ours != set(said):
        return Account(False, f"cargo rebuilt {sorted(said)}, we read {sorted(ours)}")
    for cause in record.causes:
        if cause.kind == "env" and cause.var:
            wanted = f"the env variable {cause.var} changed"
            if said.get(cause.unit) != wanted:
                return Account(
                    False, f"{cause.unit}: cargo says {said.get(cause.unit)!r}, we read {wanted!r}"
                )
    return Account(True, f"cargo names the same {len(said)} package(s) and cause(s)")
