"""Units compiled, read from cargo's own output, for builds whose target dir is gone.

An sdist build unpacks the project into a temporary directory and cargo's ``target/`` goes
with it, so no fingerprint records survive to compare. What cargo printed while building
("Compiling pyo3-ffi v0.29.2") is the record left; every such unit was new.
"""

from __future__ import annotations

import re

from harness.measure.causes import BuildDiff
from harness.model.causes import Cause

_COMPILING = re.compile(r"^\s*Compiling (\S+) v(\S+)", re.MULTILINE)


def compiled_from_log(output: str) -> BuildDiff:
    packages = list(dict.fromkeys(m.group(1) for m in _COMPILING.finditer(output)))
    return BuildDiff(
        rebuilt=packages,
        reran=[],
        units=[f"{p} (compiled)" for p in packages],
        causes=[Cause(unit=p, unit_kind="compiled", kind="new") for p in packages],
    )
