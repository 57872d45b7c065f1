"""The project's own wheel, built from this checkout: what an exported autograder installs."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

_SOURCES = ("pyproject.toml", "README.md", "autograd_core", "nn", "lab", "viz")


def source_root() -> Path:
    """The checkout this code runs from (the folder holding pyproject.toml)."""
    root = Path(__file__).resolve().parent.parent
    if not (root / "pyproject.toml").is_file():
        raise ValueError("exporting an autograder builds the project's wheel from its source: "
                         "run it from a checkout of backprop-lab (pip install -e .)")
    return root


def build_wheel(out_dir: Path) -> Path:
    """Build the wheel into ``out_dir`` with pip (from a clean copy of the sources, so no
    stale build/ folder of the checkout ends up in it) and return its path."""
    root = source_root()
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "src"
        copy.mkdir()
        ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
        for name in _SOURCES:
            src = root / name
            if src.is_dir():
                shutil.copytree(src, copy / name, ignore=ignore)
            else:
                shutil.copy2(src, copy / name)
        done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
                               "-w", str(out_dir), str(copy)], capture_output=True, text=True)
        if done.returncode != 0:
            tail = (done.stderr.strip().splitlines() or ["(no message)"])[-1]
            raise OSError(f"building the project's wheel failed: {tail}")
    wheels = sorted(out_dir.glob("backprop_lab-*.whl"))
    if not wheels:
        raise OSError("building the project's wheel gave no backprop_lab-*.whl file")
    return wheels[-1]
