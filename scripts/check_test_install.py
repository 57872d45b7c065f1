"""What `make test` installs, resolved as on a fresh machine from the plain package index: no
CUDA package in it (no nvidia-*, cuda-*, triton or *cuda* name), as the test oracle is JAX's CPU
build. Run by `make test`; exit 1 names the packages that should not be there.

pip resolves the project's requirements (its dependencies and the test, docs and lessons extras,
read from pyproject.toml) with `--isolated` (this machine's pip configuration, such as a local
folder of wheels, is ignored), `--dry-run` (nothing is installed) and `--ignore-installed` (what
this virtualenv already has does not count), and writes its report; the report's list of
packages to install is what a new user's machine would download.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXTRAS = ("test", "docs", "lessons")  # the Makefile's .installed-test target installs these
CUDA = re.compile(r"^(nvidia|cuda|triton)|cuda", re.IGNORECASE)


def requirements(pyproject: Path = ROOT / "pyproject.toml", extras=EXTRAS) -> list[str]:
    """The project's dependencies and those of `extras`, as written in pyproject.toml."""
    project = tomllib.loads(pyproject.read_text("utf-8"))["project"]
    optional = project.get("optional-dependencies", {})
    return [*project["dependencies"], *(r for e in extras for r in optional[e])]


def cuda_packages(report: dict) -> list[str]:
    """The names in a pip installation report that belong to CUDA (nvidia-*, cuda-*, triton …)."""
    names = [item["metadata"]["name"] for item in report["install"]]
    return sorted(n for n in names if CUDA.search(n))


def resolve(reqs: list[str]) -> dict:
    """pip's installation report for `reqs` from the plain package index (nothing installed)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.json"
        subprocess.run([sys.executable, "-m", "pip", "install", "--isolated", "--dry-run",
                        "--ignore-installed", "--quiet", "--no-input", "--report", str(out),
                        *reqs], check=True, stdout=subprocess.DEVNULL)
        return json.loads(out.read_text("utf-8"))


def main() -> int:
    report = resolve(requirements())
    bad = cuda_packages(report)
    names = sorted(item["metadata"]["name"] for item in report["install"])
    if bad:
        print(f"make test would install CUDA packages from the package index: {', '.join(bad)}",
              file=sys.stderr)
        return 1
    print(f"The test install resolves to {len(names)} packages from the plain package index, "
          "none of them CUDA (nvidia-*, cuda-*, triton).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
