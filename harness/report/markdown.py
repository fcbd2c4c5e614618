"""report.md: GitHub-flavoured Markdown a maintainer can paste into a PR comment.

It formats the document ``harness.report.compose`` builds (and ``rows.Table``s on their own,
for the terminal and ``patches check``); every piece of text from a results file is escaped."""

from __future__ import annotations

import re

from harness.model.results import RunResult
from harness.report.cells import CellDetail, cells_table
from harness.report.compare import Comparison
from harness.report.compose import compose
from harness.report.document import Bars, Block, Bullets, Charts, Details, Document, Prose, Section, Swatches
from harness.report.rows import STRONG, Content, Span, Table


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


def _details(cell: CellDetail) -> str:
    lines = [f"#### {escape(cell.id)}", ""]
    for fact in cell.facts:
        lines += [content(fact), ""]
    if cell.error:
        lines += [*fenced(cell.error), ""]
    lines += [f"- {content(check)}" for check in cell.checks]
    for build in cell.builds:
        lines.append(f"- {content(build.head)}")
        lines += [f"  - {content(sub)}" for sub in build.sub]
    return "\n".join(lines)


def _block(block: Block) -> str | None:
    """The block as Markdown; None for what Markdown cannot show and the prose already says."""
    if isinstance(block, Table):
        return table(block)
    if isinstance(block, Prose):
        return content(block.text)
    if isinstance(block, Bullets):
        return "\n".join(f"- {content(item)}" for item in block.items)
    if isinstance(block, Charts):
        return f"report.html draws a chart for each of the {len(block.cells)} cell(s). " + content(block.note)
    if isinstance(block, Bars):
        return f"The HTML page draws this as a chart: {escape(block.title)}."
    if isinstance(block, Details):
        builds = sum(len(c.builds) for c in block.cells)
        summary = f"<details><summary>{len(block.cells)} cell(s), {builds} build(s)</summary>"
        return "\n\n".join([summary, *(_details(c) for c in block.cells), "</details>"])
    assert isinstance(block, Swatches)
    return None


def section(part: Section) -> str:
    shown = (_block(block) for block in part.blocks)
    return "\n\n".join([f"### {content(part.title)}", *(text for text in shown if text is not None)])


def document(doc: Document) -> str:
    parts = [f"## {escape(doc.title)}", *(content(prose.text) for prose in doc.lead)]
    parts += [section(part) for part in doc.sections]
    return "\n\n".join(parts) + "\n"


def render(result: RunResult, comparison: Comparison | None = None) -> str:
    return document(compose(result, comparison))
