"""Output units and decisions as the lecture teaches them: sigmoid (binary, multi-label), softmax.
"""

import math

import jax
import jax.numpy as jnp
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jax_oracle import value_and_grads

from autograd_core import Value, gradcheck
from nn import argmax, binary_decision, log_softmax, multilabel_decision, softmax

# The slide's table (cs231n's example): class, score z, unnormalised e^z, probability.
SLIDE = [
    ("Dog", -3.44, 0.0321, 0.0006),
    ("Cat", 1.16, 3.1899, 0.0596),
    ("Boat", -0.81, 0.4449, 0.0083),
    ("Airplane", 3.91, 49.8990, 0.9315),
]
SCORES = [z for _, z, _, _ in SLIDE]


def test_slide_softmax_table_gives_the_slide_probabilities_to_4_decimals():
    probs = softmax(SCORES)
    assert [round(p.data, 4) for p in probs] == [p for _, _, _, p in SLIDE]


def test_slide_softmax_table_probabilities_are_the_unnormalised_column_over_its_sum():
    # The slide's middle column e^z, divided by its own total 53.5659, is its last column;
    # our probabilities in ratio to Airplane's reproduce that column to its 4 decimals.
    probs = [p.data for p in softmax(SCORES)]
    unnormalised = [u for _, _, u, _ in SLIDE]
    total = sum(unnormalised)
    assert probs == pytest.approx([u / total for u in unnormalised], abs=5e-5)
    rescaled = [p / probs[3] * 49.8990 for p in probs]
    assert rescaled == pytest.approx(unnormalised, abs=1e-4)


def test_slide_softmax_table_labels_the_image_airplane():
    assert SLIDE[argmax(softmax(SCORES))][0] == "Airplane"


def test_softmax_probabilities_sum_to_1():
    assert sum(p.data for p in softmax(SCORES)) == pytest.approx(1.0, abs=1e-15)


@pytest.mark.parametrize("scores", [[1000.0, 1001.0, 999.0], [-1000.0, -1001.0], [710.0, 0.0]])
def test_softmax_is_stable_for_huge_scores_and_matches_jax(scores):
    ours = [p.data for p in softmax(scores)]
    expected = jax.nn.softmax(jnp.asarray(scores, dtype=jnp.float64)).tolist()
    assert all(math.isfinite(p) for p in ours)
    assert ours == pytest.approx(expected, rel=1e-12, abs=1e-300)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-1000, 1000), min_size=1, max_size=6))
def test_softmax_and_log_softmax_of_any_scores_match_jax(scores):
    t = jnp.asarray(scores, dtype=jnp.float64)
    probs = [p.data for p in softmax(scores)]
    assert probs == pytest.approx(jax.nn.softmax(t).tolist(), rel=1e-9, abs=1e-300)
    assert sum(probs) == pytest.approx(1.0, abs=1e-12)
    logs = [v.data for v in log_softmax(scores)]
    assert logs == pytest.approx(jax.nn.log_softmax(t).tolist(), rel=1e-9, abs=1e-9)


def test_log_softmax_stays_finite_where_the_probability_underflows():
    # p = e^−1000 / (1 + e^−1000) underflows to 0, but ln p = −1000 − ln(1 + e^−1000) ≈ −1000.
    assert [v.data for v in log_softmax([1000.0, 0.0])] == pytest.approx([0.0, -1000.0])


@pytest.mark.parametrize("fn, jax_fn", [(softmax, jax.nn.softmax),
                                        (log_softmax, jax.nn.log_softmax)])
def test_softmax_and_log_softmax_jacobians_match_jax(fn, jax_fn):
    scores = [0.3, -1.2, 2.0, 0.7]
    for i in range(len(scores)):
        xs = [Value(z) for z in scores]
        out = fn(xs)[i]
        out.backward()
        value, (expected_row,) = value_and_grads(lambda t, i=i: jax_fn(t)[i], scores)
        assert out.data == pytest.approx(value, rel=1e-12)
        assert [x.grad for x in xs] == pytest.approx(expected_row.tolist(), rel=1e-10, abs=1e-14)


@pytest.mark.parametrize("fn", [softmax, log_softmax])
def test_softmax_gradients_match_central_differences(fn):
    weights = [1.0, -2.0, 0.5]  # a weighted sum checks every row of the Jacobian at once
    gradcheck(lambda *zs: sum(w * p for w, p in zip(weights, fn(zs), strict=True)),
              [0.2, 1.5, -0.4])


def test_softmax_of_a_single_score_is_certain():
    assert softmax([4.2])[0].data == 1.0


def test_sigmoid_binary_unit_outputs_1_at_0_5_or_more_and_0_below():
    # Slide: "If >= 0.5, output 1; else, outputs 0"; σ(0) = 0.5 exactly.
    assert binary_decision(Value(0.0).sigmoid()) == 1
    assert binary_decision(0.5) == 1
    assert binary_decision(0.4999) == 0
    assert binary_decision(Value(-0.01).sigmoid()) == 0
    assert binary_decision(0.7, threshold=0.8) == 0


def test_group_discussion_sigmoid_marks_several_labels_softmax_picks_one():
    # The discussion's figure is an image absent from the lecture text, so these output scores
    # are ours. σ(2.0) = 0.881, σ(−1.0) = 0.269, σ(0.5) = 0.622, σ(0.0) = 0.5, σ(−3.0) = 0.047:
    # with sigmoids every label with score ≥ 0 is present; softmax names only the largest score.
    labels = ["cat", "dog", "boat", "person", "car"]
    scores = [2.0, -1.0, 0.5, 0.0, -3.0]
    present = multilabel_decision([Value(z).sigmoid() for z in scores])
    assert [name for name, bit in zip(labels, present, strict=True) if bit] == [
        "cat", "boat", "person"
    ]
    assert labels[argmax(softmax(scores))] == "cat"


def test_argmax_takes_the_first_of_equal_largest_values():
    assert argmax([0.1, 0.7, 0.7]) == 1
    assert argmax(3.0) == 0


@pytest.mark.parametrize("call, error, message", [
    (lambda: softmax([]), ValueError, "softmax scores is empty"),
    (lambda: softmax("1 2 3"), TypeError, "softmax scores must be a number, a Value, or a list"),
    (lambda: softmax([1.0, None]), TypeError, r"softmax scores\[1\] must be a number"),
    (lambda: softmax([1.0, float("nan")]), ValueError, "must be a finite number"),
    (lambda: log_softmax([True, 1.0]), TypeError, "must be a number or a Value, got bool"),
    (lambda: argmax([]), ValueError, "is empty"),
    (lambda: binary_decision(1.3), ValueError, "probability in .0, 1., got 1.3; apply sigmoid"),
    (lambda: binary_decision(0.4, threshold=2), ValueError, "threshold must be a probability"),
    (lambda: binary_decision("yes"), TypeError, "must be a number or a Value"),
    (lambda: multilabel_decision([0.2, -0.1]), ValueError, "probability of label 1"),
])
def test_bad_input_to_output_units_says_what_is_wrong(call, error, message):
    with pytest.raises(error, match=message):
        call()
