"""scripts/check_test_install.py, which `make test` runs: it reads the requirements `make test`
installs from pyproject.toml and finds CUDA packages in pip's installation report. (The script
itself resolves from the package index over the network, so `make test` runs it, not pytest.)"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import check_test_install as check  # noqa: E402


def _report(*names: str) -> dict:
    return {"install": [{"metadata": {"name": n, "version": "1"}} for n in names]}


def test_the_cuda_packages_of_a_report_are_named():
    # what `pip install torch` resolves to from the plain index on Linux, in part
    report = _report("torch", "nvidia-cublas-cu12", "nvidia_cudnn_cu12", "triton", "cuda-bindings",
                     "jax-cuda12-plugin", "numpy", "jax", "jaxlib", "sympy")
    assert check.cuda_packages(report) == ["cuda-bindings", "jax-cuda12-plugin",
                                           "nvidia-cublas-cu12", "nvidia_cudnn_cu12", "triton"]
    assert check.cuda_packages(_report("numpy", "jax", "jaxlib", "optax", "scipy")) == []


def test_the_requirements_checked_are_those_make_test_installs():
    reqs = check.requirements()
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    extras = ",".join(check.EXTRAS)
    assert f"pip install -q -e '.[{extras}]'" in makefile
    names = {r.split(">")[0].split("=")[0].split("[")[0].strip() for r in reqs}
    assert {"numpy", "jax", "jaxlib", "optax", "pytest", "mkdocs", "sympy"} <= names
    assert "torch" not in names  # PyTorch, the benchmarks' peer, is in the bench extra only
    assert any(r.startswith("torch") for r in check.requirements(extras=("bench",)))
