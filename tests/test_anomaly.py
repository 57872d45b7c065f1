"""Anomaly detection: off by default (NaN and inf pass through, as in PyTorch); when on, the first
node whose value or gradient is NaN/inf raises `AnomalyError` naming the op, its inputs and the
chain of labels that led there.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from autograd_core import (
    AnomalyError,
    BatchValue,
    Value,
    batch_sum,
    detect_anomaly,
    set_detect_anomaly,
)


def test_off_by_default_nan_passes_silently_through_the_forward_pass():
    y = (Value(float("nan")) + 1.0).tanh() * 2.0
    assert math.isnan(y.data)


@pytest.mark.parametrize("method", ["exp", "log", "sqrt", "sin", "cos", "tanh", "sigmoid",
                                    "relu", "leaky_relu", "elu", "softplus", "abs"])
def test_off_by_default_nan_stays_nan_through_every_one_input_function(method):
    # a NaN turned into a number would hide the bug that anomaly detection is there to find
    assert math.isnan(getattr(Value(float("nan")), method)().data)


def test_off_by_default_inf_values_and_gradients_pass_silently():
    x = Value(0.0)
    y = x.sqrt() + Value(1000.0).exp()  # d√x/dx = 1/(2√x) → ∞ at 0; e^1000 overflows to inf
    y.backward()
    assert y.data == math.inf and x.grad == math.inf


def test_on_the_first_non_finite_value_names_op_inputs_and_label_chain():
    x = Value(355.0, label="x")
    with detect_anomaly():
        u = x * 2.0
        u.label = "u"
        with pytest.raises(AnomalyError) as error:
            u.exp()  # e^710 overflows: this node, not a later one, is the first anomaly
    message = str(error.value)
    assert "inf" in message
    assert "op 'exp'" in message
    assert "u=710" in message
    assert "x → u → exp" in message


def test_on_a_nan_input_stops_at_the_first_op_that_uses_it():
    with detect_anomaly(), pytest.raises(AnomalyError) as error:
        (Value(float("nan"), label="n") + 1.0).tanh()
    assert "nan" in str(error.value) and "op 'add'" in str(error.value)
    assert "n=nan" in str(error.value)


def test_on_the_label_chain_follows_the_parent_that_went_non_finite():
    a, b = Value(1.0, "a"), Value(800.0, "b")
    big = b * 1e306  # 8e308 overflows to inf while detection is still off
    big.label = "big"
    with detect_anomaly(), pytest.raises(AnomalyError) as error:
        a + big
    # the chain goes back through big (the inf parent), not through a (the first parent)
    assert "b → big → add" in str(error.value)
    assert "a=1, big=inf" in str(error.value)


def test_on_a_non_finite_gradient_also_raises_naming_it():
    x = Value(0.0, label="x")
    with detect_anomaly():
        y = x.sqrt() * 2.0  # every value finite; ∂y/∂x = 2/(2√x) = inf at 0
        y.label = "y"
        with pytest.raises(AnomalyError) as error:
            y.backward()
    assert "gradient ∂y/∂x became inf" in str(error.value)
    assert "input x=0" in str(error.value)


def test_detect_anomaly_is_restored_after_the_with_block():
    with detect_anomaly():
        pass
    assert math.isnan((Value(float("nan")) + 1.0).data)


def test_set_detect_anomaly_turns_it_on_and_off_for_the_process():
    try:
        set_detect_anomaly(True)
        with pytest.raises(AnomalyError):
            Value(float("inf")) * 0.0
    finally:
        set_detect_anomaly(False)
    assert math.isnan((Value(float("inf")) * 0.0).data)


def test_an_anomaly_is_a_floating_point_error():
    assert issubclass(AnomalyError, FloatingPointError)


def test_on_an_infinite_local_derivative_blames_the_op_whose_derivative_blew_up():
    # every value finite: √0 = 0; but d√x/dx = 1/(2√x) is 1/0 = inf at x = 0, so the sqrt node
    # (not the input it feeds) is the op to name
    x = Value(0.0, label="x")
    with detect_anomaly():
        root = x.sqrt()
        root.label = "root"
        y = root * 3.0
        with pytest.raises(AnomalyError) as error:
            y.backward()
    message = str(error.value)
    assert "∂root/∂x = inf" in message
    assert "op 'sqrt' with inputs (x=0)" in message
    assert "x → root" in message


def test_on_a_nan_exponent_derivative_of_a_negative_base_names_pow_xy():
    # (−2)^y is defined for whole y, but ∂/∂y = x^y·ln x needs ln(−2), which is undefined
    a, e = Value(-2.0, label="a"), Value(3.0, label="e")
    with detect_anomaly():
        y = a**e
        with pytest.raises(AnomalyError) as error:
            y.backward()
    assert "∂pow_xy/∂e = nan" in str(error.value)
    assert "op 'pow_xy' with inputs (a=-2, e=3)" in str(error.value)


def test_on_a_batch_names_the_first_example_that_went_non_finite():
    x = BatchValue(np.array([1.0, 355.0, 2.0]), label="x")
    with detect_anomaly(), pytest.raises(AnomalyError) as error:
        (x * 2.0).exp()  # e^710 overflows in example 1 only
    assert "op 'exp'" in str(error.value)
    assert "example 1 is inf" in str(error.value)


def test_on_a_batch_a_non_finite_gradient_is_reported_not_a_type_error():
    x = BatchValue(np.array([4.0, 0.0]), label="x")  # d√x/dx = 1/(2√x): 0.25, then inf
    with detect_anomaly():
        y = batch_sum(x.sqrt())
        with pytest.raises(AnomalyError) as error:
            y.backward()
    assert "op 'sqrt'" in str(error.value) and "example 1 is inf" in str(error.value)


def test_on_an_adjoint_that_overflows_while_accumulating_names_the_input():
    # each path sends 1e308 to x, a finite contribution; their sum 2e308 is past the float range
    x = Value(1e-300, label="x")
    y = x * 1e308 + x * 1e308
    assert math.isfinite(y.data)  # 2e8: the forward pass is fine
    with detect_anomaly(), pytest.raises(AnomalyError,
                                         match=r"∂add/∂x became inf at input x=1e-300"):
        y.backward()
