"""Shared test setup: hermetic HOME-like folders, so kernels, matplotlib and Chromium write to tmp."""

import os
import tempfile

_tmp = tempfile.mkdtemp(prefix="backprop-lab-test-home-")
for var in ("MPLCONFIGDIR", "IPYTHONDIR", "JUPYTER_RUNTIME_DIR"):
    os.environ.setdefault(var, os.path.join(_tmp, var.lower()))
os.environ.setdefault("MPLBACKEND", "Agg")
