"""Activations by name or callable: values and slopes vs JAX and central differences."""

import math

import jax
import jax.numpy as jnp
import pytest
from jax_oracle import value_and_grads

from autograd_core import Value, gradcheck
from nn import ACTIVATIONS, get_activation

JAX_ACTIVATIONS = {
    "linear": lambda x: x,
    "sigmoid": jax.nn.sigmoid,
    "tanh": jnp.tanh,
    "relu": jax.nn.relu,
    "leaky_relu": lambda x: jax.nn.leaky_relu(x, negative_slope=0.01),
    "elu": lambda x: jax.nn.elu(x, alpha=1.0),
    "softplus": jax.nn.softplus,
}
# Points away from the kink at 0 of relu, leaky_relu and elu, where one-sided slopes differ.
POINTS = [-3.0, -0.7, -0.01, 0.1, 0.5, 2.5]


def test_the_lecture_activations_are_all_registered():
    assert set(ACTIVATIONS) == {
        "linear", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "softplus"
    }


@pytest.mark.parametrize("name", sorted(JAX_ACTIVATIONS))
@pytest.mark.parametrize("x", POINTS)
def test_activation_value_and_derivative_match_jax(name, x):
    _, f = get_activation(name)
    v = Value(x)
    out = f(v)
    out.backward()
    expected, (slope,) = value_and_grads(JAX_ACTIVATIONS[name], x)
    assert out.data == pytest.approx(expected, rel=1e-12, abs=1e-15)
    assert v.grad == pytest.approx(slope, rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_derivative_matches_central_differences(name):
    gradcheck(ACTIVATIONS[name], [0.37])
    gradcheck(ACTIVATIONS[name], [-1.3])


def test_sigmoid_gives_the_worked_example_hidden_outputs_0_332_and_0_525():
    # Slide: o4 = 1/(1 + e^0.7) = 0.332, o5 = 1/(1 + e^−0.1) = 0.525.
    _, sigmoid = get_activation("sigmoid")
    assert round(sigmoid(Value(-0.7)).data, 3) == 0.332
    assert round(sigmoid(Value(0.1)).data, 3) == 0.525


def test_sigmoid_derivative_is_sigma_times_one_minus_sigma():
    x = Value(-0.7)
    get_activation("sigmoid")[1](x).backward()
    s = 1 / (1 + math.exp(0.7))
    assert x.grad == pytest.approx(s * (1 - s), rel=1e-12)


def test_linear_unit_returns_its_input_unchanged():
    x = Value(-2.5)
    assert get_activation("linear")[1](x) is x


def test_leaky_relu_and_elu_use_the_usual_defaults():
    # leaky: 0.01·x for x < 0; elu: α(e^x − 1) with α = 1 (Clevert et al. 2015).
    assert ACTIVATIONS["leaky_relu"](Value(-2.0)).data == pytest.approx(-0.02)
    assert ACTIVATIONS["elu"](Value(-2.0)).data == pytest.approx(math.exp(-2.0) - 1)


def test_get_activation_by_name_is_forgiving_about_case_and_dashes():
    assert get_activation("Leaky-ReLU")[0] == "leaky_relu"
    assert get_activation("  TANH ")[0] == "tanh"


def test_get_activation_of_a_registered_function_gives_its_name():
    assert get_activation(Value.relu) == ("relu", ACTIVATIONS["relu"])


def test_get_activation_of_a_custom_function_keeps_it_and_names_it():
    def swish(x):
        return x * x.sigmoid()

    name, f = get_activation(swish)
    assert (name, f) == ("swish", swish)
    assert get_activation(lambda x: x.leaky_relu(0.2))[0] == "custom"


def test_unknown_activation_name_lists_the_known_ones():
    with pytest.raises(ValueError, match="unknown activation 'sigmod'") as info:
        get_activation("sigmod")
    for name in ACTIVATIONS:
        assert name in str(info.value)


@pytest.mark.parametrize("bad", [None, 3, 0.5, ["relu"]])
def test_activation_that_is_neither_name_nor_function_is_a_type_error(bad):
    with pytest.raises(TypeError, match="activation must be a name"):
        get_activation(bad)
