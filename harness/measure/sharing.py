"""How much of the machine other work used while a command ran: its seconds are only as true
as the cores it had. Linux's /proc/stat counts every core's busy time; what the command's own
process tree used comes from the kernel's accounting of waited-for children."""

from __future__ import annotations

import os
import resource
from dataclasses import dataclass
from pathlib import Path

_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


@dataclass(frozen=True)
class Mark:
    busy: float | None  # seconds every core spent busy since boot; None: not on Linux
    children: float  # CPU seconds of this process's finished children
    cpus: int


def mark(stat: Path = Path("/proc/stat")) -> Mark:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return Mark(_busy(stat), usage.ru_utime + usage.ru_stime, os.cpu_count() or 1)


def _busy(stat: Path) -> float | None:
    try:
        first = stat.read_text(encoding="ascii").splitlines()[0].split()
    except (OSError, IndexError):
        return None
    if first[:1] != ["cpu"]:
        return None
    ticks = [int(t) for t in first[1:]]
    idle = ticks[3] + (ticks[4] if len(ticks) > 4 else 0)  # idle and iowait
    # user nice system idle iowait irq softirq: steal (a hypervisor's) and guest (already in
    # user, proc(5)) are left out.
    return (sum(ticks[:7]) - idle) / _TICKS


def others_share(start: Mark, end: Mark, wall: float) -> float | None:
    """The share of all cores that processes other than the command's used, 0..1; None when
    the machine does not say."""
    if start.busy is None or end.busy is None or wall <= 0:
        return None
    others = (end.busy - start.busy) - (end.children - start.children)
    return round(min(1.0, max(0.0, others / (wall * end.cpus))), 3)
