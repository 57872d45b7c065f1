"""Every lesson runs in the virtualenv `make demo` builds (the project with its `lessons` extra):
each module a lesson imports is the standard library's, the project's own, or installed by a
requirement of `backprop-lab[lessons]` (directly or through the requirements' requirements)."""

import ast
import importlib.metadata as md
import re
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
OURS = {"autograd_core", "nn", "lab", "viz"}


def _name(requirement: str) -> str:
    return re.split(r"[\s<>=!~;\[(]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _closure(names: set[str]) -> set[str]:
    """The distributions these need, with everything they need in turn (extras left out)."""
    seen: set[str] = set()
    todo = list(names)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for text in md.requires(name) or []:
            req = Requirement(text)
            if req.marker is None or req.marker.evaluate({"extra": ""}):  # this Python, no extras
                todo.append(_name(req.name))
    return seen


def _imports(source: Path) -> set[str]:
    tree = ast.parse(source.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def test_every_lesson_imports_only_what_the_demo_virtualenv_installs():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    direct = {_name(r) for r in project["dependencies"] + project["optional-dependencies"]
              ["lessons"]}
    installed = _closure(direct)
    providers = md.packages_distributions()
    missing = {}
    for source in sorted((ROOT / "notebooks" / "src").glob("*.py")):
        for module in _imports(source) - OURS - set(sys.stdlib_module_names):
            dists = {d.lower().replace("_", "-") for d in providers.get(module, [])}
            if not dists & installed:
                missing.setdefault(source.name, []).append(module)
    assert missing == {}, f"not installed by make demo (add to the lessons extra): {missing}"


def test_the_lessons_extra_brings_sympy_and_ipython():
    # lesson 3 expands with sympy; every lesson shows tables with IPython's display()
    assert {"sympy", "ipython"} <= _closure({"ipykernel", "sympy"})
