"""Input files that are not what they claim to be (issue 23): a FIFO, a directory or a device
given as a spec, answers or model file, numbers too long for Python, nesting without end, keys
given twice. Each is one line on standard error with exit status 2, never a hang or a traceback."""

import os
import threading

import pytest

from lab.spec import lecture_text
from viz.cli import main

KINDS = {"fifo": "is a named pipe (FIFO)", "directory": "is a directory"}


def run(capsys, *argv):
    status = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def spec(tmp_path):
    path = tmp_path / "lecture.toml"
    path.write_text(lecture_text(), encoding="utf-8")
    return path


def _special(tmp_path, kind, name):
    path = tmp_path / name
    if kind == "fifo":
        os.mkfifo(path)
    else:
        path.mkdir()
    return path


def _unblocked(path, call):
    """``call()`` in a thread; if it waits on the FIFO ``path`` for a writer, open the FIFO for
    writing so that the thread ends, and say the call hung."""
    result = {}
    thread = threading.Thread(target=lambda: result.update(value=call()), daemon=True)
    thread.start()
    thread.join(timeout=60)
    if thread.is_alive() and path.is_fifo():
        os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))
        thread.join()
        pytest.fail(f"reading {path} waited for a writer")
    return result["value"]


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("role", ["spec", "answers", "model"])
def test_a_fifo_or_directory_as_input_is_refused_saying_what_it_is(capsys, tmp_path, spec,
                                                                      kind, role):
    name = {"spec": "net.toml", "answers": "mine.csv", "model": "model.json"}[role]
    path = _special(tmp_path, kind, name)
    argv = {"spec": ["step", path], "answers": ["check", spec, path],
            "model": ["draw", path]}[role]
    status, out, err = _unblocked(path, lambda: run(capsys, *argv))
    assert status == 2 and out == ""
    assert f"{path}: {KINDS[kind]}" in err and len(err.strip().splitlines()) == 1


def test_a_device_as_a_model_file_is_refused_as_a_device(capsys):
    # /dev/null would read as an empty file, /dev/zero as an endless one: neither is a model
    for device in ("/dev/null", "/dev/zero"):
        status, _, err = run(capsys, "draw", device)
        assert status == 2 and f"{device}: is a device" in err
