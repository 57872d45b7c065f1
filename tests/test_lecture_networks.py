"""The lecture's networks: its parameter counts, Goodfellow et al.'s XOR network, and a stack of
linear layers collapsing to one affine map."""

import subprocess
import sys

import numpy as np
import pytest

from lab.examples import worked_example
from nn import MLP, Neuron, collapse_linear
from nn.examples import linear_stack, xor_relu


def test_lecture_count_for_3_inputs_4_hidden_2_outputs_is_20_weights_6_biases_26_total():
    # weights 3x4 + 4x2 = 12 + 8 = 20; biases 4 + 2 = 6; layers: hidden + output
    assert MLP(3, [4, 2]).count_parameters() == {"weights": 20, "biases": 6, "total": 26,
                                                 "layers": 2}


def test_lecture_count_for_3_4_4_1_is_32_weights_9_biases_41_total_3_layers():
    # weights 3x4 + 4x4 + 4x1 = 12 + 16 + 4 = 32; biases 4 + 4 + 1 = 9
    assert MLP(3, [4, 4, 1]).count_parameters() == {"weights": 32, "biases": 9, "total": 41,
                                                    "layers": 3}


def test_summary_prints_a_row_per_layer_and_the_totals():
    lines = []
    text = MLP(3, [4, 4, 1], activation="relu", output_activation="sigmoid").summary(
        print_fn=lines.append)
    assert lines == [text]
    rows = [line.split() for line in text.splitlines() if line.startswith(("hidden", "output"))]
    # name, units, activation, weights, biases, parameters
    assert rows == [["hidden", "1", "4", "relu", "12", "4", "16"],
                    ["hidden", "2", "4", "relu", "16", "4", "20"],
                    ["output", "1", "sigmoid", "4", "1", "5"]]
    assert "Total params: 41 (32 weights, 9 biases)" in text
    assert "Layers: 3" in text


def test_summary_of_one_neuron_says_1_bias():
    text = Neuron(3, activation="sigmoid").summary(print_fn=lambda _: None)
    assert "Total params: 4 (3 weights, 1 bias)" in text


def test_worked_example_has_8_weights_3_biases_in_2_layers():
    assert worked_example().count_parameters() == {"weights": 8, "biases": 3, "total": 11,
                                                   "layers": 2}


@pytest.mark.parametrize("x,hidden,y", [
    # Goodfellow et al. §6.1: XW + c = [[0, −1], [1, 0], [1, 0], [2, 1]], ReLU, then w = (1, −2)
    ((0, 0), (0, 0), 0), ((0, 1), (1, 0), 1), ((1, 0), (1, 0), 1), ((1, 1), (2, 1), 0),
])
def test_xor_relu_network_is_exact_on_all_four_points(x, hidden, y):
    model = xor_relu()
    assert model(list(x)).data == y
    assert tuple(n.out.data for n in model.layers[0].neurons) == hidden


def test_xor_relu_has_goodfellows_weights():
    assert xor_relu().state_dict() == {"w13": 1.0, "w14": 1.0, "w23": 1.0, "w24": 1.0,
                                       "w35": 1.0, "w45": -2.0, "b3": 0.0, "b4": -1.0, "b5": 0.0}


def test_linear_stack_collapses_to_the_product_of_its_weight_matrices():
    # W1 = [[1, 2], [0, −1], [3, 1]], b1 = (1, 0, −2); W2 = [[1, 0, 1], [2, −1, 0]], b2 = (0.5, −1)
    # W = W2·W1 = [[1 + 0 + 3, 2 + 0 + 1], [2 − 0 + 0, 4 + 1 + 0]] = [[4, 3], [2, 5]]
    # b = W2·b1 + b2 = (1 + 0 − 2 + 0.5, 2 − 0 + 0 − 1) = (−0.5, 1)
    W, b = collapse_linear(linear_stack())
    assert W.tolist() == [[4.0, 3.0], [2.0, 5.0]]
    assert b.tolist() == [-0.5, 1.0]


def test_a_seeded_linear_stack_equals_its_affine_map_everywhere():
    model = MLP(3, [5, 4, 2], activation="linear", seed=11)
    W, b = collapse_linear(model)
    for x in np.random.default_rng(0).normal(size=(5, 3)):
        assert [o.data for o in model(x)] == pytest.approx((W @ x + b).tolist(), rel=1e-12)


def test_collapse_refuses_a_network_with_a_nonlinear_layer():
    with pytest.raises(ValueError, match="layer 1 uses the relu activation"):
        collapse_linear(xor_relu())
    with pytest.raises(TypeError, match="takes an MLP"):
        collapse_linear("model")


def test_the_worked_example_is_reachable_as_lab_examples_after_import_lab():
    # a fresh interpreter: in this session other tests have already imported lab.examples
    code = "import lab; print(lab.examples.worked_example().state_dict()['w14'])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "0.2"
