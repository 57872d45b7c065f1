"""`backprop trace`: run as a user runs it (a subprocess), on the survey's example and on mistakes.
Mistakes give exit status 2, a message on standard error, nothing on standard output, no traceback.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest
from test_baydin_survey_example import ADJOINT, PRIMAL

SCRIPT = Path(sys.executable).parent / "backprop"
RUNNERS = {"python -m viz.cli": [sys.executable, "-m", "viz.cli"], "backprop": [str(SCRIPT)]}
SURVEY = ["trace", "ln(x1) + x1*x2 - sin(x2)", "--at", "x1=2", "x2=5"]


def backprop(*args: str, runner: str = "python -m viz.cli") -> subprocess.CompletedProcess:
    return subprocess.run([*RUNNERS[runner], *args], capture_output=True, text=True, timeout=60)


def test_the_console_script_is_installed_next_to_python():
    assert SCRIPT.exists()


@pytest.mark.parametrize("runner", sorted(RUNNERS))
def test_json_is_one_object_with_output_gradients_and_both_traces(runner):
    run = backprop(*SURVEY, "--json", runner=runner)
    assert run.returncode == 0 and run.stderr == ""
    result = json.loads(run.stdout)  # the whole of stdout is one JSON document
    assert set(result) == {"output", "gradients", "primal", "adjoint"}
    assert result["output"] == pytest.approx(math.log(2) + 2 * 5 - math.sin(5), abs=1e-12)
    assert result["gradients"] == pytest.approx({"x1": 1 / 2 + 5, "x2": 2 - math.cos(5)})
    assert [(r["var"], round(r["value"], 3)) for r in result["primal"]] == [
        (name, value) for name, _, value in PRIMAL]
    assert [(r["var"], round(r["value"], 3)) for r in result["adjoint"]] == ADJOINT


def test_text_shows_both_traces_and_the_gradient():
    run = backprop(*SURVEY)
    assert run.returncode == 0
    assert "Forward primal trace" in run.stdout and "Reverse adjoint trace" in run.stdout
    assert "∂y/∂x1 = 5.500" in run.stdout and "∂y/∂x2 = 1.716" in run.stdout


def test_digits_sets_the_decimals_shown():
    run = backprop(*SURVEY, "--digits", "5")
    assert "∂y/∂x2 = 1.71634" in run.stdout  # 2 − cos 5 = 1.716337…


@pytest.mark.parametrize("args, words", [
    (["trace", "x.real", "--at", "x=1"], "attribute access"),
    (["trace", "foo(x)", "--at", "x=1"], "unknown function 'foo'"),
    (["trace", "ln(x", "--at", "x=1"], "cannot read the formula"),
    (["trace", "__import__('os').system('echo hacked')", "--at", "x=1"], "only the engine"),
    (["trace", "x * 2"], "no value given for 'x'"),
    (["trace", "x * 2", "--at", "x=1", "y=2"], "does not use"),
    (["trace", "x * 2", "--at", "x=abc"], "the value of x must be a number, got 'abc'"),
    (["trace", "x * 2", "--at", "x"], "NAME=VALUE"),
    (["trace", "ln(x)", "--at", "x=0"], "log is defined only for x > 0"),
    (["trace", "1 / x", "--at", "x=0"], "division by zero"),
    (["trace", "x * 2", "--at", "x=1", "x=2"], "x is given twice"),
    (["trace", "x * 2", "--at", "x=nan"], "must be a finite number"),
    (["trace", "x * 2", "--at", "x=1e400"], "must be a finite number"),
    (["trace", "2"], "nothing to trace: the output is the constant 2"),
    (["trace", "x * 2", "--at", "x=1", "--digits", "-3"], "a whole number from 1 to 17; got -3"),
    (["trace", "1" + "0" * 400 + " * x", "--at", "x=1"], "too large for a float"),
    (["trace"], "expr"),
    (["no-such-command"], "invalid choice"),
])
def test_a_mistake_exits_with_status_2_and_a_message_without_traceback(args, words):
    run = backprop(*args)
    assert run.returncode == 2
    assert run.stdout == ""  # also: the echo in the formula never ran
    assert words in run.stderr
    assert "Traceback" not in run.stderr


def test_a_value_that_overflows_is_refused_with_exit_2_and_nothing_on_stdout():
    run = backprop("trace", "exp(x)", "--at", "x=1000", "--json")
    assert run.returncode == 2 and run.stdout == ""
    assert "overflows" in run.stderr and "e^x" in run.stderr


def test_json_stays_strict_when_a_gradient_is_infinite():
    # √x at 0: the value is 0, its derivative 1/(2√x) is infinite
    run = backprop("trace", "sqrt(x)", "--at", "x=0", "--json")
    assert run.returncode == 0
    result = json.loads(run.stdout, parse_constant=lambda c: pytest.fail(f"non-JSON {c}"))
    assert result["output"] == 0.0 and result["gradients"]["x"] is None
    assert "written as null" in run.stderr


def test_json_with_a_picture_keeps_standard_output_one_json_object(tmp_path):
    svg = tmp_path / "t.svg"
    run = backprop(*SURVEY, "--json", "--svg", str(svg))
    assert run.returncode == 0
    result = json.loads(run.stdout)  # the JSON is not dropped for the picture, nor mixed with it
    assert result["gradients"] == pytest.approx({"x1": 1 / 2 + 5, "x2": 2 - math.cos(5)})
    assert f"wrote {svg}" in run.stderr
    assert "<svg" in svg.read_text(encoding="utf-8")
