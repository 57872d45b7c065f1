"""`--digits` rounds the JSON's numbers too when given (without it, JSON keeps every digit),
and a page or picture written with --html/--svg does not hide the tables on standard output."""

import json
import math

import pytest

from viz.cli import _rounded, main


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status or 0, out, err


def sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def test_worked_example_json_rounds_to_the_digits_asked_for(capsys):
    status, out, _ = run(capsys, "worked-example", "--json", "--digits", "3")
    data = json.loads(out)
    # by hand: o4 = σ(−0.7) = 0.33181…, o6 = σ(−0.3·o4 − 0.2·σ(0.1) + 0.1) = 0.47389…
    assert status == 0
    assert data["forward"]["4"]["out"] == 0.332
    assert data["forward"]["6"]["out"] == 0.474
    assert data["errors"]["4"] == -0.0174  # δ4 = −0.017449…: 3 significant figures below 0.1


def test_json_without_digits_keeps_every_digit(capsys):
    _, out, _ = run(capsys, "worked-example", "--json")
    assert json.loads(out)["forward"]["4"]["out"] == pytest.approx(sigmoid(-0.7), rel=1e-15)


def test_trace_json_rounds_with_digits_and_not_without(capsys):
    _, rounded, _ = run(capsys, "trace", "x1*x2", "--at", "x1=2", "x2=5.123456", "--json",
                        "--digits", "2")
    _, full, _ = run(capsys, "trace", "x1*x2", "--at", "x1=2", "x2=5.123456", "--json")
    assert json.loads(rounded)["gradients"] == {"x1": 5.12, "x2": 2.0}
    assert json.loads(full)["output"] == 2 * 5.123456


def test_rounding_keeps_at_least_the_digits_as_significant_figures():
    assert _rounded({"a": [10.69312, -0.000441234, 0.0, 3]}, 3) == {"a": [10.693, -0.000441, 0.0,
                                                                          3]}


def test_the_tables_are_printed_beside_the_page(capsys, tmp_path):
    page = tmp_path / "steps.html"
    status, out, err = run(capsys, "worked-example", "--html", str(page))
    assert status == 0 and page.is_file()
    assert out.startswith("Forward pass") and "Update" in out
    assert err.strip() == f"wrote {page}"
