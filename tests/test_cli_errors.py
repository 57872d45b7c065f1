"""Every error the library can raise reaches the command line's one handler
(`viz.cli.error_message`) and comes out as one message and an exit status; each hostile input
the probe found in issue 14 gets a clear refusal, fast."""

import fcntl
import importlib
import inspect
import json
import os
import pkgutil
import subprocess
import sys
import tracemalloc

import pytest

import autograd_core
import nn
import viz
from lab import spec as lab_spec
from nn._files import MissingFileError
from viz import cli
from viz.cli import error_message, main

# an error that is a mistake in the input (status 2), or a failure around it (status 1)
# a missing file the user named as input is a typo (MissingFileError), not the system's failure
INPUT_MISTAKES = (ValueError, TypeError, ArithmeticError, RecursionError, AssertionError,
                  MissingFileError)


def _library_exceptions():
    """Every exception class defined in autograd_core, nn and viz, found by walking them."""
    found = set()
    for package in (autograd_core, nn, viz):
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            module = importlib.import_module(info.name)
            found |= {c for _, c in inspect.getmembers(module, inspect.isclass)
                      if issubclass(c, BaseException) and c.__module__.startswith(
                          ("autograd_core", "nn", "viz"))}
    return sorted(found, key=lambda c: c.__qualname__)


LIBRARY_EXCEPTIONS = _library_exceptions()


def test_the_walk_finds_the_library_exceptions():
    names = {c.__name__ for c in LIBRARY_EXCEPTIONS}
    assert {"DomainError", "AnomalyError", "GradcheckError", "GraphTooLargeError",
            "DotNotFoundError", "DotFailedError", "UsageError", "InfiniteLossError"} <= names


# not an error: `backprop check` found a wrong answer and has printed its report; status 3
OUTCOMES = (cli.WrongAnswers,)


def test_wrong_answers_end_quietly_with_status_3():
    assert error_message(cli.WrongAnswers()) == (None, 3)


@pytest.mark.parametrize("kind", [k for k in LIBRARY_EXCEPTIONS if k not in OUTCOMES],
                         ids=lambda c: c.__name__)
def test_every_library_exception_has_its_own_message_and_status(kind):
    message, status = error_message(kind("what went wrong"))
    assert message == "what went wrong"  # its own words, not "internal error"
    assert status == (2 if issubclass(kind, INPUT_MISTAKES + (cli.UsageError,)) else 1)


@pytest.mark.parametrize(("error", "status", "words"), [
    (ZeroDivisionError("float division by zero"), 2, "past what a float can hold"),
    (OverflowError("int too large"), 2, "past what a float can hold"),
    (RecursionError("maximum recursion depth exceeded"), 2, "nested too deeply"),
    (MemoryError(), 1, "ran out of memory"),
    (FileNotFoundError(2, "No such file or directory", "m.json"), 1,
     "m.json: No such file or directory"),
    (MissingFileError("m.json: no such backprop-lab model file"), 2, "m.json: no such"),
    (PermissionError("cannot write x.svg: the folder . is not writable"), 1, "not writable"),
    (KeyError("w14"), 1, "internal error (KeyError: 'w14'); please report it"),
    (RuntimeError("boom"), 1, "internal error (RuntimeError: boom)"),
])
def test_python_errors_are_said_in_one_line_with_their_status(error, status, words):
    message, got = error_message(error)
    assert got == status and words in message and "\n" not in message


def test_a_broken_pipe_is_quiet():
    assert error_message(BrokenPipeError()) == (None, 1)


@pytest.mark.parametrize("kind", [*[k for k in LIBRARY_EXCEPTIONS if k not in OUTCOMES],
                                  KeyError, RecursionError, MemoryError],
                         ids=lambda c: c.__name__)
def test_main_prints_one_short_line_for_any_error_a_command_raises(capsys, monkeypatch, kind):
    def fail(args):
        raise kind("x" * 100_000)
    monkeypatch.setattr(cli, "cmd_worked_example", fail)
    parser = cli.build_parser
    monkeypatch.setattr(cli, "build_parser", lambda: _with_run(parser(), fail))
    status = main(["worked-example"])
    out, err = capsys.readouterr()
    assert status in (1, 2) and out == ""
    assert err.startswith("backprop worked-example: error: ") and err.count("\n") == 1
    assert len(err) < 1100 and "Traceback" not in err


def _with_run(parser, run):
    parser.set_defaults(run=run)
    for action in parser._subparsers._group_actions:
        for sub in action.choices.values():
            sub.set_defaults(run=run)
    return parser


def run(capsys, *argv):
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def _fast(capsys, *argv, megabytes=50):
    """The command's result; refused before the work it would take: within ``megabytes`` of
    memory allocated (a machine's load changes time, not memory)."""
    tracemalloc.start()
    try:
        result = run(capsys, *argv)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < megabytes * 1_000_000, f"allocated {peak / 1e6:.0f} MB"
    return result


def test_draw_with_sizes_past_the_limits_is_refused_before_building(capsys):
    status, _, err = _fast(capsys, "draw", "--sizes", "3000", "3000", "1")
    # (3000 + 1)·3000 + (3000 + 1)·1 = 9,006,001 parameters
    assert status == 2 and "9,006,001 parameters, more than the 100,000" in err
    # within the library's limits, but far more units than a picture shows: refused by count
    status, _, err = _fast(capsys, "draw", "--sizes", "300", "300", "1")
    assert status == 2 and "601 units, more than max_units=60" in err


def test_draw_of_dev_zero_is_refused_as_a_device(capsys):
    status, _, err = _fast(capsys, "draw", "/dev/zero")
    assert status == 2 and "/dev/zero: is a device" in err


def test_a_model_file_nested_100000_deep_is_one_line(capsys, tmp_path):
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    status, _, err = _fast(capsys, "draw", str(path))
    assert (status, err.count("\n")) == (2, 1) and "nested too deeply" in err


@pytest.mark.parametrize("formula", ["-" * 5000 + "x", "**".join(["x"] * 3000),
                                     "+".join(["x"] * 3000)])
def test_a_formula_nested_past_pythons_reader_is_exit_2_too_deeply_nested(capsys, formula):
    status, _, err = _fast(capsys, "trace", "--at", "x=1", "--", formula)
    assert status == 2 and "too deeply nested" in err and "Traceback" not in err


def test_a_formula_of_100000_minus_signs_is_refused_by_its_length(capsys):
    status, _, err = _fast(capsys, "trace", "--at", "x=1", "--", "-" * 100_000 + "x")
    assert status == 2 and "more than the 10,000" in err and len(err) < 300


def test_trace_svg_refuses_a_graph_too_large_to_draw_before_tracing(capsys, tmp_path):
    formula = "+".join(f"x{k}" for k in range(1, 1001))  # 1,000 inputs, 999 additions
    at = [f"x{k}=1" for k in range(1, 1001)]
    status, _, err = _fast(capsys, "trace", formula, "--at", *at, "--svg",
                           str(tmp_path / "g.svg"))
    assert status == 2 and "too many to draw" in err
    assert not (tmp_path / "g.svg").exists()


def test_one_over_a_tiny_x_traces_with_an_infinite_gradient(capsys):
    # d(1/x)/dx = −1/x² = −1e400 for x = 1e-200: past the float range, so −inf (null in JSON)
    status, out, err = run(capsys, "trace", "1/x", "--at", "x=1e-200", "--json")
    assert status == 0 and json.loads(out)["gradients"] == {"x": None}
    assert "written as null" in err


def test_a_dot_that_fails_is_one_line_with_its_reason_and_status_1(capsys, tmp_path,
                                                                    monkeypatch):
    fake = tmp_path / "dot"  # a dot built without cairo, as the probe met it
    fake.write_text('#!/bin/sh\necho \'Format: "png" not recognized. Use one of: svg\' >&2\n'
                    "exit 1\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    status, _, err = run(capsys, "worked-example", "--png", str(tmp_path / "a.png"))
    assert status == 1
    assert err == ("backprop worked-example: error: Graphviz's 'dot' could not make the png "
                   'picture: Format: "png" not recognized. Use one of: svg\n')


def test_at_names_match_the_formula_as_python_reads_names(capsys):
    status, out, _ = run(capsys, "trace", "µ * 2", "--at", "µ=1.5", "--json")
    assert status == 0 and json.loads(out)["output"] == 3.0


def test_a_variable_may_be_called_text(capsys):
    status, out, _ = run(capsys, "trace", "text * 2", "--at", "text=3", "--json")
    assert status == 0 and json.loads(out)["gradients"] == {"text": 2.0}


def test_an_unknown_activation_is_refused_by_the_parser(capsys):
    with pytest.raises(SystemExit) as info:
        main(["draw", "--sizes", "3", "1", "--activation", "bogus"])
    assert info.value.code == 2 and "invalid choice: 'bogus'" in capsys.readouterr().err


def test_a_formula_starting_with_minus_gets_a_hint_about_double_dash(capsys):
    with pytest.raises(SystemExit) as info:
        main(["trace", "-x", "--at", "x=1"])
    assert info.value.code == 2
    assert 'goes after "--", as in backprop trace --at x=1 -- "-x"' in capsys.readouterr().err
    status, out, _ = run(capsys, "trace", "--at", "x=1", "--json", "--", "-x")
    assert status == 0 and json.loads(out)["output"] == -1.0


@pytest.mark.parametrize("flag", ["--svg", "--png", "--html"])
def test_an_empty_file_name_is_refused_not_ignored(capsys, flag):
    status, _, err = run(capsys, "worked-example", flag, "")
    assert status == 2 and f"{flag} needs a file name" in err


def test_a_closed_pipe_ends_the_command_quietly():
    # as `backprop trace … | head -1`: the reader leaves after the first line
    formula = "+".join(f"x{k}" for k in range(1, 400))
    at = [f"x{k}=1" for k in range(1, 400)]
    # a pipe of one page, so that the output overfills it on a kernel of 64 kB pages too
    read_end, write_end = os.pipe()
    fcntl.fcntl(write_end, fcntl.F_SETPIPE_SZ, 4096)
    process = subprocess.Popen([sys.executable, "-m", "viz.cli", "trace", formula, "--at", *at],
                               stdout=write_end, stderr=subprocess.PIPE)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as out:
        out.readline()
    err = process.stderr.read().decode()
    assert process.wait(timeout=60) == 1 and err == ""



def test_an_unexpected_argument_of_4000_characters_is_quoted_cut(capsys):
    # found by the fuzzer: argparse quotes the argument it did not expect, in full
    with pytest.raises(SystemExit) as info:
        main(["trace", "a.svg", "--", "-" * 3995 + "x"])
    err = capsys.readouterr().err
    assert info.value.code == 2 and "unrecognized arguments" in err and len(err) < 2000
    assert "(4,020 characters)" in err  # "unrecognized arguments: " (24) + 3,996


def test_an_answers_file_with_a_lone_carriage_return_is_read_not_a_crash(capsys, tmp_path):
    # found by the fuzzer: csv.reader refused "\r" inside a line with csv.Error (internal error)
    from lab import answers, spec, step
    run = step(spec.lecture())
    assert answers.parse("quantity,value\r\no6,0.474\ri4,-0.7\n", run, "csv")
    with pytest.raises(ValueError, match="line 3: unknown quantity "):
        answers.parse("quantity,value\n\r,0.0", run, "csv")


@pytest.mark.parametrize("output", ["same", "dotted", "link"])
def test_an_output_that_is_the_input_spec_is_refused_and_the_spec_kept(capsys, tmp_path, output):
    spec = tmp_path / "my.toml"
    spec.write_text(lab_spec.lecture_text())
    before = spec.read_bytes()
    (tmp_path / "sub").mkdir()
    (tmp_path / "pic.svg").symlink_to(spec)
    flag, path = {"same": ("--html", spec),
                  "dotted": ("--html", tmp_path / "sub" / ".." / "my.toml"),
                  "link": ("--svg", tmp_path / "pic.svg")}[output]
    status, _, err = run(capsys, "step", str(spec), flag, str(path))
    assert status == 2 and f"{flag} {path} is the spec file" in err
    assert spec.read_bytes() == before


def test_two_outputs_of_one_name_are_refused(capsys, tmp_path):
    status, _, err = run(capsys, "worked-example", "--svg", str(tmp_path / "a.svg"),
                         "--html", str(tmp_path / "a.svg"))
    assert status == 2 and "is --svg's file" in err
    assert not (tmp_path / "a.svg").exists()


def test_a_full_disk_names_the_file_it_could_not_write(capsys, tmp_path):
    # /dev/full refuses every write with ENOSPC, as a full disk does
    picture = tmp_path / "full.svg"
    picture.symlink_to("/dev/full")
    status, _, err = run(capsys, "worked-example", "--view", "backward", "--svg", str(picture))
    assert status == 1
    assert err.strip() == (f"backprop worked-example: error: {picture}: cannot write it: "
                           "No space left on device")


@pytest.mark.parametrize("argv", [["trace", "x", "--at", "x=1"], ["worked-example"],
                                  ["step", "lab/specs/worked_example.toml"]])
@pytest.mark.parametrize("digits", ["0", "18"])
def test_digits_out_of_range_get_the_same_message_from_every_command(capsys, argv, digits):
    status, _, err = run(capsys, *argv, "--digits", digits)
    message = err.strip().split("error: ", 1)[1]
    assert status == 2
    assert message == ("digits is how many decimals (and at least how many significant "
                       f"figures) numbers show, a whole number from 1 to 17; got {digits}")
