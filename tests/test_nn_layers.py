"""Neurons, layers and MLPs: the slide's unit numbering and names, forward values by hand,
gradients against PyTorch and central differences, seeded initialisation, bad input."""

import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax_oracle import assert_layer_grads, layer_arrays

from autograd_core import Value, gradcheck
from nn import MLP, Layer, Neuron, Perceptron, datasets
from nn.init import draw_weights


def test_neuron_net_input_is_one_linear_node_labelled_i_and_output_labelled_o():
    n = Neuron(3, activation="sigmoid")
    out = n([1.0, 0.0, 1.0])
    assert n.net.op == "linear" and n.net.label == "i4"
    assert out is n.out and out.label == "o4" and out.parents == (n.net,)
    w = [p.data for p in n.w]
    assert n.net.data == pytest.approx(w[0] * 1.0 + w[1] * 0.0 + w[2] * 1.0 + n.b.data, rel=1e-12)
    assert out.data == pytest.approx(1 / (1 + math.exp(-n.net.data)), rel=1e-12)


def test_neuron_input_numbers_become_leaves_x1_to_xn_and_values_are_kept():
    n = Neuron(2, activation="tanh")
    n([0.5, -1.0])
    leaves = n.net.parents[2:4]
    assert [x.label for x in leaves] == ["x1", "x2"] and [x.data for x in leaves] == [0.5, -1.0]
    mine = Value(0.25, label="a")
    n([mine, 2.0])
    assert n.net.parents[2] is mine and mine.label == "a"


def test_linear_unit_output_is_its_net_input_itself():
    n = Neuron(2, activation="linear")
    out = n([1.0, 2.0])
    assert out is n.net and out.op == "linear"


@pytest.mark.parametrize("xs,m", [([1.0, 2.0], 2), ([1.0, 2.0, 3.0, 4.0], 4), (5.0, 1)])
def test_wrong_input_length_says_expected_and_given(xs, m):
    with pytest.raises(ValueError, match=f"expected 3 inputs, got {m}"):
        MLP(3, [2, 1])(xs)


@pytest.mark.parametrize("xs", [["a", 1.0, 2.0], [None, 1.0, 2.0], "abc", {"x1": 1.0}])
def test_non_numbers_as_input_are_a_type_error(xs):
    with pytest.raises(TypeError, match="input"):
        MLP(3, [2])(xs)


def test_a_whole_data_set_at_once_gives_one_number_per_example():
    out = MLP(2, [1])(np.zeros((4, 2)))
    assert out.data.shape == (4,)
    with pytest.raises(ValueError, match=r"expected 2 inputs, got 3"):
        MLP(2, [1])(np.zeros((4, 3)))


def test_a_one_unit_output_gives_a_value_and_a_wider_one_a_list():
    assert isinstance(MLP(2, [3, 1])([1.0, 2.0]), Value)
    outs = MLP(2, [3, 2])(np.array([1.0, 2.0]))
    assert isinstance(outs, list) and len(outs) == 2
    assert isinstance(Layer(2, 1)([1.0, 2.0]), Value)
    assert len(Layer(2, 3)([1.0, 2.0])) == 3


def test_units_are_numbered_as_on_the_slide_inputs_first_then_each_layer():
    model = MLP(3, [2, 1])
    assert [n.unit for layer in model.layers for n in layer.neurons] == [4, 5, 6]
    assert [name for name, _ in model.named_parameters()] == [
        "w14", "w15", "w24", "w25", "w34", "w35", "w46", "w56", "b4", "b5", "b6"]
    assert all(p.label == name for name, p in model.named_parameters())


def test_two_digit_unit_numbers_get_an_underscore_in_weight_names():
    names = [name for name, _ in MLP(3, [4, 4, 1]).named_parameters()]
    # units: inputs 1-3, hidden 4-7 and 8-11, output 12
    assert "w1_4" in names and "w11_12" in names and "b12" in names
    assert len(set(names)) == len(names) == 41


def test_activation_per_layer_as_a_list():
    model = MLP(2, [3, 3, 1], activation=["tanh", "relu"], output_activation="sigmoid")
    assert [layer.activation for layer in model.layers] == ["tanh", "relu", "sigmoid"]
    every = MLP(2, [3, 1], activation=["elu", "softplus"])
    assert [layer.activation for layer in every.layers] == ["elu", "softplus"]
    with pytest.raises(ValueError, match="activation lists 4 names for 3 layers"):
        MLP(2, [3, 3, 1], activation=["tanh"] * 4)


def test_unknown_activation_lists_the_known_names():
    with pytest.raises(ValueError, match="known names: linear, sigmoid"):
        MLP(2, [3, 1], activation="swish")


@pytest.mark.parametrize("args,error,match", [
    ((0, [2]), ValueError, "n_in"), ((2.5, [2]), TypeError, "n_in"),
    ((2, []), TypeError, "sizes"), ((2, 3), TypeError, "sizes"),
    ((2, [2, 0]), ValueError, r"sizes\[1\]"), ((True, [2]), TypeError, "n_in"),
])
def test_bad_shapes_are_named(args, error, match):
    with pytest.raises(error, match=match):
        MLP(*args)


def test_mlp_parameter_gradients_match_jax():
    model = MLP(3, [4, 3, 2], activation=["tanh", "sigmoid"], output_activation="linear",
                init="xavier", seed=7)
    x, t = [0.5, -1.2, 2.0], [0.3, -0.4]
    outs = model(x)
    ((outs[0] - t[0]) ** 2 + (outs[1] - t[1]) ** 2).backward()

    def theirs(layers):
        h = jnp.asarray(x)
        for (W, b), act in zip(layers, [jnp.tanh, jax.nn.sigmoid, lambda z: z], strict=True):
            h = act(W @ h + b)
        return ((h - jnp.asarray(t)) ** 2).sum()

    assert_layer_grads(model, jax.grad(theirs)(layer_arrays(model)), rel=1e-10, abs=1e-14)


def test_mlp_input_gradients_match_central_differences():
    model = MLP(3, [5, 4, 1], activation="tanh", output_activation="sigmoid", seed=3)
    assert gradcheck(lambda *xs: model(list(xs)), [0.3, -0.7, 1.2])


def test_seeded_initialisation_is_reproducible_and_seeds_differ():
    assert MLP(3, [4, 2], seed=1).state_dict() == MLP(3, [4, 2], seed=1).state_dict()
    assert MLP(3, [4, 2], seed=1).state_dict() != MLP(3, [4, 2], seed=2).state_dict()


def test_a_layers_weights_are_the_seeds_draws_unit_by_unit_listed_input_by_input():
    layer = Layer(3, 4, seed=7, first_unit=4)
    rng = np.random.default_rng(7)  # numpy's own draws: unit 4's three, then unit 5's, …
    draws = {(i, 4 + k): x for k in range(4) for i, x in zip((1, 2, 3), rng.uniform(-1, 1, 3))}
    assert [(w.label, w.data) for w in layer.weights()] == [
        (f"w{i}{j}", draws[i, j]) for i in (1, 2, 3) for j in (4, 5, 6, 7)]
    # the units compute with the very Values the layer lists, so training them trains the units
    assert {id(w) for w in layer.weights()} == {id(w) for n in layer.neurons for w in n.w}
    out = layer([0.5, -1.0, 2.0])
    assert out[1].data == pytest.approx(
        max(0.0, 0.5 * draws[1, 5] - draws[2, 5] + 2.0 * draws[3, 5]), abs=1e-15)


@pytest.mark.parametrize("init", ["uniform", "xavier", "he"])
def test_biases_start_at_zero(init):
    model = MLP(4, [3, 2], init=init)
    assert [b.data for _, b in model.named_biases()] == [0.0] * 5


def test_uniform_init_draws_from_minus_1_to_1_as_micrograd():
    w = draw_weights("uniform", 50, 50, 20000, np.random.default_rng(0))
    assert -1.0 <= min(w) and max(w) <= 1.0
    # U(−1, 1) has variance (b − a)²/12 = 1/3
    assert np.var(w) == pytest.approx(1 / 3, rel=0.03)


def test_xavier_init_is_uniform_within_sqrt_6_over_fan_in_plus_fan_out():
    limit = math.sqrt(6 / (100 + 50))
    w = draw_weights("xavier", 100, 50, 20000, np.random.default_rng(0))
    assert max(abs(x) for x in w) <= limit
    assert np.var(w) == pytest.approx(limit**2 / 3, rel=0.03)  # = 2 / (fan_in + fan_out)


def test_he_init_is_normal_with_variance_2_over_fan_in():
    w = draw_weights("he", 80, 30, 20000, np.random.default_rng(0))
    assert np.mean(w) == pytest.approx(0.0, abs=0.01)
    assert np.var(w) == pytest.approx(2 / 80, rel=0.03)


def test_unknown_init_names_the_choices():
    with pytest.raises(ValueError, match="uniform, xavier, he"):
        MLP(2, [2], init="glorot_normal")


def test_set_weights_from_nested_lists_sets_each_weight_exactly():
    model = MLP(2, [2, 1])
    model.set_weights([[[1.0, 2.0], [3.0, 4.0]], [[5.0, 6.0]]], [[0.5, -0.5], [0.25]])
    assert model.state_dict() == {"w13": 1.0, "w14": 3.0, "w23": 2.0, "w24": 4.0,
                                  "w35": 5.0, "w45": 6.0, "b3": 0.5, "b4": -0.5, "b5": 0.25}


@pytest.mark.parametrize("weights,biases,match", [
    ([[[1.0, 2.0], [3.0, 4.0]]], [[0.0, 0.0], [0.0]], "weights should have 2 entries"),
    ([[[1.0, 2.0], [3.0, 4.0]], [[5.0, 6.0, 7.0]]], [[0.0, 0.0], [0.0]],
     r"weights\[1\]\[0\] should have 2 entries \(one per input of unit 5\)"),
    ([[[1.0, 2.0], [3.0, 4.0]], [[5.0, 6.0]]], [[0.0], [0.0]], r"biases\[0\] should have 2"),
    ([[[1.0, "x"], [3.0, 4.0]], [[5.0, 6.0]]], [[0.0, 0.0], [0.0]], "w23 must be a number"),
    ("weights", [[0.0, 0.0], [0.0]], "weights must be a list"),
])
def test_set_weights_with_a_wrong_shape_or_non_number_changes_nothing(weights, biases, match):
    model = MLP(2, [2, 1])
    before = model.state_dict()
    with pytest.raises(ValueError, match=match):
        model.set_weights(weights, biases)
    assert model.state_dict() == before


@pytest.mark.parametrize("seed, error", [("a", TypeError), (1.5, TypeError), (True, TypeError),
                                         (None, TypeError), (-1, ValueError)])
def test_a_seed_that_is_not_a_whole_number_from_0_is_named(seed, error):
    for make in (lambda: MLP(2, [2, 1], seed=seed), lambda: Layer(2, 2, seed=seed),
                 lambda: Neuron(2, seed=seed), lambda: datasets.moons(seed=seed),
                 lambda: Perceptron(2, seed=seed)):
        with pytest.raises(error, match="seed must be"):
            make()
