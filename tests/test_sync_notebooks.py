"""make notebooks (scripts/sync_notebooks.py) writes each .ipynb from its Jupytext source and
never rewrites the source; the committed notebooks are exactly what it writes."""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import sync_notebooks  # noqa: E402


def test_each_committed_notebook_is_what_its_source_makes():
    sources = sorted((ROOT / "notebooks" / "src").glob("*.py"))
    assert len(sources) == 6
    for source in sources:
        committed = (ROOT / "notebooks" / f"{source.stem}.ipynb").read_text(encoding="utf-8")
        assert committed == sync_notebooks.notebook_text(source), (
            f"notebooks/{source.stem}.ipynb is stale: run make notebooks")


def test_syncing_writes_the_notebook_and_leaves_the_source_byte_for_byte(tmp_path):
    copy = tmp_path / "repo"
    (copy / "notebooks" / "src").mkdir(parents=True)
    (copy / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / "sync_notebooks.py", copy / "scripts")
    source = ROOT / "notebooks" / "src" / "01_worked_example.py"
    shutil.copy(source, copy / "notebooks" / "src")
    before = source.read_bytes()
    result = subprocess.run([sys.executable, str(copy / "scripts" / "sync_notebooks.py")],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert (copy / "notebooks" / "src" / "01_worked_example.py").read_bytes() == before
    written = (copy / "notebooks" / "01_worked_example.ipynb").read_text(encoding="utf-8")
    assert written == (ROOT / "notebooks" / "01_worked_example.ipynb").read_text(encoding="utf-8")
