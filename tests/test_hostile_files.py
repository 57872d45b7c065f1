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


def _spec_error(capsys, path):
    status, out, err = run(capsys, "step", path)
    assert status == 2 and out == "" and len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err and "set_int_max_str_digits" not in err
    return err


@pytest.mark.parametrize("suffix", [".toml", ".json"])
def test_a_whole_number_of_5000_digits_in_a_spec_is_named_with_its_line(capsys, tmp_path,
                                                                        suffix):
    path = tmp_path / f"net{suffix}"
    if suffix == ".toml":
        path.write_text(lecture_text().replace("w14 = 0.2", "w14 = " + "9" * 5000))
        line = lecture_text().splitlines().index("w14 = 0.2") + 1
    else:
        path.write_text('{"inputs": 1,\n"lr": ' + "9" * 5000 + "}")
        line = 2
    err = _spec_error(capsys, path)
    assert f"{path}, line {line}: a whole number of 5,000 digits" in err


def test_toml_nested_without_end_is_refused_naming_the_file(capsys, tmp_path):
    path = tmp_path / "deep.toml"
    path.write_text("inputs = " + "[" * 100_000 + "]" * 100_000 + "\n")
    err = _spec_error(capsys, path)
    assert f"{path}: its TOML is nested too deeply" in err


def test_a_json_spec_giving_a_key_twice_is_refused_naming_the_key(capsys, tmp_path):
    # JSON keeps the last of two equal keys: the file would mean lr = 5 to the program while
    # its reader sees lr = 0.5 first
    path = tmp_path / "net.json"
    path.write_text('{"title": "x", "lr": 0.5, "lr": 5}')
    err = _spec_error(capsys, path)
    assert f"{path}: the key 'lr' is given twice" in err


def test_a_model_file_giving_a_weight_twice_is_refused_naming_it(capsys, tmp_path):
    from lab.examples import worked_example
    path = tmp_path / "m.json"
    worked_example().save(path)
    text = path.read_text()
    path.write_text(text.replace('"w14": 0.2', '"w14": 0.2, "w14": 7.0'))
    status, _, err = run(capsys, "draw", path)
    assert status == 2 and "'w14' is given twice" in err and str(path) in err


@pytest.mark.parametrize("text, line", [
    ("o6 = 0.474\n[o4]\na = 1\n", 2),       # a table header
    ("o6 = 0.474\no4 = {a = 1}\n", 2),      # an inline table
    ("o6 = 0.474\n\no4.a = 1\n", 3),        # a dotted key
])
def test_a_toml_table_as_an_answer_is_named_with_its_line(text, line):
    from lab import answers, spec, step
    # the line is reported and the rest of the file still read (issue 20: a bad line)
    read = answers.parse(text, step(spec.lecture()), "toml")
    assert [q.text(suffix=False) for q in read] == ["o6"]
    (problem,) = read.problems
    assert problem.startswith(f"line {line}: o4 is a table")
    assert "{'a'" not in problem


DOTTED = "a" + ".a" * 30_000 + " = 1\n"  # tomllib alone takes ~16 s on it (the square of depth)


def test_a_key_dotted_30000_levels_deep_is_refused_as_nesting_in_a_spec(capsys, tmp_path):
    path = tmp_path / "dotted.toml"
    path.write_text(DOTTED)
    assert f"{path}: its TOML is nested too deeply" in _spec_error(capsys, path)


def test_a_key_dotted_30000_levels_deep_is_refused_in_answers(capsys, tmp_path, spec):
    path = tmp_path / "answers.toml"
    path.write_text("o6 = 0.474\n" + DOTTED)
    status, out, err = run(capsys, "check", spec, path)
    assert status == 2 and len(err.strip().splitlines()) == 1 and "nested too deeply" in err


@pytest.mark.parametrize("text", [DOTTED, "a = " + "[" * 100_000 + "]" * 100_000 + "\n"])
def test_a_template_nested_too_deeply_is_refused_in_one_line(capsys, tmp_path, text):
    (tmp_path / "t.toml").write_text(text)
    (tmp_path / "r.csv").write_text("id\ns1\n")
    status, out, err = run(capsys, "assign", tmp_path / "t.toml", "--roster",
                           tmp_path / "r.csv", "--out", tmp_path / "out")
    assert status == 2 and len(err.strip().splitlines()) == 1, err
    assert "its TOML is nested too deeply to be a template" in err


def test_an_unknown_name_of_5000_characters_is_named_cut(capsys, tmp_path, spec):
    path = tmp_path / "answers.csv"
    path.write_text("o6,0.474\n" + "x" * 5000 + ",1\n")
    status, out, err = run(capsys, "check", spec, path, "--json")
    assert "unknown quantity 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx… (5,002 characters)" in (
        out + err)
    assert len(out + err) < 5000
