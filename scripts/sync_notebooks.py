"""make notebooks: write each lesson's .ipynb from its Jupytext source (notebooks/src/*.py).

The source is the one to edit and is never rewritten (`jupytext --sync` would rewrite its
header with the running Jupytext's version); the .ipynb holds the source's cells and no outputs
(the documentation site shows the lessons run, with every figure).
"""

from __future__ import annotations

import sys
from pathlib import Path

import jupytext

ROOT = Path(__file__).resolve().parent.parent


def notebook_text(source: Path) -> str:
    """The .ipynb (as text) that ``source`` makes: its cells, the pairing, no outputs; cell ids
    numbered from the lesson's number (01-01, 01-02, …), so that a rewrite changes nothing that
    the source did not."""
    nb = jupytext.read(source)
    for i, cell in enumerate(nb.cells, start=1):
        cell.id = f"{source.stem[:2]}-{i:02d}"
    nb.metadata.setdefault("language_info", {"name": "python"})
    return jupytext.writes(nb, fmt="ipynb") + "\n"


def main() -> int:
    changed = []
    for source in sorted((ROOT / "notebooks" / "src").glob("*.py")):
        target = ROOT / "notebooks" / f"{source.stem}.ipynb"
        text = notebook_text(source)
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
            changed.append(target.name)
    print(f"wrote {', '.join(changed)}" if changed else "the notebooks were up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
