"""The format-neutral report: a ``Document`` of ``Section``s, each a title and a run of blocks.

``harness.report.compose`` builds it from a run's results, once: which sections, in which
order, and every sentence. ``markdown.render`` and ``html.render`` only walk it, so the two
reports cannot drift apart. A block is prose, a bulleted list, a table (``rows.Table``), the
list of every build (``Details``), or one of the two things only a page can draw: the charts
and a colour key, which Markdown turns into a sentence or leaves to the prose beside them.
"""

from __future__ import annotations

from dataclasses import dataclass

from harness.model.results import CellResult
from harness.report.cells import CellDetail
from harness.report.rows import Content, Style, Table


@dataclass(frozen=True)
class Prose:
    text: Content
    banner: bool = False  # a warning no reader may miss (HTML frames it)


@dataclass(frozen=True)
class Bullets:
    items: tuple[Content, ...]
    style: Style = "plain"  # the tone of every item (HTML colours them; Markdown has no colour)


@dataclass(frozen=True)
class Swatches:
    """A colour key: a swatch and its meaning per style. Markdown leaves it out: the prose
    beside it names what each colour stands for."""

    items: tuple[tuple[Style, str], ...]


@dataclass(frozen=True)
class Charts:
    """One chart per cell on one shared scale (``harness.report.charts``) with its colour key.
    Markdown, which cannot draw them, says that report.html has them, and the note."""

    cells: tuple[CellResult, ...]
    note: Content  # what the charts show


@dataclass(frozen=True)
class Bars:
    """Grouped horizontal bars on one scale, one group per row (a project), one bar per series
    (stock, the patch set). Markdown, which cannot draw them, names the page that does; the
    numbers are in a table beside them."""

    title: str
    unit: str  # of the values, for the axis: "s"
    series: tuple[str, ...]
    rows: tuple[tuple[str, tuple[float | None, ...]], ...]  # label, one value per series (None: none)


@dataclass(frozen=True)
class Details:
    """Every cell with its facts, checks and builds."""

    cells: tuple[CellDetail, ...]


Block = Prose | Bullets | Table | Swatches | Charts | Bars | Details


@dataclass(frozen=True)
class Section:
    name: str  # what it is, for tests and HTML ids: "decision", "overview", "cells", ...
    title: Content
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Document:
    title: str
    lead: tuple[Prose, ...]  # what made the report, and the warnings that come before anything
    sections: tuple[Section, ...]

    def tables(self) -> list[Table]:
        """Every table, in reading order."""
        return [b for s in self.sections for b in s.blocks if isinstance(b, Table)]
