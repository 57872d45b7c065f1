"""A machine without Graphviz: `backprop serve` says at start what to install, and the live app's
Step view says it in words (never dot's own error, never "save as .dot", which a page cannot)."""

import subprocess
import sys
import warnings

from viz.app.server import create_app
from viz.drawing import GRAPHVIZ_MISSING_IN_APP, graphviz_missing


def test_graphviz_is_found_here_and_missing_without_dot_on_the_path(monkeypatch, tmp_path):
    assert graphviz_missing() is None  # this machine has it (scripts/system-deps.sh)
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty folder: no dot anywhere
    said = graphviz_missing()
    assert said is not None and "\n" not in said
    assert "apt-get install graphviz" in said and "brew install graphviz" in said


def test_serve_without_graphviz_says_what_to_install_before_it_serves(tmp_path):
    code = ("import sys; from viz.cli import main; "
            "sys.exit(main(['serve', '--port', '0', '--no-browser']))")
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True,
                            env={"PATH": str(tmp_path), "HOME": str(tmp_path)})
    try:
        first_out = proc.stdout.readline()  # the address: the server is up
        assert first_out.startswith("backprop serve: http://127.0.0.1:")
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    warning = err.splitlines()[0]
    assert warning.startswith("backprop serve: warning: Graphviz's 'dot' program is not installed")
    assert "apt-get install graphviz" in warning and "Traceback" not in err


def test_the_step_view_without_graphviz_answers_in_words(monkeypatch, tmp_path):
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
        from starlette.testclient import TestClient
    monkeypatch.setenv("PATH", str(tmp_path))
    client = TestClient(create_app(), base_url="http://127.0.0.1")
    numbers = client.get("/api/step")  # the numbers need no Graphviz: the frames' sentences
    assert numbers.status_code == 200 and numbers.json()["frames"][1]["text"].startswith("i4 = ")
    r = client.get("/api/step/frame/1")
    assert r.status_code == 503
    message = r.json()["error"]
    assert message == GRAPHVIZ_MISSING_IN_APP
    assert "install" in message and ".dot" not in message and "dot'" not in message
