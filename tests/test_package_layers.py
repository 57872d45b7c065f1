"""The packages' layers: viz → lab → nn → autograd_core, nothing imported upward, no circle of
imports inside a package (read from the source with ast, not from what happens to be loaded)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ORDER = ["autograd_core", "nn", "lab", "viz"]  # each may import only those before it


def _imports(path: Path, package: str) -> set[str]:
    """The project modules ``path`` imports, as dotted names (relative imports resolved)."""
    module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    if path.name == "__init__.py":
        module = module.rsplit(".", 1)[0]
        base = module.split(".")
    else:
        base = module.split(".")[:-1]
    found: set[str] = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {id(n) for block in ast.walk(tree) if isinstance(block, ast.If)
                   and ast.unparse(block.test).endswith("TYPE_CHECKING")
                   for n in ast.walk(block)}  # imports for annotations are not run
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                head = base[: len(base) - node.level + 1]
                target = ".".join(head + ([node.module] if node.module else []))
                names = [f"{target}.{a.name}" for a in node.names]
                found |= {n for n in names if _is_module(n)} or {target}
            elif node.module:
                names = [f"{node.module}.{a.name}" for a in node.names]
                found |= {n for n in names if _is_module(n)} or {node.module}
    return {n for n in found if n.split(".")[0] in ORDER}


def _is_module(dotted: str) -> bool:
    p = ROOT.joinpath(*dotted.split("."))
    return p.with_suffix(".py").is_file() or (p / "__init__.py").is_file()


def _graph(package: str) -> dict[str, set[str]]:
    out = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        out[name.removesuffix(".__init__")] = _imports(path, package)
    return out


@pytest.mark.parametrize("package", ORDER)
def test_a_package_imports_only_the_layers_below_it(package):
    allowed = set(ORDER[: ORDER.index(package) + 1])
    upward = {(m, i) for m, deps in _graph(package).items() for i in deps
              if i.split(".")[0] not in allowed}
    assert not upward, f"{package} imports a layer above it: {sorted(upward)}"


@pytest.mark.parametrize("package", ORDER)
def test_no_circle_of_imports_inside_a_package(package):
    graph = {m: {d for d in deps if d.split(".")[0] == package and d != m}
             for m, deps in _graph(package).items()}
    # a package's __init__ re-exports its modules: it is the one allowed to import them all
    graph = {m: {d for d in deps if d != package} for m, deps in graph.items() if m != package}
    state: dict[str, int] = {}

    def visit(m: str, path: list[str]) -> None:
        state[m] = 1
        for d in sorted(graph.get(m, ())):
            if state.get(d) == 1:
                raise AssertionError("import circle: " + " → ".join(path[path.index(d):] + [d])
                                     if d in path else f"import circle through {d}")
            if d in graph and state.get(d) is None:
                visit(d, path + [d])
        state[m] = 2

    for m in sorted(graph):
        if state.get(m) is None:
            visit(m, [m])


def test_the_layer_check_sees_imports_absolute_relative_and_local():
    # the checker itself: lab.examples imports nn.layers (absolute) and .spec (relative)
    found = _imports(ROOT / "lab" / "examples.py", "lab")
    assert {"nn.layers", "lab.spec", "lab.stepping"} <= found
