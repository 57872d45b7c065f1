"""What a fresh machine without the system parts hears from `make demo`/`make test`: one line
saying what to install (scripts/check-python.sh before the virtualenv is made,
scripts/system-deps.sh for Graphviz and Chromium)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _fake_python(folder: Path, refuse: str) -> Path:
    """A python that runs the real one, except that a -c program mentioning ``refuse`` fails
    (as `import ensurepip` does on Debian without python3-venv)."""
    fake = folder / "python3"
    fake.write_text(f'#!/bin/sh\ncase "$2" in *{refuse}*) exit 1;; esac\n'
                    f'exec {sys.executable} "$@"\n')
    fake.chmod(0o755)
    return fake


def test_a_python_without_venv_gets_one_line_naming_the_package(tmp_path):
    fake = _fake_python(tmp_path, "ensurepip")
    run = subprocess.run([str(ROOT / "scripts" / "check-python.sh"), str(fake)],
                         capture_output=True, text=True, timeout=60)
    minor = f"3.{sys.version_info.minor}"
    assert run.returncode == 1 and run.stdout == ""
    assert run.stderr.count("\n") == 1 and f"apt-get install python{minor}-venv" in run.stderr


def test_a_python_that_can_make_a_virtualenv_passes_quietly():
    run = subprocess.run([str(ROOT / "scripts" / "check-python.sh"), sys.executable],
                         capture_output=True, text=True, timeout=60)
    assert (run.returncode, run.stdout, run.stderr) == (0, "", "")


def test_a_machine_without_graphviz_or_apt_gets_one_line(tmp_path):
    for tool in ("bash", "id"):  # only what the script itself runs: no dot, no apt-get
        os.symlink(shutil.which(tool), tmp_path / tool)
    run = subprocess.run([str(ROOT / "scripts" / "system-deps.sh")], capture_output=True,
                         text=True, timeout=60, env={"PATH": str(tmp_path)})
    assert run.returncode == 1
    assert run.stderr.count("\n") == 1
    assert "graphviz" in run.stderr and "apt-get install graphviz" in run.stderr
