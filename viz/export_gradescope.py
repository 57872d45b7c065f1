"""``backprop export gradescope``: an autograder zip for Gradescope.

The zip holds, at its root (Gradescope's layout, see lab/gradescope.py): ``setup.sh`` (makes a
Python ≥ 3.11 virtual environment and installs the project's wheel into it: only Python
packages are fetched), ``run_autograder`` (runs ``python -m lab.gradescope``), the wheel, the
template and ``assignment.json`` naming it (and the roster, when given).
"""

from __future__ import annotations

import csv
import json
import shutil
import tempfile
import zipfile
from os import PathLike
from pathlib import Path

from lab.gradescope import CONFIG, ROOT_VARIABLE
from lab.marking import asked_quantities
from lab.stepping import step
from lab.variants import load_variant

from .project_wheel import build_wheel

SETUP_SH = f"""#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image (Ubuntu).
# It makes a Python >= 3.11 virtual environment and installs backprop-lab's wheel (shipped in
# this zip) with its Python dependencies into it; nothing else is fetched.
set -euo pipefail
ROOT="${{{ROOT_VARIABLE}:-/autograder}}"
if python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  PY=python3
  # Ubuntu's python3 makes a venv only with its python3-venv package (ensurepip)
  if ! python3 -c 'import ensurepip' 2>/dev/null; then
    apt-get update -y
    apt-get install -y python3-venv
  fi
else
  # Ubuntu 22.04 (Gradescope's default image) has Python 3.10; its archive has 3.11
  apt-get update -y
  apt-get install -y python3.11 python3.11-venv
  PY=python3.11
fi
"$PY" -m venv "$ROOT/venv"
"$ROOT/venv/bin/python" -m pip install --upgrade pip
"$ROOT/venv/bin/python" -m pip install "$ROOT"/source/backprop_lab-*.whl
"""

RUN_AUTOGRADER = f"""#!/usr/bin/env bash
# Gradescope runs this for each submission: grade it, write results/results.json.
ROOT="${{{ROOT_VARIABLE}:-/autograder}}"
export {ROOT_VARIABLE}="$ROOT"
exec "$ROOT/venv/bin/python" -m lab.gradescope
"""


def _add(z: zipfile.ZipFile, name: str, data: bytes | str, executable: bool = False) -> None:
    info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = (0o100755 if executable else 0o100644) << 16
    z.writestr(info, data)


def _check_roster(path: Path) -> None:
    """A roster has a header with ``id`` and a column that finds the Gradescope user in it."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        header = [h.strip() for h in next(csv.reader(f), [])]
    if "id" not in header:
        raise ValueError(f"{path}: the roster needs a header row with a column id (the "
                         f"assignment's student ids), got {', '.join(header) or 'no header'}")
    if not {"gradescope_id", "email"} & set(header):
        raise ValueError(f"{path}: the roster needs a column gradescope_id or email to find "
                         "each Gradescope user in it")


def export_gradescope(template: str | PathLike[str], out: str | PathLike[str],
                      roster: str | PathLike[str] | None = None) -> Path:
    """Write the autograder zip for ``template`` to ``out`` (checked first: a template that
    cannot be stepped is refused before anything is built)."""
    template, out = Path(template), Path(out)
    if out.suffix.lower() != ".zip":
        raise ValueError(f"--out should name a .zip file (Gradescope takes a zip), got {out}")
    if roster:
        _check_roster(Path(roster))
    variant = load_variant(template, "export-check")
    if not asked_quantities(step(variant.spec), variant.asked):
        raise ValueError(f"{template} asks for no quantity: nothing to grade")
    config = {"template": "template" + template.suffix.lower(),
              "roster": "roster.csv" if roster else None}
    with tempfile.TemporaryDirectory() as tmp:
        wheel = build_wheel(Path(tmp))
        partial = Path(tmp) / "autograder.zip"
        with zipfile.ZipFile(partial, "w") as z:
            _add(z, "setup.sh", SETUP_SH, executable=True)
            _add(z, "run_autograder", RUN_AUTOGRADER, executable=True)
            _add(z, CONFIG, json.dumps(config, indent=1) + "\n")
            _add(z, config["template"], template.read_bytes())
            if roster:
                _add(z, "roster.csv", Path(roster).read_bytes())
            _add(z, wheel.name, wheel.read_bytes())
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(partial, out)
    return out
