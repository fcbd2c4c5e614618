"""The report as a ``Document``, built once from a run's results for both formats.

This is the one place that decides what the report says and in which order: what made it and
its warnings, the decision, the overview, the comparison with a baseline, the charts, the cells
table, every build, and the provenance. ``markdown`` and ``html`` only format what it returns.
"""

from __future__ import annotations

from harness.model.results import RunResult
from harness.report.cells import cell_details, cells_table
from harness.report.compare import NOISE_RULE, Comparison, comparison_table
from harness.report.decision import decision_table, verdicts
from harness.report.document import Block, Bullets, Charts, Details, Document, Prose, Section, Swatches
from harness.report.overview import LEGEND, overview_tables, swatches
from harness.report.rows import Content, Span, marked, plain
from harness.report.stats import repeated
from harness.report.text import (
    CHARTS_NOTE,
    SPREAD_RULE,
    UNITS_NOTE,
    made_by,
    measured_on,
    source_line,
    timing,
)

TITLE = "pyo3 warm-rebuild report"


def _codes(texts: tuple[str, ...] | list[str]) -> Content:
    """Names (cell ids) as code, comma-separated."""
    out: list[Span] = []
    for text in texts:
        out += [Span(", "), Span(text, "code")] if out else [Span(text, "code")]
    return tuple(out)


def _lead(result: RunResult) -> tuple[Prose, ...]:
    command = " ".join(result.command)
    made = (Span("Made by "), Span(command, "code"), Span(" " + made_by(result.started, len(result.sources))))
    lead = [Prose(made)]
    if result.interrupted:
        stopped = (Span("This run was interrupted", "warn"), Span(": only finished cells are shown."))
        lead.append(Prose(stopped, banner=True))
    elif not result.finished:  # written after every cell: still running, or killed
        unfinished = (
            Span("This run has not finished", "warn"),
            Span(" (it is still running, or was killed): only finished cells are shown."),
        )
        lead.append(Prose(unfinished, banner=True))
    failed = [c.id for c in result.cells if not c.ok]
    if failed:
        count = Span(f"{len(failed)} cell(s) failed", "failed")
        lead.append(Prose((count, Span(": "), *_codes(failed)), banner=True))
    return tuple(lead)


def _decision(result: RunResult) -> Section:
    said, failures = verdicts(result)
    blocks: list[Block] = [decision_table(result), Bullets(tuple(plain(v) for v in said))]
    if failures:
        blocks += [Prose(plain("Failed checks:")), Bullets(tuple(plain(f) for f in failures), "fail")]
    return Section("decision", plain("Which strategy"), tuple(blocks))


def _overview(result: RunResult) -> Section:
    blocks: list[Block] = [Prose(plain(LEGEND)), Swatches(swatches()), *overview_tables(result)]
    return Section("overview", plain("Overview"), tuple(blocks))


def comparison_section(comparison: Comparison) -> Section:
    blocks: list[Block] = [Prose(marked(NOISE_RULE))]
    if comparison.untimed:
        blocks.append(Prose((Span(comparison.untimed, "warn"),)))
    regressions = comparison.regressions
    if regressions:
        blocks.append(Prose((Span(f"{len(regressions)} regression(s)", "regression"), Span(":"))))
        blocks.append(Bullets(tuple(plain(line) for line in regressions), "regression"))
    else:
        blocks.append(Prose((Span("No regressions beyond noise.", "ok"),)))
    if comparison.cells:
        blocks.append(comparison_table(comparison))
    for label, ids in (
        ("Added (not in the baseline)", comparison.added),
        ("Removed (only in the baseline)", comparison.removed),
    ):
        if ids:
            blocks.append(Prose((Span(f"{label}: "), *_codes(ids))))
    title = (Span("Compared with "), Span(comparison.baseline, "code"))
    return Section("comparison", title, tuple(blocks))


def _cells(result: RunResult) -> Section:
    blocks: list[Block] = [cells_table(result), Prose(marked(UNITS_NOTE))]
    if any(repeated(c) for c in result.cells):
        blocks.append(Prose(marked(SPREAD_RULE)))
    return Section("cells", plain("Every cell"), tuple(blocks))


def _provenance(result: RunResult) -> Section:
    blocks: list[Block] = []
    if result.sources:
        blocks.append(Prose(plain(f"Merged from {len(result.sources)} run(s):")))
        items = []
        for source in result.sources:
            file, command, rest = source_line(source)
            items.append((Span(file, "code"), Span(": "), Span(command, "code"), Span(rest)))
        blocks.append(Bullets(tuple(items)))
    else:
        blocks.append(Prose(plain(measured_on(result.toolchain, result.python, result.machine))))
    if result.timing:
        merged = " Seconds are summed over the merged runs." if result.sources else ""
        blocks.append(Prose(plain(timing(result.timing) + merged)))
    pins: list[Span] = [Span("Pins: ")]
    if result.pins.file:
        pins += [Span(result.pins.file, "code"), Span(" ")]
    pins.append(Span(f"sha256 {str(result.pins.sha256)[:12]}."))
    if result.harness_version:
        pins.append(Span(f" Harness {result.harness_version}."))
    blocks.append(Prose(tuple(pins)))
    return Section("provenance", plain("Provenance"), tuple(blocks))


def compose(result: RunResult, comparison: Comparison | None = None) -> Document:
    """Both reports' content: the decision first (the answer), then the evidence, most telling first."""
    sections = [_decision(result), _overview(result)]
    if comparison is not None:
        sections.append(comparison_section(comparison))
    sections.append(Section("charts", plain("Charts"), (Charts(tuple(result.cells), plain(CHARTS_NOTE)),)))
    sections.append(_cells(result))
    details = Details(tuple(cell_details(result)))
    sections.append(Section("builds", plain("Every build, with causes and logs"), (details,)))
    sections.append(_provenance(result))
    return Document(TITLE, _lead(result), tuple(sections))
