"""Bad input to `Value` and its ops: a TypeError or ValueError whose message says, in words, what
was wrong; and large inputs that must not raise at all.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from autograd_core import DomainError, Value, linear, vsum


@pytest.mark.parametrize("given, words", [
    (True, ["bool", "True"]),
    ("1", ["str", "'1'"]),
    (None, ["NoneType", "None"]),
    (1j, ["complex", "1j"]),
    ([1], ["list", "[1]"]),
    (np.bool_(False), ["bool", "False"]),
    (np.array([1.0, 2.0]), ["ndarray"]),
    (np.complex128(1 + 2j), ["complex128", "complex numbers have no order"]),
])
def test_value_of_something_that_is_not_a_real_number_is_a_type_error_naming_it(given, words):
    with pytest.raises(TypeError, match="real number") as error:
        Value(given)
    for word in words:
        assert word in str(error.value)


@pytest.mark.parametrize("number", [2, 2.0, np.float64(2.0), np.float32(2.0), np.int64(2)])
def test_ints_floats_and_numpy_scalars_are_accepted_as_floats(number):
    x = Value(number)
    assert x.data == 2.0 and type(x.data) is float


def test_a_value_of_a_value_is_refused_with_advice():
    with pytest.raises(TypeError, match="got a Value"):
        Value(Value(1.0))


def test_a_label_must_be_a_string():
    with pytest.raises(TypeError, match="label must be a string, got int"):
        Value(1.0, label=3)


@pytest.mark.parametrize("make, words", [
    (lambda: Value(1.0) + "a", ["str", "'a'"]),
    (lambda: "a" + Value(1.0), ["str", "'a'"]),
    (lambda: Value(1.0) * None, ["NoneType"]),
    (lambda: Value(2.0) ** "2", ["str", "'2'"]),
    (lambda: Value(1.0).leaky_relu("x"), ["str", "'x'"]),
    (lambda: Value(1.0).elu(alpha=[1]), ["list"]),
])
def test_a_bad_operand_is_a_type_error_naming_it(make, words):
    with pytest.raises(TypeError) as error:
        make()
    for word in words:
        assert word in str(error.value)


@pytest.mark.parametrize("make, words", [
    (lambda: Value(0.0).log(), ["log", "0.0"]),
    (lambda: Value(-1.0).log(), ["log", "-1.0"]),
    (lambda: Value(3.0) / 0, ["division by zero", "div", "3.0"]),
    (lambda: 3 / Value(0.0), ["division by zero", "div"]),
    (lambda: Value(3.0) / Value(0.0), ["division by zero", "div"]),
    (lambda: Value(0.0) ** -1, ["0 to a negative power", "pow", "-1"]),
    (lambda: Value(0.0) ** Value(-1.0), ["0 to a negative power", "-1"]),
    # (−2.0) in brackets: "-2.0 ** 0.5" would read as −(2^0.5), a different number
    (lambda: Value(-2.0) ** 0.5, ["negative base", "whole exponent", "(-2.0) ** 0.5"]),
    (lambda: Value(-2.0) ** Value(0.5), ["negative base", "-2.0", "0.5"]),
    (lambda: Value(-1.0).sqrt(), ["sqrt", "-1.0"]),
])
def test_outside_the_domain_is_a_value_error_naming_the_op_and_the_value(make, words):
    with pytest.raises(ValueError) as error:
        make()
    assert isinstance(error.value, DomainError)
    for word in words:
        assert word in str(error.value)


def test_linear_with_more_inputs_than_weights_says_how_many_of_each():
    with pytest.raises(ValueError, match="as many weights as inputs, got 1 and 2"):
        linear([Value(1.0)], [Value(1.0), Value(2.0)])


def test_vsum_of_nothing_is_a_value_error():
    with pytest.raises(ValueError, match="at least one value"):
        vsum([])


def test_nan_and_inf_inputs_are_allowed():
    assert math.isnan(Value(float("nan")).data)
    assert Value(float("inf")).data == math.inf


# Limits worked by hand: σ(±1000) = 1, e^−1000 ≈ 0; softplus(x) = ln(1 + eˣ) → x and → 0;
# tanh(±1000) = ±1 with slope 1 − 1 = 0; elu(−1000) = α(e^−1000 − 1) = −α, slope α·e^−1000 = 0.
@pytest.mark.parametrize("method, x, value, slope", [
    ("sigmoid", 1000.0, 1.0, 0.0),
    ("sigmoid", -1000.0, 0.0, 0.0),
    ("softplus", 1000.0, 1000.0, 1.0),
    ("softplus", -1000.0, 0.0, 0.0),
    ("tanh", 1000.0, 1.0, 0.0),
    ("tanh", -1000.0, -1.0, 0.0),
    ("elu", 1000.0, 1000.0, 1.0),
    ("elu", -1000.0, -1.0, 0.0),
    ("exp", -1000.0, 0.0, 0.0),
])
def test_saturating_functions_at_plus_minus_1000_stay_finite(method, x, value, slope):
    node = getattr(Value(x), method)()
    assert node.data == pytest.approx(value, abs=1e-300)
    assert node.local_grads == pytest.approx((slope,), abs=1e-300)
    node.backward()
    assert math.isfinite(node.parents[0].grad)


def test_exp_of_1000_is_infinity_not_an_overflow_error():
    node = Value(1000.0).exp()
    assert node.data == math.inf and node.local_grads == (math.inf,)


def test_an_int_too_large_for_a_float_is_a_value_error_not_an_overflow_error():
    with pytest.raises(ValueError, match="at most about 1.8e308 in size; this int is too large"):
        Value(10**400)
