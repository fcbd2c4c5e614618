"""The survey's report: the aggregate first, then one row per listed project, then how it was
measured; one ``Document`` that ``report.markdown`` and ``report.html`` render alike."""

from __future__ import annotations

from collections.abc import Sequence

from harness.report.cells import root_cause
from harness.report.document import Bars, Bullets, Document, Prose, Section
from harness.report.rows import NOTHING, Content, Row, Span, Style, Table, marked, plain
from harness.survey.figures import CI, PATCHED, STOCK, WARM, Cost, Measured, churning, saved, total
from harness.survey.runner import Row as SurveyRow

HEAD = (
    "Project",
    "Rank",
    "Backend",
    "pyo3",
    "abi3",
    "Crates",
    "Status",
    "stock warm: crates, s",
    "patch set warm",
    "stock CI job",
    "patch set CI job",
    "Root cause (stock warm)",
    "cargo -v agrees",
    "Broken by the patch set",
)
# Above this share of the cores taken by other work, a row's seconds say so.
SHARED_CORES = 0.1


def _status(row: SurveyRow | None) -> Content:
    if row is None:
        return (Span("not measured yet", "muted"),)
    said = [row.detail] if row.detail else []
    if row.others is not None and row.others > SHARED_CORES:
        said.append(f"other work used {row.others:.0%} of the cores: its seconds are long")
    style: Style = "ok" if row.status == "measured" else "failed"
    return (Span(row.status, style), *((Span(f" ({'; '.join(said)})"),) if said else ()))


def _cost(found: Cost | None) -> Content:
    if found is None:
        return NOTHING
    return (Span(found.text(), "warn" if found.churns else "ok"),)


def _root(m: Measured) -> Content:
    causes = [root_cause(c) for c in m.cells(STOCK) if c.build(WARM) is not None]
    return next((c for c in causes if c != NOTHING), NOTHING)


def _cargo(row: SurveyRow | None) -> Content:
    if row is None or not row.cargo:
        return NOTHING
    return (Span(row.cargo, "failed" if row.cargo.startswith("differs") else "ok"),)


def project_row(m: Measured) -> Row:
    p = m.project
    broken = m.broken()
    verdict = (Span("; ".join(broken), "failed"),) if broken else plain("none")
    return Row(
        (
            (Span(p.spec, "code"),),
            plain(str(p.rank)),
            plain(p.backend),
            plain(f"{p.pyo3 or '?'}" + ("" if p.binding == "pyo3" else f" ({p.binding})")),
            plain("yes" if p.abi3 else "no"),
            plain(str(p.crates)),
            _status(m.row),
            _cost(m.cost(STOCK, WARM)),
            _cost(m.cost(PATCHED, WARM)),
            _cost(m.cost(STOCK, CI)),
            _cost(m.cost(PATCHED, CI)),
            _root(m) if m.result else NOTHING,
            _cargo(m.row),
            verdict if m.cells(PATCHED) else NOTHING,
        )
    )


def _aggregate(all_measured: Sequence[Measured]) -> Bullets:
    rows = [m.row for m in all_measured if m.row is not None]
    items: list[Content] = [
        plain(
            f"{sum(r.status == 'measured' for r in rows)} of {len(all_measured)} listed projects measured, "
            f"{sum(r.status == 'failed' for r in rows)} failed, "
            f"{sum(r.status == 'over-budget' for r in rows)} over their budget, "
            f"{len(all_measured) - len(rows)} not measured yet."
        )
    ]
    frontends = sorted({f for m in all_measured for f in m.frontends()})
    for frontend in frontends:
        stock, patched = churning(all_measured, STOCK, frontend), churning(all_measured, PATCHED, frontend)
        items.append(
            plain(
                f"{frontend}: a stock warm rebuild recompiles crates in {stock[0]} of {stock[1]} projects; "
                f"with the patch set in {patched[0]} of {patched[1]}."
            )
        )
    for label, scenario in (("A warm rebuild", WARM), ("A CI job (ci-restore)", CI)):
        for name, strategy in (("stock", STOCK), ("the patch set", PATCHED)):
            found = total([m.cost(strategy, scenario) for m in all_measured])
            items.append(plain(f"{label}, {name}: cargo {found.text() if found else 'not measured yet'}."))
        kept = saved(all_measured, scenario)
        if kept is not None:
            items.append(plain(f"{label}: the patch set saves {kept.text()} measured both ways."))
    broken = [f"{m.project.spec} ({'; '.join(m.broken())})" for m in all_measured if m.broken()]
    with_patch = sum(bool(m.cells(PATCHED)) for m in all_measured)
    if broken:
        items.append((Span("Broken by the patch set: " + "; ".join(broken), "failed"),))
    else:
        said = (
            f"none of the {with_patch} projects measured with it"
            if with_patch
            else "no project measured with it yet"
        )
        items.append(plain(f"Broken by the patch set: {said}."))
    return Bullets(tuple(items))


def _bars(all_measured: Sequence[Measured], scenario: str, title: str) -> Bars:
    rows = []
    for m in all_measured:
        costs = (m.cost(STOCK, scenario), m.cost(PATCHED, scenario))
        seconds = tuple(c.seconds if c is not None else None for c in costs)
        if any(v is not None for v in seconds):
            rows.append((m.project.spec, seconds))
    return Bars(title, "cargo seconds", ("stock", "patch set"), tuple(rows))


def _charts(all_measured: Sequence[Measured]) -> Section:
    """Where a reader would rather look than read: each project's rebuild, stock beside patched."""
    blocks = (
        _bars(all_measured, WARM, "A warm rebuild (nothing changed): cargo seconds, median over frontends"),
        _bars(all_measured, CI, "A CI job (ci-restore): cargo seconds, median over frontends"),
    )
    return Section("charts", plain("Stock beside the patch set"), blocks)


def _provenance(all_measured: Sequence[Measured], command: str) -> Section:
    results = [m.result for m in all_measured if m.result is not None]
    blocks: list[Prose] = [Prose((Span("Made with "), Span(command, "code"), Span(".")))]
    if results:
        first, last = min(r.started for r in results), max(r.finished or r.started for r in results)
        machine, toolchain = results[0].machine, results[0].toolchain
        blocks.append(
            Prose(
                marked(
                    f"Measured from {first} to {last} on {machine.platform} ({machine.cpus} cores, "
                    f"{machine.memory_gib} GiB), {toolchain.rustc}. Each project is one `pyo3-harness run "
                    "--project NAME==VERSION`; its results.json holds the exact command and every build."
                )
            )
        )
    return Section("provenance", plain("How it was measured"), tuple(blocks))


def document(all_measured: Sequence[Measured], command: str) -> Document:
    table = Table("survey", HEAD, tuple(project_row(m) for m in all_measured))
    lead = Prose(
        marked(
            "Cells read `crates, s`: the crates cargo recompiled (a range over the frontends) and "
            "cargo's own seconds (their median). A CI job is the `ci-restore` build: a target dir "
            "restored as Swatinem/rust-cache does, on a fresh checkout."
        )
    )
    return Document(
        "Survey: pyo3 projects on PyPI",
        (lead,),
        (
            Section("aggregate", plain("The answer"), (_aggregate(all_measured),)),
            _charts(all_measured),
            Section("projects", plain("Every listed project"), (table,)),
            _provenance(all_measured, command),
        ),
    )
