"""`gradcheck`: reverse-mode gradients against central differences, with a report per input."""

from __future__ import annotations

import math

import numpy as np
import pytest

from autograd_core import GradcheckError, Value, gradcheck


def survey_f(x1: Value, x2: Value) -> Value:
    return x1.log() + x1 * x2 - x2.sin()


def square_with_a_wrong_derivative(x: Value) -> Value:
    """x², but the node claims ∂(x·x)/∂x = x + 1 for its first parent: a deliberate bug."""
    y = x * x
    y.local_grads = (y.local_grads[0] + 1.0, y.local_grads[1])
    return y


def test_a_correct_function_passes_with_both_numbers_per_input():
    report = gradcheck(survey_f, [2.0, 5.0])
    assert report.ok and bool(report)
    assert [row.name for row in report.rows] == ["x1", "x2"]
    # by hand: ∂f/∂x₁ = 1/x₁ + x₂ = 5.5, ∂f/∂x₂ = x₁ − cos x₂
    assert report.rows[0].analytic == pytest.approx(5.5, abs=1e-12)
    assert report.rows[1].analytic == pytest.approx(2 - math.cos(5), abs=1e-12)
    assert report.rows[0].numeric == pytest.approx(5.5, abs=1e-6)
    assert report.rows[1].numeric == pytest.approx(2 - math.cos(5), abs=1e-6)
    assert all(row.error < 1e-6 for row in report.rows)


def test_inputs_given_by_name_are_reported_by_name():
    report = gradcheck(lambda w, x, b: (w * x + b).sigmoid(), {"w": 0.5, "x": -1.0, "b": 0.2})
    assert [row.name for row in report.rows] == ["w", "x", "b"]
    s = 1 / (1 + math.exp(-(0.5 * -1.0 + 0.2)))
    # σ' = σ(1 − σ), times x, w and 1 respectively
    assert [row.analytic for row in report.rows] == pytest.approx(
        [s * (1 - s) * -1.0, s * (1 - s) * 0.5, s * (1 - s)], abs=1e-12)


def test_the_report_prints_a_table_naming_each_input():
    text = str(gradcheck(survey_f, [2.0, 5.0]))
    assert "reverse mode" in text and "central diff" in text
    assert "x1" in text and "5.5" in text and "MISMATCH" not in text


def test_a_wrong_local_derivative_raises_gradcheck_error_with_the_report():
    # at x = 3: the true slope is 2x = 6, the corrupted node sends (3 + 1) + 3 = 7
    with pytest.raises(GradcheckError) as error:
        gradcheck(square_with_a_wrong_derivative, [3.0])
    message = str(error.value)
    assert "disagree" in message and "MISMATCH" in message and "x1" in message
    assert "7" in message and "6" in message
    assert isinstance(error.value, AssertionError)  # so a bare gradcheck call fails a test


def test_with_raise_exception_false_a_wrong_derivative_gives_a_false_report():
    report = gradcheck(square_with_a_wrong_derivative, [3.0], raise_exception=False)
    assert not report and not report.ok
    (row,) = report.rows
    assert row.analytic == 7.0
    assert row.numeric == pytest.approx(6.0, abs=1e-6)
    assert row.error == pytest.approx(1.0, abs=1e-6)
    assert not row.ok


def test_relu_at_its_kink_is_the_documented_disagreement():
    # one-sided slopes 0 and 1 average to 0.5 in a central difference; reverse mode says 0
    report = gradcheck(lambda x: x.relu(), [0.0], raise_exception=False)
    assert not report.ok
    assert report.rows[0].analytic == 0.0
    assert report.rows[0].numeric == pytest.approx(0.5)


def test_tolerances_can_be_tightened():
    # a central difference of sin at 1 with ε = 1e-6 is off from cos 1 by rounding, ~1e-10
    loose = gradcheck(lambda x: x.sin(), [1.0], raise_exception=False)
    strict = gradcheck(lambda x: x.sin(), [1.0], atol=0.0, rtol=1e-14, raise_exception=False)
    assert loose.ok and not strict.ok


def test_f_must_return_a_value():
    with pytest.raises(TypeError, match="return a Value, got float"):
        gradcheck(lambda x: 1.0, [1.0])


@pytest.mark.parametrize(
    ("inputs", "error", "words"),
    [
        (["2"], TypeError, "input x1 must be a real number, got str"),
        ([True], TypeError, "input x1 must be a real number, got bool"),  # not silently 1.0
        ({"a": None}, TypeError, "input a must be a real number, got NoneType"),
        (2.0, TypeError, "list of numbers or a dict"),
        ("2", TypeError, "list of numbers or a dict"),
        ([], ValueError, "at least one input"),
    ],
)
def test_a_bad_point_is_refused_naming_the_input(inputs, error, words):
    with pytest.raises(error, match=words):
        gradcheck(lambda *xs, **named: Value(1.0), inputs)


def test_a_zero_step_is_refused_instead_of_dividing_by_zero():
    with pytest.raises(ValueError, match="eps .* must be > 0, got 0"):
        gradcheck(survey_f, [2.0, 5.0], eps=0.0)


def test_f_must_be_a_function():
    with pytest.raises(TypeError, match="function of Values as f, got str"):
        gradcheck("x1 * x2", [2.0, 5.0])


def test_a_numpy_point_is_accepted():
    report = gradcheck(survey_f, np.array([2.0, 5.0]))
    # survey by hand: ∂f/∂x1 = 1/x1 + x2 = 5.5
    assert report.rows[0].analytic == pytest.approx(5.5)
