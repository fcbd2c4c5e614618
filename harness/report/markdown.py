"""report.md: a GitHub-flavoured table a maintainer can paste into a PR comment."""

from __future__ import annotations

import re
from typing import Any

from harness.measure.causes import Cause, describe
from harness.report.results import BuildRecord, CellResult, RunResult


def short_path(value: str | None, keep: int = 4) -> str | None:
    """Keep the informative tail of long paths: ``.../builds-v0/.tmpAb12/bin/python``.

    Windows paths keep their own separator: ``...\\builds-v0\\.tmpAb12\\Scripts\\python.exe``.
    """
    if value is None:
        return value
    parts = re.split(r"[\\/]", value)
    if len(parts) <= keep + 1:
        return value
    sep = "\\" if value.count("\\") > value.count("/") else "/"
    return "..." + sep + sep.join(parts[-keep:])


def escape(text: str) -> str:
    """Markdown drops a backslash before punctuation (``\\.tmp`` shows as ``.tmp``): double it."""
    return text.replace("\\", "\\\\")


def _causes(record: BuildRecord, *, full: bool) -> list[str]:
    causes = []
    for raw in record.causes:
        cause = Cause(**raw)
        if not full and cause.kind in ("env", "file"):
            cause = Cause(
                unit=cause.unit,
                unit_kind=cause.unit_kind,
                kind=cause.kind,
                var=cause.var,
                old=short_path(cause.old),
                new=short_path(cause.new),
                path=short_path(cause.path, keep=3),
            )
        causes.append(cause)
    return describe(causes)


def _failure(record: BuildRecord) -> str:
    return f"**failed** ([log]({record.log}))" if record.log else f"**not run**: {record.error}"


def _units(record: BuildRecord | None) -> str:
    if record is None:
        return "–"
    if not record.ok:
        return _failure(record)
    text = str(len(record.rebuilt))
    if record.rebuilt:
        text += f": {', '.join(record.rebuilt)}"
    wheel = record.wheel or {}
    if wheel and not wheel.get("ok"):
        text += " **(wheel check failed)**"
    return text


def _seconds(record: BuildRecord | None, *, show_failure: bool = False) -> str:
    if record is None:
        return "–"
    if not record.ok:
        return _failure(record) if show_failure else "–"
    return f"{record.seconds:.1f}"


def _frontend(cell: CellResult) -> str:
    text = f"{cell.frontend} {cell.frontend_version}"
    if cell.frontend_patch:
        text += f" + patch {cell.frontend_patch[:8]}"
    elif cell.frontend_spec and cell.frontend_spec != cell.frontend and "==" not in cell.frontend_spec:
        text += " (yours)"
    return text


def _sample(cell: CellResult) -> str:
    return f"{cell.sample} ({cell.variant})" if cell.variant else cell.sample


def _root_cause(cell: CellResult) -> str:
    if cell.error:
        return f"**cell failed**: {cell.error.splitlines()[0]}"
    warm = cell.build("warm")
    if warm is None or not warm.ok:
        return "–"
    if not warm.causes:
        return "nothing recompiled"
    return "<br>".join(escape(line) for line in _causes(warm, full=False)) or "cascade only"


def table(result: RunResult) -> str:
    others = any(c.build("other-venv") for c in result.cells)
    head = ["Frontend", "Strategy", "Sample", "pyo3", "Cold s", "Warm: recompiled", "Warm s"]
    head += ["Incremental: recompiled", "Incr. s"] + (["Other venv: recompiled"] if others else [])
    head += ["Root cause of the warm rebuild"]
    rows = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for cell in result.cells:
        row = [
            _frontend(cell),
            cell.strategy,
            _sample(cell),
            cell.pyo3_support or cell.pyo3,
            _seconds(cell.build("cold"), show_failure=True),
            _units(cell.build("warm")),
            _seconds(cell.build("warm")),
            _units(cell.build("incremental")),
            _seconds(cell.build("incremental")),
        ]
        if others:
            row.append(_units(cell.build("other-venv")))
        row.append(_root_cause(cell))
        rows.append("| " + " | ".join(row) + " |")
    return "\n".join(rows)


def _details(cell: CellResult) -> str:
    lines = [f"### {cell.id}", "", f"Reproduce: `{cell.reproduce}`", ""]
    backend = cell.backend_source or "unrecorded"
    lines += [f"Frontend: {cell.frontend_source or cell.frontend}. Backend: {backend}.", ""]
    if cell.error:
        lines += ["```", cell.error, "```", ""]
    for b in cell.builds:
        status = "ok" if b.ok else "FAILED"
        lines.append(f"- **{b.scenario}** ({status}, {b.seconds:.1f} s, log `{b.log}`)")
        if b.error:
            lines.append(f"  - error: {b.error}")
        if b.rebuilt or b.reran:
            lines.append(
                f"  - recompiled: {', '.join(b.rebuilt) or 'none'}; build scripts re-ran: "
                f"{', '.join(b.reran) or 'none'}"
            )
        if b.scenario != "cold":
            for text in _causes(b, full=True):
                lines.append(f"  - cause: {escape(text)}")
        if b.wheel:
            verdict = "imports and works" if b.wheel["ok"] else f"FAILED: {b.wheel['detail'][-300:]}"
            lines.append(f"  - wheel `{b.wheel['file']}`: {verdict}")
    return "\n".join(lines)


def _timing(timing: dict[str, Any]) -> str:
    if not timing:
        return ""
    build = timing.get("build", 0.0)
    overhead = timing.get("overhead", 0.0)
    share = f" ({100 * overhead / build:.1f}% of build time)" if build else ""
    return (
        f"Run took {timing.get('total', 0.0):.0f} s: builds {build:.0f} s, one-time setup "
        f"(installs, downloads, work copies) {timing.get('setup', 0.0):.0f} s, harness overhead "
        f"(snapshots, wheel checks) {overhead:.1f} s{share}."
    )


def render(result: RunResult) -> str:
    failed = [c for c in result.cells if not c.ok]
    parts = [
        "## pyo3 warm-rebuild report",
        "",
        f"Made by `{' '.join(result.command)}` on {result.started}"
        + (" (**interrupted**: only finished cells are shown)" if result.interrupted else "")
        + ".",
        "",
        table(result),
        "",
        "Units are cargo compilation units rebuilt, read from cargo's fingerprint records "
        "(`target/*/.fingerprint`) before and after each build; causes come from the same records.",
        "",
    ]
    if failed:
        parts += [f"**{len(failed)} cell(s) failed**: {', '.join(c.id for c in failed)}", ""]
    parts += [_timing(result.timing), ""]
    tools = result.toolchain
    parts += [
        f"Toolchain: {tools.get('rustc')}; {tools.get('cargo')}. Python: {result.python.get('version')} "
        f"({result.python.get('base_executable')}). Machine: {result.machine.get('platform')}, "
        f"{result.machine.get('cpus')} CPUs. Pins: `{result.pins.get('file')}` sha256 "
        f"{str(result.pins.get('sha256'))[:12]}.",
        "",
        "<details><summary>Every build, with causes and logs</summary>",
        "",
        *(_details(c) + "\n" for c in result.cells),
        "</details>",
        "",
    ]
    return "\n".join(parts)
