"""The slide's worked example (3-2-1 sigmoid network, inputs (1, 0, 1), target 1), checked against
the slide's hand calculation and against Han, Kamber & Pei's textbook table (same network,
lr 0.9, Err_j = O_j(1 − O_j)(T_j − O_j), i.e. the half-squared error ½(t − o)²)."""

import math

import jax
import jax.numpy as jnp
import pytest
from jax_oracle import value_and_grads

from lab.examples import WORKED_INPUTS, WORKED_TARGET, worked_example, worked_example_step

SLIDE = {"w14": 0.2, "w15": -0.3, "w24": 0.4, "w25": 0.1, "w34": -0.5, "w35": 0.2,
         "w46": -0.3, "w56": -0.2, "b4": -0.4, "b5": 0.2, "b6": 0.1}


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


# The slide's forward pass by hand, in plain floats.
I4 = 1 * 0.2 + 0 * 0.4 + 1 * -0.5 - 0.4
I5 = 1 * -0.3 + 0 * 0.1 + 1 * 0.2 + 0.2
O4, O5 = sigmoid(I4), sigmoid(I5)
I6 = -0.3 * O4 + -0.2 * O5 + 0.1
O6 = sigmoid(I6)
T = 1.0


def test_worked_example_has_the_slides_inputs_target_and_weight_names():
    assert WORKED_INPUTS == (1.0, 0.0, 1.0)
    assert WORKED_TARGET == 1.0
    assert worked_example().state_dict() == SLIDE


def test_worked_example_hidden_unit_4_net_input_is_minus_0_7_and_output_is_0_332():
    fwd = worked_example_step().forward["4"]
    assert fwd["net"] == pytest.approx(-0.7, abs=1e-12)
    assert round(fwd["out"], 3) == 0.332


def test_worked_example_hidden_unit_5_net_input_is_0_1_and_output_is_0_525():
    fwd = worked_example_step().forward["5"]
    assert fwd["net"] == pytest.approx(0.1, abs=1e-12)
    assert round(fwd["out"], 3) == 0.525


def test_worked_example_output_unit_6_matches_the_textbook_i6_minus_0_105_o6_0_474():
    fwd = worked_example_step().forward["6"]
    assert round(fwd["net"], 3) == -0.105
    assert round(fwd["out"], 3) == 0.474


def test_textbook_error_terms_err6_0_1311_err5_minus_0_0065_err4_minus_0_0087():
    # the textbook rounds its intermediate values (O6 = 0.474), so its fourth decimal may differ
    errors = worked_example_step(loss="half-squared").errors
    assert errors["6"] == pytest.approx(0.1311, abs=1e-4)
    assert errors["5"] == pytest.approx(-0.0065, abs=1e-4)
    assert errors["4"] == pytest.approx(-0.0087, abs=1e-4)


def test_textbook_updated_weights_and_biases_after_one_step_with_lr_0_9():
    textbook = {"w46": -0.261, "w56": -0.138, "w14": 0.192, "w15": -0.306, "w24": 0.4,
                "w25": 0.1, "w34": -0.508, "w35": 0.194, "b6": 0.218, "b5": 0.194, "b4": -0.408}
    updated = worked_example_step(loss="half-squared", lr=0.9).updated
    assert {name: round(updated[name], 3) for name in textbook} == textbook


def test_slide_formula_dE_dw_jk_is_minus_2_t_minus_o_times_sigma_1_minus_sigma_times_o_j():
    # ∂E/∂w_jk = −2(t_k − o_k)·σ(Σ)(1 − σ(Σ))·o_j, with E = (t − o)²
    grads = worked_example_step(loss="squared").gradients
    assert grads["w46"] == pytest.approx(-2 * (T - O6) * O6 * (1 - O6) * O4, rel=1e-12)
    assert grads["w56"] == pytest.approx(-2 * (T - O6) * O6 * (1 - O6) * O5, rel=1e-12)
    assert grads["b6"] == pytest.approx(-2 * (T - O6) * O6 * (1 - O6) * 1.0, rel=1e-12)


def test_squared_error_terms_are_twice_the_half_squared_ones_by_the_hand_formula():
    err6_half = O6 * (1 - O6) * (T - O6)
    err4_half = O4 * (1 - O4) * err6_half * -0.3
    err5_half = O5 * (1 - O5) * err6_half * -0.2
    squared = worked_example_step(loss="squared").errors
    half = worked_example_step(loss="half-squared").errors
    for unit, hand in (("6", err6_half), ("5", err5_half), ("4", err4_half)):
        assert half[unit] == pytest.approx(hand, rel=1e-12)
        assert squared[unit] == pytest.approx(2 * hand, rel=1e-12)


def test_hidden_weight_gradient_is_minus_error_term_times_input():
    # ∂E/∂w_ij = −Err_j · o_i; input 2 is 0, so w24 and w25 do not move
    step = worked_example_step(loss="squared")
    err4 = 2 * O4 * (1 - O4) * O6 * (1 - O6) * (T - O6) * -0.3
    assert step.gradients["w14"] == pytest.approx(-err4 * 1.0, rel=1e-12)
    assert step.gradients["w24"] == 0.0
    assert step.updated["w24"] == 0.4


def test_update_is_old_minus_learning_rate_times_gradient_with_the_lecture_loss():
    lr = 0.5
    step = worked_example_step(loss="squared", lr=lr)
    g46 = -2 * (T - O6) * O6 * (1 - O6) * O4
    assert step.old == SLIDE
    assert step.steps["w46"] == pytest.approx(-lr * g46, rel=1e-12)
    assert step.updated["w46"] == pytest.approx(-0.3 - lr * g46, rel=1e-12)
    assert step.loss == pytest.approx((T - O6) ** 2, rel=1e-12)


def test_step_model_carries_the_new_weights_and_the_graph_keeps_the_forward_pass():
    step = worked_example_step(loss="half-squared")
    assert step.model.state_dict() == step.updated
    assert step.graph.data == pytest.approx(0.5 * (T - O6) ** 2, rel=1e-12)
    assert step.graph.grad == 1.0
    # a fresh network: the worked example itself is not changed by a step
    assert worked_example().state_dict() == SLIDE


def test_worked_example_gradients_match_jax():
    def error(W1, b1, W2, b2):
        x = jnp.array([1.0, 0.0, 1.0])
        o = jax.nn.sigmoid(W2 @ jax.nn.sigmoid(W1 @ x + b1) + b2)
        return ((1.0 - o) ** 2).sum()

    _, (gW1, gb1, gW2, gb2) = value_and_grads(
        error, [[0.2, 0.4, -0.5], [-0.3, 0.1, 0.2]], [-0.4, 0.2], [[-0.3, -0.2]], [0.1])
    grads = worked_example_step(loss="squared").gradients
    theirs = {"w14": gW1[0, 0], "w24": gW1[0, 1], "w34": gW1[0, 2],
              "w15": gW1[1, 0], "w25": gW1[1, 1], "w35": gW1[1, 2],
              "w46": gW2[0, 0], "w56": gW2[0, 1],
              "b4": gb1[0], "b5": gb1[1], "b6": gb2[0]}
    for name, g in theirs.items():
        assert grads[name] == pytest.approx(float(g), rel=1e-12, abs=1e-15), name


@pytest.mark.parametrize("loss", ["cubic", "mse", ""])
def test_unknown_loss_names_the_choices(loss):
    with pytest.raises(ValueError, match="squared, half-squared"):
        worked_example_step(loss=loss)


@pytest.mark.parametrize("lr", [0, -0.1, float("nan"), float("inf"), "0.9", True])
def test_learning_rate_must_be_a_positive_number(lr):
    with pytest.raises(ValueError, match="learning rate must be a positive number"):
        worked_example_step(lr=lr)
