"""report.md: GitHub-flavoured tables a maintainer can paste into a PR comment.

Every table comes from ``harness.report.rows``; this module only formats it."""

from __future__ import annotations

import re

from harness.model.results import RunResult
from harness.report.cells import CellDetail, cell_details, cells_table
from harness.report.compare import NOISE_RULE, Comparison, comparison_table
from harness.report.decision import decision_table, verdicts
from harness.report.overview import LEGEND, overview_tables
from harness.report.rows import STRONG, Content, Span, Table
from harness.report.stats import repeated
from harness.report.text import SPREAD_RULE, UNITS_NOTE, made_by, measured_on, source_line, timing


def escape(text: str) -> str:
    """Text from a results file, shown as itself: Markdown drops a backslash before punctuation
    (``\\.tmp`` shows as ``.tmp``), GitHub renders HTML tags, a ``|`` splits a table cell and a
    line break ends a table row."""
    text = text.replace("\\", "\\\\").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("|", "\\|").replace("\r\n", "\n").replace("\n", "<br>")


def _longest_run(text: str, char: str) -> int:
    return max((len(run) for run in re.findall(f"{re.escape(char)}+", text)), default=0)


def code(text: str) -> str:
    """A code span that holds ``text`` whatever it contains: a fence longer than any run of
    backticks inside, and in tables GitHub splits cells at ``|`` even inside code."""
    fence = "`" * (_longest_run(text, "`") + 1)
    text = " ".join(text.splitlines()).replace("|", "\\|")
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def fenced(text: str) -> list[str]:
    """A fenced block that no line of ``text`` can close early."""
    fence = "`" * max(3, _longest_run(text, "`") + 1)
    return [fence, text, fence]


def span(item: Span) -> str:
    if item.text == "\n":
        return "<br>"
    if item.link:
        return f"[{escape(item.text)}]({item.link})"
    if item.style == "code":
        return code(item.text)
    text = escape(item.text)
    return f"**{text}**" if item.style in STRONG else text


def content(cell: Content) -> str:
    return "".join(span(item) for item in cell)


def table(data: Table) -> str:
    lines = ["| " + " | ".join(data.head) + " |", "|" + "---|" * len(data.head)]
    lines += ["| " + " | ".join(content(c) for c in row.cells) + " |" for row in data.rows]
    return "\n".join(lines)


def cells(result: RunResult) -> str:
    """The cells table, as the terminal shows it after a run."""
    return table(cells_table(result))


def decision(result: RunResult) -> str:
    """The decision table and one plain-language verdict per strategy."""
    said, failures = verdicts(result)
    lines = [table(decision_table(result)), "", *(f"- {escape(v)}" for v in said)]
    if failures:
        lines += ["", "Failed checks:", *(f"  - {escape(f)}" for f in failures)]
    return "\n".join(lines)


def comparison_section(comparison: Comparison) -> str:
    lines = [f"### Compared with {code(str(comparison.baseline))}", "", NOISE_RULE, ""]
    regressions = comparison.regressions
    if regressions:
        lines += [f"**{len(regressions)} regression(s)**:", ""]
        lines += [f"- {escape(line)}" for line in regressions]
    else:
        lines.append("No regressions beyond noise.")
    lines.append("")
    if comparison.cells:
        lines += [table(comparison_table(comparison)), ""]
    if comparison.added:
        lines += ["Added (not in the baseline): " + ", ".join(code(i) for i in comparison.added), ""]
    if comparison.removed:
        lines += ["Removed (only in the baseline): " + ", ".join(code(i) for i in comparison.removed), ""]
    return "\n".join(lines)


def _details(cell: CellDetail) -> str:
    lines = [f"### {escape(cell.id)}", ""]
    for fact in cell.facts:
        lines += [content(fact), ""]
    if cell.error:
        lines += [*fenced(cell.error), ""]
    lines += [f"- {content(check)}" for check in cell.checks]
    for build in cell.builds:
        lines.append(f"- {content(build.head)}")
        lines += [f"  - {content(sub)}" for sub in build.sub]
    return "\n".join(lines)


def _provenance(result: RunResult) -> list[str]:
    where = f"{code(result.pins.file)} " if result.pins.file else ""
    pins = f"Pins: {where}sha256 {str(result.pins.sha256)[:12]}."
    if not result.sources:
        return [f"{escape(measured_on(result.toolchain, result.python, result.machine))} {pins}"]
    lines = [f"Merged from {len(result.sources)} run(s):", ""]
    for source in result.sources:
        file, command, rest = source_line(source)
        lines.append(f"- {code(file)}: {code(command)}{escape(rest)}")
    return [*lines, "", pins]


def render(result: RunResult, comparison: Comparison | None = None) -> str:
    failed = [c for c in result.cells if not c.ok]
    parts = [
        "## pyo3 warm-rebuild report",
        "",
        f"Made by {code(' '.join(result.command))} "
        + escape(made_by(result.started, len(result.sources), result.interrupted)),
        "",
        "### Which strategy",
        "",
        decision(result),
        "",
        "### Overview",
        "",
        LEGEND,
        "",
        *(table(t) + "\n" for t in overview_tables(result)),
        "### Every cell",
        "",
        cells(result),
        "",
        UNITS_NOTE,
        "",
    ]
    if any(repeated(c) for c in result.cells):
        parts += [SPREAD_RULE, ""]
    if failed:
        parts += [f"**{len(failed)} cell(s) failed**: {escape(', '.join(c.id for c in failed))}", ""]
    if comparison is not None:
        parts += [comparison_section(comparison), ""]
    parts += [timing(result.timing), "", *_provenance(result), ""]
    parts += ["<details><summary>Every build, with causes and logs</summary>", ""]
    parts += [*(_details(c) + "\n" for c in cell_details(result)), "</details>", ""]
    return "\n".join(parts)
