"""Losses: values and gradients against JAX and optax (float64) and central differences,
hand-worked numbers from the lecture and cs231n, and clear errors for bad input."""

import math

import jax
import jax.numpy as jnp
import optax
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jax_oracle import value_and_grads

from autograd_core import Value, gradcheck
from nn import (
    LOSSES,
    binary_cross_entropy,
    cross_entropy,
    half_squared_error,
    hinge,
    huber,
    kl_divergence,
    mae,
    mse,
    multiclass_hinge,
    squared_error,
)


def t64(xs):
    return jnp.asarray(xs, dtype=jnp.float64)


def reduce(terms, r: str):
    """PyTorch's reduction names: 'mean' over every element, or 'sum'."""
    return terms.mean() if r == "mean" else terms.sum()


def _ce(x, t, r):
    # one example: 'mean' and 'sum' over one example agree
    return reduce(optax.softmax_cross_entropy_with_integer_labels(x[None], jnp.array([t])), r)


def _cs231n_hinge(x, t, r):
    # Σ_{j≠t} max(0, 1 − s_t + s_j) for one example (cs231n's SVM loss)
    margins = jnp.maximum(0.0, 1.0 - x[t] + x)
    return reduce(margins.sum(keepdims=True) - 1.0, r)


# name → (our loss, the same loss in JAX/optax of (prediction array, target, reduction),
# prediction, target, extra keyword arguments). Predictions stay away from kinks (|d| = δ,
# margins of 0). Binary cross-entropy on probabilities is optax's on logits log(p/(1 − p)).
CASES = {
    "squared_error": (squared_error, lambda x, t, r: reduce((x - t64(t)) ** 2, r),
                      [0.474, -0.3, 2.0], [1.0, 0.0, 1.5], {}),
    "half_squared_error": (half_squared_error,
                           lambda x, t, r: reduce(optax.l2_loss(x, t64(t)), r),
                           [0.474, -0.3, 2.0], [1.0, 0.0, 1.5], {}),
    "mse": (mse, lambda x, t, r: reduce(optax.squared_error(x, t64(t)), r),
            [0.474, -0.3, 2.0], [1.0, 0.0, 1.5], {}),
    "mae": (mae, lambda x, t, r: reduce(jnp.abs(x - t64(t)), r),
            [0.474, -0.3, 2.0], [1.0, 0.0, 1.5], {}),
    "huber": (huber, lambda x, t, r: reduce(optax.huber_loss(x, t64(t), delta=0.8), r),
              [0.474, -1.3, 2.0, 0.1], [1.0, 0.0, 1.5, 3.0], {"delta": 0.8}),
    "binary_cross_entropy": (binary_cross_entropy,
                             lambda x, t, r: reduce(optax.sigmoid_binary_cross_entropy(
                                 jnp.log(x / (1 - x)), t64(t)), r),
                             [0.9, 0.2, 0.65], [1.0, 0.0, 0.3], {}),
    # PyTorch's kl_div 'mean' (and ours) divides the sum by the number of elements
    "kl_divergence": (kl_divergence,
                      lambda x, t, r: optax.kl_divergence(jnp.log(x), t64(t))
                      / (x.size if r == "mean" else 1),
                      [0.2, 0.5, 0.3], [0.1, 0.6, 0.3], {}),
    "hinge": (hinge, lambda x, t, r: reduce(optax.hinge_loss(x, t64(t)), r),
              [0.3, -2.0, 0.5, -0.4], [1.0, -1.0, -1.0, 1.0], {}),
    "cross_entropy": (cross_entropy, _ce, [3.2, 5.1, -1.7], 0, {}),
    "multiclass_hinge": (multiclass_hinge, _cs231n_hinge, [3.2, 5.1, -1.7], 0, {}),
}


def test_every_registered_loss_is_tested_against_jax():
    assert set(CASES) == set(LOSSES)


@pytest.mark.parametrize("reduction", ["mean", "sum"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_loss_value_and_gradient_match_jax(name, reduction):
    ours, theirs, prediction, target, kwargs = CASES[name]
    xs = [Value(p) for p in prediction]
    loss = ours(xs, target, reduction=reduction, **kwargs)
    loss.backward()
    expected, (grad,) = value_and_grads(lambda x: theirs(x, target, reduction), prediction)
    assert loss.data == pytest.approx(expected, rel=1e-12, abs=1e-15)
    assert [v.grad for v in xs] == pytest.approx(grad.tolist(), rel=1e-10, abs=1e-14)


@pytest.mark.parametrize("reduction", ["mean", "sum"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_loss_gradient_matches_central_differences(name, reduction):
    ours, _, prediction, target, kwargs = CASES[name]
    gradcheck(lambda *xs: ours(list(xs), target, reduction=reduction, **kwargs), prediction)


def test_cross_entropy_of_a_batch_matches_optax():
    logits = [[3.2, 5.1, -1.7], [1.3, 4.9, 2.0], [2.2, 2.5, -3.1]]
    classes = [0, 1, 2]
    xs = [[Value(z) for z in row] for row in logits]
    loss = cross_entropy(xs, classes)
    loss.backward()
    expected, (grad,) = value_and_grads(
        lambda x: optax.softmax_cross_entropy_with_integer_labels(x, jnp.array(classes)).mean(),
        logits)
    assert loss.data == pytest.approx(expected, rel=1e-12)
    ours = [v.grad for row in xs for v in row]
    assert ours == pytest.approx(grad.flatten().tolist(), rel=1e-10)


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_cross_entropy_from_any_logits_matches_jax(data):
    # Logits up to ±500 would overflow a naive e^z; log-softmax keeps the loss finite and exact.
    logits = data.draw(st.lists(st.floats(-500, 500), min_size=2, max_size=5))
    k = data.draw(st.integers(0, len(logits) - 1))
    xs = [Value(z) for z in logits]
    loss = cross_entropy(xs, k)
    loss.backward()
    # −log softmax(z)_k by JAX's own log-softmax, independent of optax's loss above
    expected, (grad,) = value_and_grads(lambda x: -jax.nn.log_softmax(x)[k], logits)
    assert loss.data == pytest.approx(expected, rel=1e-9, abs=1e-12)
    assert [v.grad for v in xs] == pytest.approx(grad.tolist(), rel=1e-9, abs=1e-12)


def test_squared_error_of_the_worked_example_output_is_the_lecture_formula():
    # o6 = σ(−0.3·0.332 − 0.2·0.525 + 0.1) = 0.474, t = 1: E = (1 − 0.474)² = 0.276676 and
    # ∂E/∂o6 = −2(t − o) = −1.052, the first factor of the slide's ∂E/∂w_jk.
    o = Value(0.474)
    loss = squared_error(o, 1.0)
    loss.backward()
    assert loss.data == pytest.approx(0.276676, abs=1e-12)
    assert o.grad == pytest.approx(-1.052, abs=1e-12)


def test_half_squared_error_halves_the_error_and_its_gradient():
    # ½(1 − 0.474)² = 0.138338; ∂/∂o = −(t − o) = −0.526.
    o = Value(0.474)
    loss = half_squared_error(o, 1)
    loss.backward()
    assert loss.data == pytest.approx(0.138338, abs=1e-12)
    assert o.grad == pytest.approx(-0.526, abs=1e-12)


def test_loss_of_one_output_is_the_lecture_graph_without_extra_nodes():
    # E = (t − o)² is a pow node over a sub node, nothing added for the reduction.
    loss = squared_error(Value(0.474), 1.0)
    assert loss.op == "pow" and loss.parents[0].op == "sub"


def test_squared_error_sums_and_mse_averages_by_default():
    # errors 1 − 0 and 0 − 2: squared 1 and 4.
    assert squared_error([0.0, 2.0], [1.0, 0.0]).data == 5.0
    assert mse([0.0, 2.0], [1.0, 0.0]).data == 2.5
    assert half_squared_error([0.0, 2.0], [1.0, 0.0]).data == 2.5


def test_mae_and_huber_by_hand():
    # |1 − 0.5| = 0.5 and |0 − 3| = 3: L1 mean 1.75. Huber δ = 1: ½·0.5² = 0.125 (quadratic
    # part) and 1·(3 − ½) = 2.5 (linear part), mean 1.3125.
    assert mae([0.5, 3.0], [1.0, 0.0]).data == pytest.approx(1.75)
    assert huber([0.5, 3.0], [1.0, 0.0]).data == pytest.approx(1.3125)
    assert huber(3.0, 0.0, delta=2.0).data == pytest.approx(2.0 * (3.0 - 1.0))


def test_binary_cross_entropy_by_hand():
    # −ln 0.9 = 0.1053605 for a positive; −ln(1 − 0.2) = 0.2231436 for a negative.
    assert binary_cross_entropy(0.9, 1).data == pytest.approx(0.10536051565782628)
    assert binary_cross_entropy(0.2, 0).data == pytest.approx(0.2231435513142097)


def test_binary_cross_entropy_of_a_certain_right_answer_is_zero():
    # 0·ln 0 = 0: p = 1 for t = 1 (and p = 0 for t = 0) costs nothing.
    assert binary_cross_entropy([1.0, 0.0], [1, 0]).data == 0.0


def test_cross_entropy_of_the_cs231n_cat_example_is_2_04():
    # cs231n (linear classification notes): scores cat 3.2, car 5.1, frog −1.7, true class cat;
    # softmax 0.13, 0.87, 0.00 and loss −ln 0.13 = 2.04.
    assert round(cross_entropy([3.2, 5.1, -1.7], 0).data, 2) == 2.04


def test_multiclass_svm_loss_of_the_cs231n_table_is_2_9_0_and_12_9():
    # cs231n: cat image max(0, 5.1 − 3.2 + 1) + max(0, −1.7 − 3.2 + 1) = 2.9; car image 0;
    # frog image max(0, 2.2 + 3.1 + 1) + max(0, 2.5 + 3.1 + 1) = 12.9; mean 5.27.
    scores = [[3.2, 5.1, -1.7], [1.3, 4.9, 2.0], [2.2, 2.5, -3.1]]
    assert [multiclass_hinge(s, y).data for s, y in zip(scores, [0, 1, 2], strict=True)] == (
        pytest.approx([2.9, 0.0, 12.9])
    )
    assert multiclass_hinge(scores, [0, 1, 2]).data == pytest.approx(15.8 / 3)


def test_kl_divergence_by_hand_and_zero_for_equal_distributions():
    # KL([1, 0] ‖ [0.5, 0.5]) = 1·ln(1/0.5) + 0 = ln 2.
    assert kl_divergence([0.5, 0.5], [1.0, 0.0]).data == pytest.approx(math.log(2))
    assert kl_divergence([0.2, 0.8], [0.2, 0.8]).data == pytest.approx(0.0, abs=1e-15)


def test_hinge_by_hand():
    # y = 0.3 on a positive: 1 − 0.3 = 0.7; y = −2 on a negative: max(0, 1 − 2) = 0.
    assert hinge([0.3, -2.0], [1, -1], reduction="sum").data == pytest.approx(0.7)


def test_losses_accept_values_numbers_and_lists_alike():
    assert mse(Value(0.5), 1).data == mse([0.5], [1.0]).data == mse(0.5, Value(1.0)).data == 0.25
    assert isinstance(mae(2, 1), Value)


def test_gradient_flows_to_a_target_given_as_a_value():
    # ∂(t − o)²/∂t = 2(t − o) = 2·(1 − 0.474).
    t = Value(1.0)
    squared_error(0.474, t).backward()
    assert t.grad == pytest.approx(1.052)


@pytest.mark.parametrize("call, error, message", [
    (lambda: mse([1.0, 2.0], [1.0]), ValueError, "prediction has 2 values but the target has 1"),
    (lambda: mse([1.0], [1.0], reduction="avg"), ValueError,
     "reduction must be 'mean' or 'sum', got 'avg'"),
    (lambda: cross_entropy([1.0, 2.0], 0, reduction="none"), ValueError, "reduction must be"),
    (lambda: mae([], []), ValueError, "mae prediction is empty"),
    (lambda: mse("0.5", 1.0), TypeError, "mse prediction must be a number, a Value, or a list"),
    (lambda: mse([0.5, None], [1.0, 1.0]), TypeError, r"mse prediction\[1\] must be a number"),
    (lambda: mse(0.5, True), TypeError,
     r"mse target must be a number or a Value, got bool: True \(write 1 or 0"),
    (lambda: mse(float("inf"), 1.0), ValueError, "must be a finite number"),
    (lambda: huber(1.0, 0.0, delta=0), ValueError, "delta must be positive"),
    (lambda: binary_cross_entropy(1.2, 1), ValueError,
     r"predicted probability \(apply sigmoid first\) must be in \[0, 1\], got 1.2"),
    (lambda: binary_cross_entropy(0.5, 2), ValueError, r"target must be in \[0, 1\], got 2"),
    (lambda: binary_cross_entropy(0.0, 1), ValueError, "binary_cross_entropy is infinite"),
    (lambda: kl_divergence([0.0, 1.0], [0.5, 0.5]), ValueError, "kl_divergence is infinite"),
    (lambda: hinge(0.3, 0), ValueError, "hinge needs targets -1 or [+]1, got 0.0"),
    (lambda: cross_entropy([1.0, 2.0, 3.0, 4.0], 4), ValueError,
     r"class index 4 is out of range for 4 classes \(0..3\)"),
    (lambda: cross_entropy([1.0, 2.0], 1.0), TypeError, "class index"),
    (lambda: cross_entropy([[1.0, 2.0]], [0, 1]), ValueError, "2 class indices needs"),
    (lambda: cross_entropy([], []), ValueError, "no examples"),
    (lambda: multiclass_hinge([1.0], 0), ValueError, "at least 2 classes"),
])
def test_bad_input_to_a_loss_says_what_is_wrong(call, error, message):
    with pytest.raises(error, match=message):
        call()
