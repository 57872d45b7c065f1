"""The lecture notebooks run top to bottom in a fresh kernel, without an error, each in under a
minute; each committed .ipynb holds exactly the cells of its Jupytext source in notebooks/src/
(no outputs, no stale cells).

The notebooks check their own numbers with asserts against hand formulas and printed tables
(the slide, Han & Kamber, Baydin et al.), so a wrong number fails its cell and this test.
"""

import os
from pathlib import Path

import jupytext
import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "notebooks"
SOURCES = FOLDER / "src"
NAMES = ["01_worked_example", "02_reverse_mode", "03_perceptron_and_xor",
         "04_architecture_and_outputs", "05_optimizers", "06_activations_and_losses"]


def _cells(nb: nbformat.NotebookNode) -> list[tuple[str, str, dict]]:
    """What a reader sees of each cell: its kind, its text, its metadata (ids and outputs aside)."""
    return [(c.cell_type, c.source, dict(c.metadata)) for c in nb.cells]


@pytest.fixture
def kernel_env(tmp_path, monkeypatch):
    """A kernel that writes only under tmp_path and imports this checkout's packages."""
    for var in ("HOME", "MPLCONFIGDIR", "IPYTHONDIR", "JUPYTER_RUNTIME_DIR"):
        folder = tmp_path / var.lower()
        folder.mkdir()
        monkeypatch.setenv(var, str(folder))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(
        [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]))
    work = tmp_path / "cwd"
    work.mkdir()
    return work


def test_the_six_lecture_notebooks_are_all_there():
    assert sorted(p.stem for p in FOLDER.glob("*.ipynb")) == NAMES
    assert sorted(p.stem for p in SOURCES.glob("*.py")) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_committed_notebook_holds_the_cells_of_its_jupytext_source_without_outputs(name):
    source = jupytext.read(SOURCES / f"{name}.py")
    nb = nbformat.read(FOLDER / f"{name}.ipynb", as_version=4)
    assert _cells(nb) == _cells(source), (
        f"notebooks/{name}.ipynb differs from notebooks/src/{name}.py: run `make notebooks` "
        "and commit both")
    assert nb.metadata["jupytext"]["formats"] == "ipynb,src//py:percent"  # paired in Jupyter too
    nbformat.validate(nb)
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    assert code_cells and all(not c.outputs and c.execution_count is None for c in code_cells)


@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs_top_to_bottom_in_a_fresh_kernel(name, kernel_env):
    nb = nbformat.read(FOLDER / f"{name}.ipynb", as_version=4)
    client = NotebookClient(nb, timeout=120, kernel_name="python3",
                            shutdown_kernel="immediate",
                            resources={"metadata": {"path": str(kernel_env)}})
    client.execute()  # raises CellExecutionError, naming the cell, on any error or failed assert
    errors = [out for cell in nb.cells if cell.cell_type == "code" for out in cell.outputs
              if out.output_type == "error"]
    assert errors == []
    # every code cell ran, in order
    counts = [c.execution_count for c in nb.cells if c.cell_type == "code"]
    assert counts == list(range(1, len(counts) + 1))
