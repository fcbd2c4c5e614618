"""The package layering the architecture promises (docs/architecture.md), read from the imports."""

import ast
from pathlib import Path

HARNESS = Path(__file__).parents[2] / "harness"
# What each package may import from the harness, besides itself.
ALLOWED = {
    "model": {"files", "errors"},
    "measure": {"model", "files", "errors", "process", "install"},
    "report": {"model", "files", "errors"},
    # Below measure (which imports it) and so never above report: `patches check` hands its
    # findings to commands.py, which makes them a report table.
    "install": {"model", "files", "errors", "process", "pins", "_toml"},
}


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


def _package_imports(package: str) -> dict[str, set[str]]:
    return {
        str(p.relative_to(HARNESS)): _imports(p) - {package}
        for p in sorted((HARNESS / package).rglob("*.py"))
    }


def test_each_layer_imports_only_what_is_below_it() -> None:
    for package, allowed in ALLOWED.items():
        for module, imported in _package_imports(package).items():
            assert imported <= allowed, f"{module} imports {sorted(imported - allowed)}"


def test_measure_and_report_do_not_know_each_other_and_model_knows_neither() -> None:
    measure = set().union(*_package_imports("measure").values())
    report = set().union(*_package_imports("report").values())
    assert "report" not in measure and "measure" not in report
    assert not set().union(*_package_imports("model").values()) & {"measure", "report", "install"}


def test_the_check_sees_an_import() -> None:
    """The reader must find each form of import, or the tests above prove nothing."""
    imported = _imports(HARNESS / "report" / "publish.py")
    assert {"model", "files", "errors"} <= imported
    assert _imports(HARNESS / "cli.py") >= {"commands", "run", "model"}
