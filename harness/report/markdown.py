"""report.md: a GitHub-flavoured table a maintainer can paste into a PR comment."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from harness.measure.causes import Cause, describe
from harness.report.compare import NOISE_RELATIVE, NOISE_SECONDS, Comparison
from harness.report.decision import CHECKS, decision_rows, decision_table
from harness.report.results import BuildRecord, CellResult, RunResult
from harness.report.stats import WIDE_RELATIVE, WIDE_SECONDS, repeated, scenario_stats


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


def cause_lines(record: BuildRecord, *, full: bool) -> list[str]:
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


def _units(cell: CellResult, scenario: str) -> str:
    """The first attempt's crates; with repeats, any disagreement and failure among the attempts."""
    record = cell.build(scenario)
    if record is None:
        return "–"
    if not record.ok:
        return _failure(record)
    text = str(len(record.rebuilt))
    if record.rebuilt:
        text += f": {', '.join(record.rebuilt)}"
    if any(not (b.wheel or {}).get("ok", True) for b in cell.attempts(scenario)):
        text += " **(wheel check failed)**"
    stats = scenario_stats(cell, scenario)
    if stats is not None and stats.unstable_units:
        text += f" **(unstable: attempts recompiled {', '.join(map(str, stats.units))})**"
    if stats is not None and stats.failed:
        text += f" **({stats.failed} of {stats.attempts} attempts failed)**"
    return text


def _seconds(cell: CellResult, scenario: str, *, show_failure: bool = False) -> str:
    """Seconds; with repeats, the median and range over the attempts that built."""
    record = cell.build(scenario)
    if record is None:
        return "–"
    if not record.ok:
        return _failure(record) if show_failure else "–"
    stats = scenario_stats(cell, scenario)
    text = stats.seconds_text() if stats is not None else f"{record.seconds:.1f}"
    return text.replace(" wide spread", " **wide spread**")


def frontend_label(cell: CellResult) -> str:
    text = f"{cell.frontend} {cell.frontend_version}"
    if cell.frontend_patch:
        text += f" + patch {cell.frontend_patch[:8]}"
    elif cell.frontend_spec and cell.frontend_spec != cell.frontend and "==" not in cell.frontend_spec:
        text += " (yours)"
    return text


def sample_label(cell: CellResult) -> str:
    return f"{cell.sample} ({cell.variant})" if cell.variant else cell.sample


def root_cause(cell: CellResult, *, esc: Callable[[str], str], failed: str) -> str:
    """The warm rebuild's root causes, one per line, for a table cell (Markdown or HTML:
    ``esc`` escapes text, ``failed`` marks a cell that could not be prepared)."""
    if cell.error:
        return f"{failed}: {esc(cell.error.splitlines()[0])}"
    warm = cell.build("warm")
    if warm is None or not warm.ok:
        return "–"
    if not warm.causes:
        return "nothing recompiled"
    return "<br>".join(esc(line) for line in cause_lines(warm, full=False)) or "cascade only"


# Scenarios shown as a "recompiled" column only when the run has them.
_OPTIONAL = {
    "other-venv": "Other venv: recompiled",
    "sdist-warm": "sdist rebuild: recompiled",
    "switch-python": "Other base python: recompiled",
}


def table(result: RunResult) -> str:
    optional = [s for s in _OPTIONAL if any(c.build(s) for c in result.cells)]
    head = ["Frontend", "Strategy", "Sample", "pyo3", "Cold s", "Warm: recompiled", "Warm s"]
    head += ["Incremental: recompiled", "Incr. s"] + [_OPTIONAL[s] for s in optional]
    head += ["Root cause of the warm rebuild"]
    rows = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for cell in result.cells:
        row = [
            frontend_label(cell),
            cell.strategy,
            sample_label(cell),
            cell.pyo3_support or cell.pyo3,
            _seconds(cell, "cold", show_failure=True),
            _units(cell, "warm"),
            _seconds(cell, "warm"),
            _units(cell, "incremental"),
            _seconds(cell, "incremental"),
        ]
        row += [_units(cell, s) for s in optional]
        row.append(root_cause(cell, esc=escape, failed="**cell failed**"))
        rows.append("| " + " | ".join(row) + " |")
    return "\n".join(rows)


def _details(cell: CellResult) -> str:
    lines = [f"### {cell.id}", "", f"Reproduce: `{cell.reproduce}`", ""]
    backend = cell.backend_source or "unrecorded"
    lines += [f"Frontend: {cell.frontend_source or cell.frontend}. Backend: {backend}.", ""]
    if cell.error:
        lines += ["```", cell.error, "```", ""]
    for check in cell.checks:
        title = CHECKS.get(check["check"], check["check"])
        lines.append(f"- {title}: **{check['status']}**, {check['detail']}")
    for b in cell.builds:
        status = "ok" if b.ok else "FAILED"
        attempt = f" attempt {b.attempt + 1}" if b.attempt else ""
        lines.append(f"- **{b.scenario}**{attempt} ({status}, {b.seconds:.1f} s, log `{b.log}`)")
        if b.error:
            lines.append(f"  - error: {b.error}")
        if b.rebuilt or b.reran:
            lines.append(
                f"  - recompiled: {', '.join(b.rebuilt) or 'none'}; build scripts re-ran: "
                f"{', '.join(b.reran) or 'none'}"
            )
        if b.scenario != "cold":
            for text in cause_lines(b, full=True):
                lines.append(f"  - cause: {escape(text)}")
        if b.wheel:
            verdict = "imports and works" if b.wheel["ok"] else f"FAILED: {b.wheel['detail'][-300:]}"
            lines.append(f"  - wheel `{b.wheel['file']}`: {verdict}")
        if b.measured_from != "fingerprints":
            lines.append(f"  - measured from {b.measured_from}")
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


def decision(result: RunResult) -> str:
    """The decision table and one plain-language verdict per strategy."""
    rows = decision_rows(result)
    verdicts = [f"- {row.verdict}" for row in rows]
    failures = [
        f"  - {CHECKS[key]} failed in {', '.join(summary.failed)}: {summary.detail}"
        for row in rows
        for key, summary in row.checks.items()
        if summary.failed
    ]
    return "\n".join(
        [decision_table(rows), "", *verdicts, *(["", "Failed checks:", *failures] if failures else [])]
    )


SPREAD_RULE = (
    f"Repeated scenarios show the median (min–max) over their attempts; a spread is marked **wide** "
    f"when (max − min) / median > {WIDE_RELATIVE:.2f} and max − min > {WIDE_SECONDS} s. Crates "
    "recompiled are the first attempt's; **unstable** means the attempts disagreed."
)

NOISE_RULE = (
    "A regression is: a build that worked in the baseline now fails; more crates recompiled (any "
    "increase: counts come from cargo's records, not a clock); or a median slower by more than the "
    f"largest of {NOISE_SECONDS:.1f} s, {NOISE_RELATIVE:.0%} of the baseline median, and either side's "
    "spread (max − min over its attempts). The same margins the other way are improvements; the rest is "
    "noise. Cold builds are not compared."
)


def figures(stats_text: str, units: int | None) -> str:
    return f"{'–' if units is None else units} / {stats_text}"


def comparison_section(comparison: Comparison) -> str:
    lines = [f"### Compared with `{comparison.baseline}`", "", NOISE_RULE, ""]
    regressions = comparison.regressions
    if regressions:
        lines += [f"**{len(regressions)} regression(s)**:", ""]
        lines += [f"- {line}" for line in regressions]
    else:
        lines.append("No regressions beyond noise.")
    lines.append("")
    if comparison.cells:
        head = ["Cell", "Scenario", "Baseline: crates / s", "Now: crates / s", "Δ crates", "Δ s"]
        head += ["Noise s", "Verdict"]
        lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        for cell in comparison.cells:
            if cell.failed:
                lines.append(f"| {cell.id} | – | | | | | | **REGRESSION**: cell failed: {cell.failed} |")
            for change in cell.scenarios:
                before, after = change.before, change.after
                units, seconds = change.units_delta, change.seconds_delta
                verdict = change.verdict
                if change.regressions:
                    verdict = "**" + verdict.replace(": ", "**: ", 1)
                cols = [
                    cell.id,
                    change.scenario,
                    figures(before.seconds_text(), before.first_units) if before else "–",
                    figures(after.seconds_text(), after.first_units) if after else "–",
                    "–" if units is None else f"{units:+d}",
                    "–" if seconds is None else f"{seconds:+.1f}",
                    f"{change.threshold:.1f}",
                    verdict,
                ]
                lines.append("| " + " | ".join(cols) + " |")
        lines.append("")
    if comparison.added:
        lines += ["Added (not in the baseline): " + ", ".join(f"`{i}`" for i in comparison.added), ""]
    if comparison.removed:
        lines += ["Removed (only in the baseline): " + ", ".join(f"`{i}`" for i in comparison.removed), ""]
    return "\n".join(lines)


def _measured_on(source: dict[str, Any]) -> str:
    tools = source.get("toolchain") or {}
    python = source.get("python") or {}
    machine = source.get("machine") or {}
    return (
        f"Toolchain: {tools.get('rustc')}; {tools.get('cargo')}. Python: {python.get('version')} "
        f"({python.get('base_executable')}). Machine: {machine.get('platform')}, "
        f"{machine.get('cpus')} CPUs."
    )


def _provenance(result: RunResult) -> list[str]:
    where = f"`{result.pins['file']}` " if result.pins.get("file") else ""
    pins = f"Pins: {where}sha256 {str(result.pins.get('sha256'))[:12]}."
    if not result.sources:
        here = {"toolchain": result.toolchain, "python": result.python, "machine": result.machine}
        return [f"{_measured_on(here)} {pins}"]
    lines = [f"Merged from {len(result.sources)} run(s):", ""]
    for source in result.sources:
        command = " ".join(source.get("command") or [])
        cells = len(source.get("cells") or [])
        lines.append(
            f"- `{source.get('file')}`: `{command}` on {source.get('started')}, {cells} cell(s). "
            + _measured_on(source)
        )
    return [*lines, "", pins]


def render(result: RunResult, comparison: Comparison | None = None) -> str:
    failed = [c for c in result.cells if not c.ok]
    parts = [
        "## pyo3 warm-rebuild report",
        "",
        f"Made by `{' '.join(result.command)}` "
        + (f"from {len(result.sources)} run(s), the first started " if result.sources else "on ")
        + result.started
        + (" (**interrupted**: only finished cells are shown)" if result.interrupted else "")
        + ".",
        "",
        "### Which strategy",
        "",
        decision(result),
        "",
        "### Every cell",
        "",
        table(result),
        "",
        "Units are cargo compilation units rebuilt, read from cargo's fingerprint records "
        "(`target/*/.fingerprint`) before and after each build; causes come from the same records.",
        "",
    ]
    if any(repeated(c) for c in result.cells):
        parts += [SPREAD_RULE, ""]
    if failed:
        parts += [f"**{len(failed)} cell(s) failed**: {', '.join(c.id for c in failed)}", ""]
    if comparison is not None:
        parts += [comparison_section(comparison), ""]
    parts += [_timing(result.timing), ""]
    parts += [
        *_provenance(result),
        "",
        "<details><summary>Every build, with causes and logs</summary>",
        "",
        *(_details(c) + "\n" for c in result.cells),
        "</details>",
        "",
    ]
    return "\n".join(parts)
