"""The package's import graph has no circles: no module imports one that imports it back.

Every ``import`` and ``from ... import`` inside ``intelbench/`` counts, at module level and
inside functions alike; only imports under ``if TYPE_CHECKING:`` are left out, since they
never run. ``from package import name`` counts as an import of ``package.name`` when that is
a module, else of the package's ``__init__``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parents[1] / "intelbench"


def _modules() -> dict[str, Path]:
    mods: dict[str, Path] = {}
    for path in ROOT.rglob("*.py"):
        parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        mods[".".join(parts)] = path
    return mods


class _Imports(ast.NodeVisitor):
    def __init__(self) -> None:
        self.found: list[ast.Import | ast.ImportFrom] = []

    def visit_If(self, node: ast.If) -> None:
        if "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.orelse:
                self.visit(child)
            return
        self.generic_visit(node)

    def visit_Import(self, node: ast.Import) -> None:
        self.found.append(node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        self.found.append(node)


def _targets(module: str, path: Path, node: ast.Import | ast.ImportFrom,
             mods: dict[str, Path]) -> set[str]:
    if isinstance(node, ast.Import):
        return {a.name for a in node.names if a.name in mods}
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    if node.level:
        base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
        source = ".".join([*base, *([node.module] if node.module else [])])
    else:
        source = node.module or ""
    out = set()
    for alias in node.names:
        if f"{source}.{alias.name}" in mods:
            out.add(f"{source}.{alias.name}")
        elif source in mods:
            out.add(source)
    return out


def import_graph() -> nx.DiGraph:
    """Return the graph module -> module it imports, for every module of the package."""
    mods = _modules()
    graph = nx.DiGraph()
    graph.add_nodes_from(mods)
    for module, path in mods.items():
        visitor = _Imports()
        visitor.visit(ast.parse(path.read_text(encoding="utf-8")))
        for node in visitor.found:
            for target in _targets(module, path, node, mods) - {module}:
                graph.add_edge(module, target)
    return graph


def test_the_graph_sees_imports_in_functions_and_skips_type_checking() -> None:
    graph = import_graph()
    # demo.cli loads its steps by name; demo.gate imports the gate inside a function
    assert graph.has_edge("intelbench.demo.gate", "intelbench.gate.disseminate")
    # grade.py names GradingPolicy only under TYPE_CHECKING
    assert not graph.has_edge("intelbench.grading.grade", "intelbench.grading.policy")
    assert graph.number_of_edges() > 200


def test_no_import_cycles() -> None:
    cycles = [sorted(c) for c in nx.strongly_connected_components(import_graph()) if len(c) > 1]
    assert cycles == []


def test_no_library_module_imports_the_demo() -> None:
    graph = import_graph()
    offenders = sorted((a, b) for a, b in graph.edges
                       if b.startswith("intelbench.demo")
                       and not a.startswith(("intelbench.demo", "intelbench.__main__")))
    assert offenders == []


def test_top_level_holds_only_the_package_face() -> None:
    top = sorted(p.name for p in ROOT.iterdir() if p.suffix == ".py")
    assert top == ["__init__.py", "__main__.py", "_offline.py", "_vocab.py", "exceptions.py"]
