"""`backprop serve` started and stopped as a user does, for the tests that drive it."""

from __future__ import annotations

import re
import signal
import subprocess
import sys

import pytest


def start_server(*args: str) -> tuple[subprocess.Popen, str]:
    """``backprop serve --no-browser --port 0 ARGS`` and the address it prints."""
    proc = subprocess.Popen([sys.executable, "-m", "viz.cli", "serve", "--no-browser",
                             "--port", "0", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()  # the first line says where it listens
    match = re.search(r"http://\S+/", line)
    if not match:
        proc.kill()
        pytest.fail(f"no address printed: {line!r} {proc.stderr.read()}")
    return proc, match.group(0)


def stop(proc: subprocess.Popen) -> tuple[int, str, str]:
    """Ctrl-C, as a user stops it; the exit status and what it printed."""
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=15)
    return proc.returncode, out, err
