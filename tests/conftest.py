"""Shared test setup: hermetic HOME-like folders, so kernels, matplotlib and Chromium write to
tmp; the headless Chromium for the browser tests."""

import os
import tempfile

import pytest

_tmp = tempfile.mkdtemp(prefix="backprop-lab-test-home-")
for var in ("MPLCONFIGDIR", "IPYTHONDIR", "JUPYTER_RUNTIME_DIR"):
    os.environ.setdefault(var, os.path.join(_tmp, var.lower()))
os.environ.setdefault("MPLBACKEND", "Agg")


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium driven by Playwright's Python client (never a downloaded one)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (scripts/system-deps.sh)")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
