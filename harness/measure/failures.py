"""Name what a failed build was missing, from the frontend's log, so the row says it."""

from __future__ import annotations

import re

_PATTERNS = (
    (re.compile(r"fatal error: ([\w./+-]+\.h): No such file or directory"), "C header {0} (a -dev package)"),
    (
        re.compile(r"The system library `([\w.+-]+)` required by crate `([\w-]+)` was not found"),
        "system library {0} (for crate {1})",
    ),
    (
        re.compile(r"Package '?([\w.+-]+)'?,? .*was not found in the pkg-config search path"),
        "system library {0}",
    ),
    (re.compile(r"Could not find (\w+) installation"), "system library {0}"),
    (re.compile(r"No matching distribution found for (\S+)"), "build requirement {0} (no wheel here)"),
    (re.compile(r"pyo3-harness-hazard: (.*)"), "{0}"),
    (
        re.compile(r"ModuleNotFoundError: No module named '?([\w.]+)'?"),
        "Python module {0} in the build's interpreter",
    ),
    (re.compile(r"error: linker `(\S+)` not found"), "linker {0}"),
)


# A program cargo ran (rustc, a build script) ended by a signal: cargo names both, as in
# "process didn't exit successfully: `/path/rustc --crate-name pyo3 ...` (signal: 9, SIGKILL: kill)".
_KILLED = re.compile(r"process didn't exit successfully: `(\S+)[^`]*` \(signal: (\d+), (SIG\w+)")


def diagnose(log_text: str) -> str | None:
    """What ended a build (a compiler killed by a signal), or the first recognisable thing it
    was missing, in words; or None."""
    killed = _KILLED.search(log_text)
    if killed:
        program = killed[1].replace("\\", "/").rsplit("/", 1)[-1]
        return (
            f"{program} was killed by signal {killed[2]} ({killed[3]}: the kernel's OOM killer, or someone's "
            "kill); run again, and if memory is short with fewer jobs (CARGO_BUILD_JOBS=1)"
        )
    for pattern, words in _PATTERNS:
        found = pattern.search(log_text)
        if found:
            text = words.format(*found.groups())
            return text if words == "{0}" else f"missing {text}"
    return None
