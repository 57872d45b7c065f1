"""Shared test setup: hermetic HOME-like folders, so kernels, matplotlib and Chromium write to
tmp; the headless Chromium for the browser tests."""

import atexit
import importlib
import os
import shutil
import tempfile

import pytest

_tmp = tempfile.mkdtemp(prefix="backprop-lab-test-home-")
atexit.register(shutil.rmtree, _tmp, ignore_errors=True)  # each run (and worker) has its own
for var in ("MPLCONFIGDIR", "IPYTHONDIR", "JUPYTER_RUNTIME_DIR"):
    os.environ.setdefault(var, os.path.join(_tmp, var.lower()))
os.environ.setdefault("MPLBACKEND", "Agg")


# The test oracles and peers come with the test extra (pip install -e '.[test]'). A missing one
# stops the run at once: skipping would hide the hand-calculation tests beside them too.
ORACLES = ("jax", "optax", "micrograd", "playwright", "sympy", "hypothesis")


def _importable(name: str) -> bool:
    try:
        importlib.import_module(name)
    except ImportError:
        return False
    return True


def pytest_configure(config):
    missing = [name for name in ORACLES if not _importable(name)]
    if missing:
        raise pytest.UsageError(
            f"the tests need {', '.join(missing)} (the oracles and peers they compare with): "
            "pip install -e '.[test]' (or make test); a missing oracle is a failure, not a skip")
    import jax  # the gradient oracle (tests/jax_oracle.py), in float64 as our engine computes

    jax.config.update("jax_enable_x64", True)
    jax.config.update("jax_platforms", "cpu")  # no probing for accelerators the tests never use


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium driven by Playwright's Python client (never a downloaded one)."""
    from playwright import sync_api  # in the test extra: missing, it is a failure, not a skip

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (scripts/system-deps.sh)")
    # expect(...) waits 5 s by default: on a machine kept busy by other processes a page may
    # take longer to show what it will show; this is how long to wait, not a speed asserted
    sync_api.expect.set_options(timeout=30_000)
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def server():
    """A `backprop serve` of the lecture's network for the tests of one module, stopped with
    Ctrl-C at its end, which must exit 0 without a traceback."""
    from app_server import start_server, stop

    proc, url = start_server()
    yield url
    code, _, err = stop(proc)
    assert code == 0 and "Traceback" not in err, err
