"""How long cargo itself took, from its own closing line (``Finished ... in 1m 05s``).

A frontend build's wall time is cargo's plus everything around it: the frontend making its
environment and installing build requirements, and the backend's own work. cargo times
itself; the rest is the wall time minus that. Nothing finer is claimed: frontends buffer the
backend's output, so line timestamps would not say when the backend started.
"""

from __future__ import annotations

import re

# cargo prints "{secs}.{hundredths}s" under a minute and "{m}m {ss}s" from a minute on; uv's
# verbose mode (uv pip install -v, uv sync -v) prefixes the backend's lines with "DEBUG".
_FINISHED = re.compile(
    r"^(?:DEBUG)?\s*Finished\b.*? in (?:(?P<minutes>\d+)m (?P<whole>\d+)s|(?P<seconds>\d+(?:\.\d+)?)s)\s*$",
    re.MULTILINE,
)


def cargo_seconds(output: str) -> float | None:
    """The sum of every ``Finished ... in`` that cargo printed; None if it printed none."""
    total, found = 0.0, False
    for match in _FINISHED.finditer(output):
        found = True
        if match.group("seconds") is not None:
            total += float(match.group("seconds"))
        else:
            total += 60 * int(match.group("minutes")) + int(match.group("whole"))
    return round(total, 2) if found else None
