"""The example of Baydin, Pearlmutter, Radul and Siskind, "Automatic Differentiation in Machine
Learning: a Survey" (JMLR 18, 2018): f(x₁, x₂) = ln(x₁) + x₁·x₂ − sin(x₂) at (x₁, x₂) = (2, 5).

The expected rows are typed in from the survey's primal and adjoint trace tables (3 decimals, as
printed there), not taken from our output.
"""

from __future__ import annotations

import json
import math

import pytest

from autograd_core import Constant, Value, parse, trace


def vbar(sub: str) -> str:
    return "v\u0304" + sub  # v with a combining macron: v̄


# Forward primal trace, survey's table: variable, defining expression, value.
PRIMAL = [
    ("v₋₁", "x1", 2.0),
    ("v₀", "x2", 5.0),
    ("v₁", "ln v₋₁", 0.693),
    ("v₂", "v₋₁ × v₀", 10.000),
    ("v₃", "sin v₀", -0.959),
    ("v₄", "v₁ + v₂", 10.693),
    ("v₅", "v₄ − v₃", 11.652),
    ("y", "v₅", 11.652),
]

# Reverse adjoint trace, survey's table, in its order: v̄₀ and v̄₋₁ each get two contributions.
ADJOINT = [
    (vbar("₅"), 1.000),       # v̄₅ = ȳ
    (vbar("₄"), 1.000),       # v̄₅ · ∂v₅/∂v₄ = 1 × 1
    (vbar("₃"), -1.000),      # v̄₅ · ∂v₅/∂v₃ = 1 × −1
    (vbar("₁"), 1.000),       # v̄₄ · ∂v₄/∂v₁
    (vbar("₂"), 1.000),       # v̄₄ · ∂v₄/∂v₂
    (vbar("₀"), -0.284),      # v̄₃ · cos v₀
    (vbar("₋₁"), 5.000),      # v̄₂ · v₀
    (vbar("₀"), 1.716),       # v̄₀ + v̄₂ · v₋₁
    (vbar("₋₁"), 5.500),      # v̄₋₁ + v̄₁ / v₋₁
]


def from_text():
    y, inputs = parse("ln(x1) + x1*x2 - sin(x2)", x1=2, x2=5)
    return trace(y, inputs=[inputs["x1"], inputs["x2"]])


def from_values():
    x1, x2 = Value(2.0, label="x1"), Value(5.0, label="x2")
    return trace(x1.log() + x1 * x2 - x2.sin(), inputs=[x1, x2])


BUILDS = pytest.mark.parametrize("build", [from_text, from_values], ids=["parsed", "Values"])


@BUILDS
def test_primal_trace_rows_are_the_surveys_in_order(build):
    rows = build().to_dict()["primal"]
    assert [(r["var"], r["expr"]) for r in rows] == [(name, expr) for name, expr, _ in PRIMAL]
    assert [round(r["value"], 3) for r in rows] == [value for _, _, value in PRIMAL]


@BUILDS
def test_adjoint_trace_rows_are_the_surveys_in_order(build):
    rows = build().to_dict()["adjoint"]
    assert [r["var"] for r in rows] == [name for name, _ in ADJOINT]
    assert [round(r["value"], 3) for r in rows] == [value for _, value in ADJOINT]


@BUILDS
def test_gradient_is_1_over_x1_plus_x2_and_x1_minus_cos_x2(build):
    # ∂f/∂x₁ = 1/x₁ + x₂ = 0.5 + 5 = 5.5;  ∂f/∂x₂ = x₁ − cos x₂ = 2 − cos 5 ≈ 1.716
    t = build()
    assert t.gradients["x1"] == pytest.approx(1 / 2 + 5, abs=1e-12)
    assert t.gradients["x2"] == pytest.approx(2 - math.cos(5), abs=1e-12)
    assert t.output == pytest.approx(math.log(2) + 10 - math.sin(5), abs=1e-12)


def test_the_dict_is_plain_json():
    d = from_text().to_dict()
    assert json.loads(json.dumps(d)) == d
    assert set(d) == {"output", "gradients", "primal", "adjoint"}


def test_text_and_markdown_show_the_surveys_numbers():
    t = from_text()
    for text in (t.to_text(), t.to_markdown()):
        for number in ("0.693", "-0.959", "10.693", "11.652", "-0.284", "1.716", "5.500"):
            assert number in text
    assert "∂y/∂x1 = 5.500" in t.to_text() and "∂y/∂x2 = 1.716" in t.to_text()


def test_tracing_twice_gives_the_same_adjoints_not_doubled_ones():
    # trace resets the graph's adjoints first, so a second call does not accumulate on the first
    y, inputs = parse("ln(x1) + x1*x2 - sin(x2)", x1=2, x2=5)
    first = trace(y).to_dict()["adjoint"]
    assert trace(y).to_dict()["adjoint"] == first
    assert inputs["x1"].grad == pytest.approx(5.5)


def test_a_constant_has_no_trace_and_says_so():
    with pytest.raises(ValueError, match="the output is the constant 2, computed from no input"):
        trace(Constant(2.0))


def test_markdown_also_ends_with_the_gradient():
    # by hand: ∂f/∂x1 = 1/x1 + x2 = 5.5; ∂f/∂x2 = x1 − cos x2 = 2 − 0.28366… = 1.716
    last = from_text().to_markdown().rstrip().splitlines()[-1]
    assert last == "**Gradient:** ∂y/∂x1 = 5.500, ∂y/∂x2 = 1.716"


@pytest.mark.parametrize("digits", [-3, 18, 2.5, True, "3"])
def test_digits_outside_0_to_17_is_a_value_error_naming_it(digits):
    y, _ = parse("x * 2", x=1.0)
    with pytest.raises(ValueError, match="digits is the number of decimals shown"):
        trace(y, digits=digits)


def test_a_formula_of_numbers_only_says_it_has_no_inputs_instead_of_an_empty_gradient():
    y, _ = parse("2 + 3")
    assert trace(y).to_text().splitlines()[-1] == (
        "Gradient: none (the formula has no inputs, only numbers)")


def test_trace_of_a_plain_number_is_a_type_error_naming_it():
    with pytest.raises(TypeError, match="trace needs the output Value, got float"):
        trace(3.0)


def test_inputs_named_twice_or_not_leaves_are_refused_by_name():
    y, inputs = parse("ln(x1) + x1*x2 - sin(x2)", x1=2, x2=5)
    x1, x2 = inputs["x1"], inputs["x2"]
    with pytest.raises(ValueError, match="x1 is given twice"):  # it would be numbered twice
        trace(y, inputs=[x1, x1, x2])
    with pytest.raises(ValueError, match="is computed by op 'log'"):
        trace(y, inputs=[x1, x2, y.parents[0].parents[0]])
    with pytest.raises(TypeError, match="input Values, got float"):
        trace(y, inputs=[x1, x2, 2.0])
