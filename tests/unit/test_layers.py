"""The layering docs/architecture.md draws, read from the imports of every module and package.

Each unit (a package under harness/, or a module at its root) sits on one floor and imports only
from floors below its own; ``measure`` and ``report`` sit side by side and never import each other.
"""

import ast
import re
from pathlib import Path

HARNESS = Path(__file__).parents[2] / "harness"
ARCHITECTURE = Path(__file__).parents[2] / "docs" / "architecture.md"
# Bottom to top, as the diagram in docs/architecture.md lists them top to bottom.
FLOORS: tuple[frozenset[str], ...] = (
    frozenset({"errors", "_toml", "venvs"}),
    frozenset({"files", "process", "pins"}),
    frozenset({"model"}),
    frozenset({"install", "measure", "report"}),
    frozenset({"workbench"}),
    frozenset({"doctor"}),
    frozenset({"run"}),
    frozenset({"survey"}),
    frozenset({"ci_matrix"}),
    frozenset({"commands"}),
    frozenset({"cli"}),
    frozenset({"__main__"}),
)
# The package's own face: its version, read by every floor.
EVERYWHERE = {"__version__"}


def _imports(path: Path) -> set[str]:
    """Top-level harness modules or packages ``path`` imports (``harness.x.y`` -> ``x``)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
        names += [a.name for a in node.names] if isinstance(node, ast.Import) else []
        if isinstance(node, ast.ImportFrom) and node.module == "harness":
            names = [f"harness.{a.name}" for a in node.names]
        found |= {n.split(".")[1] for n in names if n.startswith("harness.")}
    return found


def _units() -> dict[str, set[str]]:
    """Every unit of the harness and what it imports from the others."""
    units: dict[str, set[str]] = {}
    for path in sorted(HARNESS.rglob("*.py")):
        parts = path.relative_to(HARNESS).parts
        if parts[0] == "samples" or parts == ("__init__.py",):
            continue
        unit = parts[0] if len(parts) > 1 else path.stem
        units.setdefault(unit, set()).update(_imports(path) - {unit} - EVERYWHERE)
    return units


def _floor(unit: str) -> int:
    return next(i for i, floor in enumerate(FLOORS) if unit in floor)


def test_every_unit_has_a_floor() -> None:
    placed = set().union(*FLOORS)
    assert set(_units()) <= placed, f"not on any floor: {sorted(set(_units()) - placed)}"


def test_each_unit_imports_only_from_floors_below_it() -> None:
    for unit, imported in _units().items():
        above = sorted(i for i in imported if _floor(i) >= _floor(unit))
        assert not above, f"{unit} imports {above}, which are not below it"


def test_measure_and_report_do_not_know_each_other_and_report_reads_results_only() -> None:
    units = _units()
    assert "report" not in units["measure"] and "measure" not in units["report"]
    assert units["report"] <= {"model", "files", "errors"}, units["report"]


def test_the_diagram_in_the_docs_lists_the_same_floors() -> None:
    """docs/architecture.md's first diagram: one line per floor, top first; its first column
    (up to two spaces) names the floor's units as ``name/`` or ``name.py``; indented lines
    continue the line above."""
    diagram = ARCHITECTURE.read_text(encoding="utf-8").split("```", 2)[1]
    floors = [line for line in diagram.splitlines() if line and not line[0].isspace()]
    columns = [re.split(r"\s{2,}", line, maxsplit=1)[0] for line in floors]
    drawn = [set(re.findall(r"([\w]+)(?:/|\.py)", column)) for column in columns]
    assert [set(f) for f in reversed(FLOORS)] == [floor for floor in drawn if floor]


def test_the_check_sees_an_import() -> None:
    """The reader must find each form of import, or the tests above prove nothing."""
    imported = _imports(HARNESS / "report" / "publish.py")
    assert {"model", "files", "errors"} <= imported
    assert _imports(HARNESS / "cli" / "__init__.py") >= {"commands", "run", "install"}
