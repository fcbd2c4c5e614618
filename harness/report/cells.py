"""The cells table and the list of every build, as rows (``harness.report.rows``)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from harness.model.causes import Cause, describe
from harness.model.results import FROM_FINGERPRINTS, BuildRecord, CellResult, RunResult
from harness.model.scenarios import HEADLINE, SCENARIOS, Scenario, measures_churn
from harness.report.rows import BREAK, NOTHING, Content, Item, Row, Span, Table, lines, plain, short_path
from harness.report.stats import scenario_stats


def frontend_label(cell: CellResult) -> str:
    text = f"{cell.frontend} {cell.frontend_version}"
    if cell.frontend_patch:
        text += f" + patch {cell.frontend_patch[:8]}"
    elif cell.frontend_spec and cell.frontend_spec != cell.frontend and "==" not in cell.frontend_spec:
        text += " (yours)"
    return text


def sample_label(cell: CellResult) -> str:
    return f"{cell.sample} ({cell.variant})" if cell.variant else cell.sample


def _shortened(cause: Cause) -> Cause:
    if cause.kind not in ("env", "file"):
        return cause
    return replace(
        cause, old=short_path(cause.old), new=short_path(cause.new), path=short_path(cause.path, keep=3)
    )


def cause_lines(record: BuildRecord, *, full: bool) -> list[str]:
    """The record's root causes in words; paths shortened to their tail unless ``full``."""
    return describe(record.causes if full else [_shortened(c) for c in record.causes])


def failure(record: BuildRecord) -> Content:
    if record.log:
        return (Span("failed", "failed"), Span(" ("), Span("log", link=record.log), Span(")"))
    return (Span("not run", "failed"), Span(f": {record.error}"))


def units(cell: CellResult, scenario: str) -> Content:
    """The first attempt's crates; with repeats, any disagreement and failure among the attempts."""
    record = cell.build(scenario)
    if record is None:
        return NOTHING
    if not record.ok:
        return failure(record)
    out = [Span(str(len(record.rebuilt)) + (f": {', '.join(record.rebuilt)}" if record.rebuilt else ""))]
    if any(not b.wheel_ok for b in cell.attempts(scenario)):
        out += [Span(" "), Span("(wheel check failed)", "failed")]
    stats = scenario_stats(cell, scenario)
    if stats is not None and stats.unstable_units:
        found = ", ".join(map(str, stats.units))
        out += [Span(" "), Span(f"(unstable: attempts recompiled {found})", "warn")]
    if stats is not None and stats.failed:
        out += [Span(" "), Span(f"({stats.failed} of {stats.attempts} attempts failed)", "failed")]
    return tuple(out)


def seconds(cell: CellResult, scenario: Scenario) -> Content:
    """Seconds; with repeats, the median and range over the attempts that built."""
    record = cell.build(scenario.name)
    stats = scenario_stats(cell, scenario.name)
    if record is None or stats is None:
        return NOTHING
    if not record.ok:
        # The first scenario has no crates column: its seconds cell says it failed.
        return failure(record) if scenario.columns == "seconds" else NOTHING
    text = stats.seconds_text().removesuffix(" wide spread")
    shown = (Span(text), Span(" "), Span("wide spread", "warn")) if stats.wide else plain(text)
    if record.seeded_from:
        # Not an empty target dir: an earlier cold build's target dir (run --seed-dir).
        title = f"started from seed {record.seeded_from}: cargo compiled what was not fresh in it"
        return (*shown, Span(" seeded", "muted", title=title))
    return shown


def root_cause(cell: CellResult) -> Content:
    """The headline rebuild's root causes, one per line."""
    if cell.error:
        return (Span("cell failed", "failed"), Span(f": {cell.error.splitlines()[0]}"))
    record = cell.build(HEADLINE.name)
    if record is None or not record.ok:
        return NOTHING
    if not record.causes:
        return plain("nothing recompiled")
    return lines(cause_lines(record, full=False)) or plain("cascade only")


def _shown(result: RunResult) -> list[Scenario]:
    return [
        s
        for s in SCENARIOS.values()
        if s.columns != "none" and (s.always_shown or any(c.build(s.name) for c in result.cells))
    ]


def _logs(cell: CellResult) -> Content:
    logs = list(dict.fromkeys(b.log for b in cell.builds if b.log))
    if not logs:
        return NOTHING
    folder = logs[0].rsplit("/", 1)[0]
    return (Span(f"{folder}/", "code"), Span(": " + ", ".join(log.rsplit("/", 1)[-1] for log in logs)))


def cells_table(result: RunResult) -> Table:
    shown = _shown(result)
    head = ["Frontend", "Strategy", "Sample", "pyo3"]
    for scenario in shown:
        head += [scenario.units_heading] if scenario.columns == "both" else []
        head.append(scenario.seconds_heading)
    head.append(f"Root cause of the {HEADLINE.name} rebuild")
    rows = []
    for cell in result.cells:
        row = [plain(frontend_label(cell)), plain(cell.strategy), plain(sample_label(cell))]
        row.append(plain(cell.pyo3_support or cell.pyo3))
        for scenario in shown:
            row += [units(cell, scenario.name)] if scenario.columns == "both" else []
            row.append(seconds(cell, scenario))
        row.append(root_cause(cell))
        note = (Span("Reproduce: "), Span(cell.reproduce, "code"), BREAK, Span("Logs: "), *_logs(cell))
        rows.append(Row(tuple(row), note))
    return Table("cells", tuple(head), tuple(rows))


@dataclass(frozen=True)
class CellDetail:
    """One cell in the list of every build."""

    id: str
    ok: bool
    facts: tuple[Content, ...]  # how to reproduce it, what it ran, who measured it
    error: str | None
    checks: tuple[Content, ...]
    builds: tuple[Item, ...]


def _build_item(build: BuildRecord) -> Item:
    status = Span("ok", "ok") if build.ok else Span("FAILED", "fail")
    attempt = f" attempt {build.attempt + 1}" if build.attempt else ""
    log = (Span(", log "), Span(build.log, "code")) if build.log else (Span(", no log"),)
    split = ""
    if build.cargo_seconds is not None:
        around = max(build.seconds - build.cargo_seconds, 0.0)
        split = f": cargo {build.cargo_seconds:.1f} s, frontend and backend {around:.1f} s"
    head = (
        Span(build.scenario, "strong"),
        Span(f"{attempt} ("),
        status,
        Span(f", {build.seconds:.1f} s{split}"),
    )
    sub: list[Content] = [plain(f"error: {build.error}")] if build.error else []
    if build.rebuilt or build.reran:
        rebuilt, reran = ", ".join(build.rebuilt) or "none", ", ".join(build.reran) or "none"
        sub.append(plain(f"recompiled: {rebuilt}; build scripts re-ran: {reran}"))
    if measures_churn(build.scenario):
        sub += [plain(f"cause: {text}") for text in cause_lines(build, full=True)]
    if build.wheel is not None:
        wheel = build.wheel
        verdict = Span("imports and works", "ok")
        if not wheel.ok:
            verdict = Span(f"FAILED: {wheel.detail[-300:]}", "fail")
        sub.append((Span("wheel "), Span(wheel.file, "code"), Span(": "), verdict))
    if build.measured_from != FROM_FINGERPRINTS:
        sub.append(plain(f"measured from {build.measured_from}"))
    if build.seeded_from:
        sub.append(plain(f"started from seed {build.seeded_from} (run --seed-dir), not an empty target dir"))
    return Item((*head, *log, Span(")")), tuple(sub))


def cell_details(result: RunResult) -> list[CellDetail]:
    labels = {c.check: c.label for c in result.safety_checks}
    details = []
    for cell in result.cells:
        backend = cell.backend_source or "unrecorded"
        facts: list[Content] = [(Span("Reproduce: "), Span(cell.reproduce, "code"))]
        facts.append(plain(f"Frontend: {cell.frontend_source or cell.frontend}. Backend: {backend}."))
        source = result.source_of(cell.id)
        if source is not None:
            facts.append((Span("Measured by the run in "), Span(source.file, "code"), Span(".")))
        checks = tuple(
            (Span(f"{labels.get(v.check, v.check)}: "), Span(v.status, "strong"), Span(f", {v.detail}"))
            for v in cell.checks
        )
        builds = tuple(_build_item(b) for b in cell.builds)
        details.append(CellDetail(cell.id, cell.ok, tuple(facts), cell.error, checks, builds))
    return details
