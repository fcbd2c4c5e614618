"""Cells that must compile uv or maturin from source run after the others, so a newcomer's first
run shows results within minutes; results keep the selection's order."""

from harness.pins import load_pins
from harness.run.selection import Selection, run_order


def test_cells_that_compile_a_tool_run_last_in_their_own_order() -> None:
    selection = Selection.from_names(
        pyo3_versions=load_pins().pyo3_versions,
        frontends=["uv", "build", "uv-source"],
        strategies=["stock", "frontend-patch", "backend-patch"],
        samples=["pyo3-ext"],
    )
    cells = selection.cells()
    compiled = {(str(c.frontend), c.strategy.name) for c in cells if c.compiles_a_tool}
    assert compiled == {
        ("uv", "frontend-patch"),  # the patched uv is built from its sdist
        ("uv", "backend-patch"),  # the patched maturin is built from its sdist
        ("build", "backend-patch"),
        ("uv-source", "stock"),  # built from the pinned sdist even when stock
        ("uv-source", "frontend-patch"),
        ("uv-source", "backend-patch"),
    }
    ordered = run_order(cells)
    first = [c for c in ordered if not c.compiles_a_tool]
    assert ordered == first + [c for c in cells if c.compiles_a_tool]
    assert first == [c for c in cells if not c.compiles_a_tool], "the rest keep the selection's order"
    assert [(str(c.frontend), c.strategy.name) for c in first] == [
        ("uv", "stock"),
        ("build", "stock"),
        ("build", "frontend-patch"),  # build's patched release is pip-installed from its sdist
    ]
