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


def diagnose(log_text: str) -> str | None:
    """The first recognisable thing a build was missing, in words, or None."""
    for pattern, words in _PATTERNS:
        found = pattern.search(log_text)
        if found:
            text = words.format(*found.groups())
            return text if words == "{0}" else f"missing {text}"
    return None
