"""The format-neutral row model every report table is made of; Markdown and HTML only format it.

A table cell is ``Content``: a tuple of ``Span``s, each a piece of text with a style (a CSS
class in HTML; bold in Markdown for the styles in ``STRONG``), an optional hover ``title``,
an optional ``link`` (a log file) and ``anchor`` (a section of the HTML page). ``BREAK``
separates lines within a cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Style = Literal[
    "plain",
    "code",
    "strong",
    "failed",
    "fail",
    "warn",
    "ok",
    "muted",
    "improved",
    "regression",
    # the overview's squares, by crates recompiled (harness.report.overview.HEAT)
    "heat-0",
    "heat-1",
    "heat-2",
    "heat-3",
    "heat-failed",
    "heat-neutral",  # a scenario that compiles everything by design: no heat
]
# Styles Markdown shows in bold; the others are plain text there.
STRONG: frozenset[Style] = frozenset({"strong", "failed", "warn", "regression"})


@dataclass(frozen=True)
class Span:
    text: str
    style: Style = "plain"
    title: str = ""  # shown on hover (HTML)
    link: str = ""  # a file the text points at: a Markdown link, a path in HTML
    anchor: str = ""  # a section of the same page the text links to (HTML only)


Content = tuple[Span, ...]
BREAK = Span("\n")
NOTHING: Content = (Span("–"),)


def plain(text: str) -> Content:
    return (Span(text),)


_MARKED = re.compile(r"`([^`]+)`|\*\*([^*]+)\*\*")


def marked(text: str) -> Content:
    """A sentence written with Markdown's marks, as spans: `code` and **strong**. The report's
    fixed sentences are written so, and read the same in both formats."""
    out: list[Span] = []
    at = 0
    for match in _MARKED.finditer(text):
        if match.start() > at:
            out.append(Span(text[at : match.start()]))
        code, strong = match.groups()
        out.append(Span(code, "code") if code is not None else Span(strong, "strong"))
        at = match.end()
    return (*out, Span(text[at:])) if at < len(text) else tuple(out)


def lines(texts: list[str]) -> Content:
    """One line per text, within one table cell."""
    out: list[Span] = []
    for text in texts:
        out += [BREAK, Span(text)] if out else [Span(text)]
    return tuple(out)


@dataclass(frozen=True)
class Row:
    cells: tuple[Content, ...]
    note: Content = ()  # a full-width line under the row (HTML only: the command and logs)


@dataclass(frozen=True)
class Table:
    name: str  # what the table is, for tests and HTML ids: "decision", "cells", "comparison"
    head: tuple[str, ...]
    rows: tuple[Row, ...]

    def __post_init__(self) -> None:
        for row in self.rows:
            if len(row.cells) != len(self.head):
                found, wanted = len(row.cells), len(self.head)
                raise ValueError(f"{self.name}: a row of {found} cells under {wanted} headings")


@dataclass(frozen=True)
class Item:
    """A list item with sub-items (a build in the list of every build)."""

    head: Content
    sub: tuple[Content, ...] = ()


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


def text_of(content: Content) -> str:
    """The words of a cell without styles (for tests and terminals)."""
    return "".join(span.text for span in content)
