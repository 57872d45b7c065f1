"""`trace` on hostile graphs: tens of thousands of inputs or nodes in linear time, and inputs
whose names would collide in the gradients."""

import time

import pytest

from autograd_core import Value, parse, trace, vsum


def _cpu_seconds(f):
    """The least CPU time of three calls of ``f`` (CPU time: other processes do not count),
    and its result."""
    times = []
    for _ in range(3):
        start = time.process_time()
        result = f()
        times.append(time.process_time() - start)
    return min(times), result


def _weighted_sum(n):
    xs = [Value(1.0, label=f"x{i}") for i in range(1, n + 1)]
    return vsum([x * i for i, x in enumerate(xs, 1)])


def _chain(n):
    x = Value(0.5, label="x")
    y = x
    for _ in range(n - 1):
        y = y + x
    return y


def test_twenty_thousand_inputs_are_traced_in_linear_time():
    # y = Σᵢ i·xᵢ; ∂y/∂xᵢ = i. The quadratic version took minutes for this (14,000 took 86 s).
    small, big = _weighted_sum(2_000), _weighted_sum(20_000)
    seconds_small, _ = _cpu_seconds(lambda: trace(small))
    seconds, t = _cpu_seconds(lambda: trace(big))
    assert t.gradients["x1"] == 1.0 and t.gradients["x20000"] == 20_000.0
    assert t.output == 20_000 * 20_001 / 2
    # ten times the inputs: about ten times the time if linear, a hundred if quadratic
    assert seconds / seconds_small < 30


def test_a_chain_of_twenty_thousand_additions_is_traced_in_linear_time():
    # y = x + x + … + x (20,000 terms) as a left-nested chain: dy/dx = 20,000
    seconds_small, _ = _cpu_seconds(lambda: trace(_chain(2_000)))
    seconds, t = _cpu_seconds(lambda: trace(_chain(20_000)))
    assert t.gradients == {"x": 20_000.0}
    # the last adjoint row of x holds the full sum: one 1 per addition that uses x
    assert [r["value"] for r in t.adjoint if r["var"] == "v̄₀"][-1] == 20_000.0
    assert seconds / seconds_small < 30  # ten times the length: about ten times the time


def test_two_inputs_labelled_alike_are_refused_not_merged():
    a, b = Value(1.0, label="x"), Value(2.0, label="x")
    with pytest.raises(ValueError, match="two inputs are labelled 'x'"):
        trace(a * b)


def test_an_unlabelled_input_is_not_named_like_a_labelled_one():
    # the first input would be x1 by position, but another input is labelled x1
    a, b = Value(3.0), Value(2.0, label="x1")
    t = trace(a * b, inputs=[a, b])
    assert t.gradients == {"x2": 2.0, "x1": 3.0}  # ∂(ab)/∂a = b, ∂(ab)/∂b = a
    assert [r["expr"] for r in t.primal[:2]] == ["x2", "x1"]


def test_a_formula_with_a_thousand_terms_traces():
    y, inputs = parse("+".join(["x"] * 1000), x=2.0)
    t = trace(y, inputs=list(inputs.values()))
    assert t.output == 2000.0 and t.gradients == {"x": 1000.0}


def test_a_huge_value_is_shown_in_exponent_form_not_hundreds_of_digits():
    y, inputs = parse("1/x", x=1e-200)  # y = 1e200
    text = trace(y, inputs=list(inputs.values())).to_text()
    assert "1.000e+200" in text and max(len(line) for line in text.splitlines()) < 80
