"""Diagnostics: dead ReLU units, vanishing gradients in deep sigmoid stacks, steps per weight."""

import math

import numpy as np
import pytest

from autograd_core import vsum
from nn import datasets
from nn.diagnostics import dead_relu_units, gradient_norms_per_layer, weight_change_per_step
from nn.layers import MLP, Layer, Neuron
from nn.losses import mse
from nn.optim import SGD


def test_a_relu_unit_with_negative_net_input_everywhere_is_dead():
    # inputs in [0, 1]²; unit 3 has w13 = w23 = −1, b3 = −0.1 so i3 < 0 on every example;
    # unit 4 has w14 = 1, w24 = 1, b4 = 0 so o4 > 0 except at (0, 0)
    X, _ = datasets.xor()
    m = MLP(2, [2, 1], activation="relu", output_activation="linear")
    m.set_weights([[[-1.0, -1.0], [1.0, 1.0]], [[1.0, 1.0]]], [[-0.1, 0.0], [0.5]])
    assert dead_relu_units(m, X) == [3]


def test_dead_units_get_no_gradient_so_training_cannot_revive_them():
    X, y = datasets.xor()
    m = MLP(2, [2, 1], activation="relu", output_activation="linear")
    m.set_weights([[[-1.0, -1.0], [1.0, 1.0]], [[1.0, 1.0]]], [[-0.1, 0.0], [0.5]])
    m.zero_grad()
    vsum([mse(m(x), t) for x, t in zip(X.tolist(), y.tolist(), strict=True)]).backward()
    grads = {name: p.grad for name, p in m.named_parameters()}
    assert grads["w13"] == grads["w23"] == grads["b3"] == 0.0
    assert grads["w14"] != 0.0


def test_sigmoid_units_are_never_dead():
    X, _ = datasets.moons(10)
    m = MLP(2, [3, 1], activation="sigmoid", seed=0)
    assert dead_relu_units(m, X) == []


@pytest.mark.parametrize("seed", range(3))
def test_gradients_vanish_in_a_deep_sigmoid_stack_but_not_with_relu(seed):
    # σ' ≤ 1/4: across 5 sigmoid layers the gradient shrinks by about (1/4·|w|)⁵ ≪ 1/100;
    # ReLU' is 1 where active, so with He initialisation the size is kept on average
    X, y = datasets.moons(20, seed=0)
    ratios = {}
    for act, init in (("sigmoid", "xavier"), ("relu", "he")):
        m = MLP(2, [6] * 6 + [1], activation=act, init=init, seed=seed)
        m.zero_grad()
        vsum([mse(m(x), t) for x, t in zip(X.tolist(), y.tolist(), strict=True)]).backward()
        norms = gradient_norms_per_layer(m)
        assert len(norms) == 7
        ratios[act] = norms[0] / norms[-2]  # first hidden layer vs last hidden layer
    assert ratios["sigmoid"] < 0.01
    assert ratios["relu"] > 10 * ratios["sigmoid"]


def test_gradient_norm_of_a_layer_by_hand():
    # one linear unit o = w·x + b at x = 3, L = o with w = 2, b = 1: ∂L/∂w = 3, ∂L/∂b = 1
    m = MLP(1, [1], output_activation="linear")
    m.set_weights([[[2.0]]], [[1.0]])
    m([3.0]).backward()
    assert gradient_norms_per_layer(m) == [pytest.approx(math.sqrt(10))]


def test_weight_change_per_step_is_minus_lr_times_gradient():
    m = MLP(1, [1], output_activation="linear")
    m.set_weights([[[2.0]]], [[1.0]])
    opt = SGD(m.parameters(), lr=0.1)
    m([3.0]).backward()
    opt.step()
    # Δw = −0.1·3, Δb = −0.1·1
    assert weight_change_per_step(m, opt) == pytest.approx({"w12": -0.3, "b2": -0.1})


def test_weight_change_needs_the_models_own_optimizer():
    m, other = MLP(1, [1]), MLP(1, [1])
    with pytest.raises(ValueError, match="does not update w12, b2"):
        weight_change_per_step(m, SGD(other.parameters(), lr=0.1))


def test_dead_units_need_a_table_of_inputs():
    m = MLP(2, [2, 1])
    with pytest.raises(ValueError, match="2-D table"):
        dead_relu_units(m, np.array([1.0, 2.0]))
    with pytest.raises(ValueError, match="expected 2 inputs, got 3"):
        dead_relu_units(m, np.ones((4, 3)))


@pytest.mark.parametrize("call, message", [
    (lambda: dead_relu_units(Neuron(2), np.ones((4, 2))), "dead_relu_units .* MLP .* got Neuron"),
    (lambda: gradient_norms_per_layer(Layer(2, 2)), "gradient_norms_per_layer .* got Layer"),
    (lambda: weight_change_per_step(MLP(1, [1]), "sgd"), "optimizer object .* got str"),
])
def test_diagnostics_given_the_wrong_kind_of_object_say_what_they_need(call, message):
    with pytest.raises(TypeError, match=message):
        call()
