"""nn on batches: ``model(X)`` on a table of examples, every loss, ``fit`` and the diagnostics give
the numbers of the scalar path (one graph per example) to 1e-12; the scalar path itself draws and
traces exactly as it did before batching was added (tests/data/scalar_golden.json, recorded then
by scripts/make_scalar_golden.py); bad batches get clear errors.
"""

from __future__ import annotations

import importlib.util
import json
import math
from pathlib import Path

import jax
import numpy as np
import optax
import pytest
from jax_oracle import assert_layer_grads, layer_arrays

from autograd_core import BatchValue, Value, trace
from nn import (
    LOSSES,
    MLP,
    SGD,
    Adam,
    binary_cross_entropy,
    cross_entropy,
    dead_relu_units,
    evaluate,
    fit,
    hinge,
    huber,
    log_softmax,
    mse,
    softmax,
)

TOL = 1e-12
ROOT = Path(__file__).resolve().parent.parent
ACTIVATION_NAMES = ["sigmoid", "tanh", "relu", "leaky_relu", "elu", "softplus", "linear"]


def close(got: float, expected: float, scale: float = 1.0) -> bool:
    return abs(got - expected) <= TOL * (abs(expected) + scale)


def per_example(model, X, T, loss_fn, **kwargs):
    """The scalar path: one graph per example. Returns the losses and the gradients (name → list
    of the per-example values)."""
    losses, grads = [], {name: [] for name, _ in model.named_parameters()}
    for x, t in zip(X, T, strict=True):
        model.zero_grad()
        target = t.tolist()
        loss = loss_fn(model(x.tolist()), target, **kwargs)
        loss.backward()
        losses.append(loss.data)
        for name, p in model.named_parameters():
            grads[name].append(p.grad)
    return losses, grads


def assert_batch_equals_examples(model, X, T, loss_fn, reduction):
    losses, grads = per_example(model, X, T, loss_fn, reduction=reduction)
    model.zero_grad()
    batch_loss = loss_fn(model(X), T, reduction=reduction)
    assert not isinstance(batch_loss, BatchValue)
    batch_loss.backward()
    n = len(X) if reduction == "mean" else 1
    assert close(batch_loss.data, math.fsum(losses) / n)
    for name, p in model.named_parameters():
        expected = math.fsum(grads[name]) / n
        assert close(p.grad, expected, math.fsum(map(abs, grads[name])) / n + 1.0), name


RNG = np.random.default_rng(11)
X8 = RNG.uniform(-2, 2, size=(8, 3))


@pytest.mark.parametrize("activation", ACTIVATION_NAMES)
def test_an_mlp_on_a_table_gives_each_examples_outputs_and_the_mean_gradient(activation):
    model = MLP(3, [4, 3, 2], activation=activation, output_activation=activation, seed=2)
    outs = model(X8)
    assert isinstance(outs, list) and all(isinstance(o, BatchValue) for o in outs)
    for e, x in enumerate(X8):
        for o, o_e in zip(outs, model(x.tolist()), strict=True):
            assert close(o.data[e], o_e.data)
    assert_batch_equals_examples(model, X8, RNG.uniform(-1, 1, size=(8, 2)), mse, "mean")


def test_a_table_gives_input_leaves_x1_to_xn_and_the_units_net_and_out_labels():
    model = MLP(3, [2, 1], activation="sigmoid", seed=0)
    out = model(X8)
    assert isinstance(out, BatchValue) and out.data.shape == (8,)
    assert out.label == "o6" and model.layers[0].neurons[0].net.label == "i4"
    leaves = [p for p in model.layers[0].neurons[0].net.parents if isinstance(p, BatchValue)]
    assert [leaf.label for leaf in leaves] == ["x1", "x2", "x3"]
    assert leaves[1].data.tolist() == X8[:, 1].tolist()


def _targets(loss: str, rng: np.random.Generator, n: int):
    """(output activation, number of outputs, targets) suited to each loss."""
    if loss in ("cross_entropy", "multiclass_hinge"):
        return "linear", 3, rng.integers(0, 3, size=n)
    if loss == "hinge":
        return "linear", 1, rng.choice([-1.0, 1.0], size=n)
    if loss == "binary_cross_entropy":
        return "sigmoid", 2, np.where(rng.random((n, 2)) < 0.3, 1.0, rng.random((n, 2)))
    if loss == "kl_divergence":  # zero targets in some examples only: 0·ln 0 = 0 there
        return "sigmoid", 2, np.where(rng.random((n, 2)) < 0.4, 0.0, rng.random((n, 2)))
    return "linear", 2, rng.uniform(-3, 3, size=(n, 2))


@pytest.mark.parametrize("reduction", ["mean", "sum"])
@pytest.mark.parametrize("loss", sorted(LOSSES))
def test_every_loss_of_a_batch_is_the_mean_or_sum_of_its_examples_losses(loss, reduction):
    rng = np.random.default_rng(len(loss))
    output_activation, k, T = _targets(loss, rng, 10)
    model = MLP(3, [4, k], activation="tanh", output_activation=output_activation, seed=5)
    X = rng.uniform(-2, 2, size=(10, 3))
    assert_batch_equals_examples(model, X, T, LOSSES[loss], reduction)


def test_huber_of_a_batch_takes_each_examples_own_branch():
    # d = o − t: −0.5 (quadratic: ½·0.25 = 0.125), 3 (linear: 1·(3 − 0.5) = 2.5), −1 (at δ: 0.5)
    o = BatchValue(np.array([0.5, 4.0, 0.0]))
    loss = huber(o, np.array([1.0, 1.0, 1.0]), reduction="sum")
    assert loss.data == pytest.approx(0.125 + 2.5 + 0.5, abs=1e-15)
    loss.backward()
    # ∂/∂o = d for |d| ≤ δ, δ·sign(d) beyond
    assert o.grad.tolist() == pytest.approx([-0.5, 1.0, -1.0], abs=1e-15)


def test_softmax_of_a_batch_subtracts_each_examples_own_maximum():
    # scores 1000 and 0 in one example, 0 and 1 in the other: no overflow, each row sums to 1
    z1 = BatchValue(np.array([1000.0, 0.0]))
    z2 = BatchValue(np.array([0.0, 1.0]))
    p1, p2 = softmax([z1, z2])
    assert p1.data.tolist() == pytest.approx([1.0, 1 / (1 + math.e)], abs=1e-15)
    assert (p1.data + p2.data).tolist() == pytest.approx([1.0, 1.0], abs=1e-15)
    assert log_softmax([z1, z2])[1].data[0] == pytest.approx(-1000.0, abs=1e-12)


def test_cross_entropy_of_a_batch_matches_jax():
    rng = np.random.default_rng(4)
    X, y = rng.normal(size=(6, 3)), rng.integers(0, 3, size=6)
    model = MLP(3, [5, 3], activation="relu", seed=9)
    loss = cross_entropy(model(X), y)
    loss.backward()

    def theirs(layers):
        (W1, b1), (W2, b2) = layers
        logits = jax.nn.relu(X @ W1.T + b1) @ W2.T + b2
        return optax.softmax_cross_entropy_with_integer_labels(logits, y).mean()

    expected, grads = jax.value_and_grad(theirs)(layer_arrays(model))
    assert close(loss.data, float(expected))
    assert_layer_grads(model, grads, rel=0, abs=1e-12)


FIT_CASES = [
    ("mse", "sgd", None, 3),
    ("binary_cross_entropy", "adam", 5, 4),
    ("cross_entropy", "sgd", 7, 3),
    ("hinge", "adam", None, 3),
    ("squared_error", "sgd", 4, 3),
]


@pytest.mark.parametrize("loss, optimizer, batch_size, epochs", FIT_CASES)
def test_fit_batched_and_one_example_at_a_time_give_the_same_weights(loss, optimizer,
                                                                     batch_size, epochs):
    rng = np.random.default_rng(3)
    output_activation, k, y = _targets(loss, rng, 20)
    if loss == "binary_cross_entropy":
        y = (y[:, 0] > 0.5).astype(float)
        k = 1
    if loss in ("mse", "squared_error"):
        y = y[:, 0]
        k = 1
    X = rng.uniform(-2, 2, size=(20, 3))
    results = []
    for batched in (True, False):
        model = MLP(3, [4, k], activation="tanh", output_activation=output_activation, seed=1)
        opt = SGD(model.parameters(), lr=0.1, momentum=0.9) if optimizer == "sgd" else Adam(
            model.parameters(), lr=0.05)
        history = fit(model, X, y, loss=loss, optimizer=opt, epochs=epochs,
                      batch_size=batch_size, seed=4, progress=False, batched=batched)
        results.append((model.state_dict(), history))
    (batched_state, batched_history), (scalar_state, scalar_history) = results
    for name, value in scalar_state.items():
        assert close(batched_state[name], value), name
    assert all(close(a, b) for a, b in zip(batched_history.loss, scalar_history.loss,
                                            strict=True))
    assert batched_history.accuracy == scalar_history.accuracy
    assert batched_history.stopped_because == scalar_history.stopped_because


def test_evaluate_is_the_mean_loss_and_accuracy_of_the_examples():
    rng = np.random.default_rng(8)
    X, y = rng.normal(size=(12, 2)), rng.integers(0, 2, size=12)
    model = MLP(2, [3, 1], activation="tanh", output_activation="sigmoid", seed=3)
    result = evaluate(model, X, y, loss="binary_cross_entropy")
    outs = [model(x.tolist()) for x in X]
    losses = [binary_cross_entropy(o, float(t)).data for o, t in zip(outs, y, strict=True)]
    right = [int(o.data >= 0.5) == t for o, t in zip(outs, y, strict=True)]
    assert close(result["loss"], math.fsum(losses) / 12)
    assert result["accuracy"] == sum(right) / 12


def test_dead_relu_units_from_one_batched_pass_are_those_zero_on_every_example():
    model = MLP(2, [2, 1], activation="relu", seed=0)
    # unit 3: a bias of −5 no input here overcomes (dead); unit 4 outputs x1 > 0 for one row
    model.load_state_dict({"w13": 0.1, "w23": 0.1, "b3": -5.0, "w14": 1.0, "w24": 0.0,
                           "b4": 0.0, "w35": 1.0, "w45": 1.0, "b5": 0.0})
    X = np.array([[1.0, 1.0], [-1.0, 2.0], [-2.0, -1.0]])
    assert dead_relu_units(model, X) == [3]
    assert dead_relu_units(model, X[1:]) == [3, 4, 5]  # x1 < 0 in both rows: 4, then 5, die


def _golden_module():
    spec = importlib.util.spec_from_file_location(
        "make_scalar_golden", ROOT / "scripts" / "make_scalar_golden.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GOLDEN = json.loads((ROOT / "tests" / "data" / "scalar_golden.json").read_text())


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_one_examples_drawing_and_trace_are_as_before_batching(name):
    module = _golden_module()
    now = module.record(module.examples()[name])
    assert now["forward"] == GOLDEN[name]["forward"]  # DOT text, its numbers to 3 decimals
    assert now["backward"] == GOLDEN[name]["backward"]
    assert_same_within(json.loads(json.dumps(now["trace"])), GOLDEN[name]["trace"], rel=1e-12)


def assert_same_within(got, want, rel, where="trace"):
    """The same structure (keys, lengths, texts) with every number within ``rel`` of the
    recorded one: an identical rewrite of a rule (σ′ = s − s²) may move the last bits."""
    assert type(got) is type(want) or {type(got), type(want)} <= {int, float}, where
    if isinstance(want, dict):
        assert list(got) == list(want), where
        for key in want:
            assert_same_within(got[key], want[key], rel, f"{where}.{key}")
    elif isinstance(want, list):
        assert len(got) == len(want), where
        for k, (g, w) in enumerate(zip(got, want, strict=True)):
            assert_same_within(g, w, rel, f"{where}[{k}]")
    elif isinstance(want, float):
        assert got == pytest.approx(want, rel=rel, abs=1e-300), where
    else:
        assert got == want, where


def test_the_golden_comparison_allows_last_bit_changes_and_nothing_more():
    assert_same_within({"v": [0.1 + 0.2, "y"]}, {"v": [0.3, "y"]}, rel=1e-12)
    for bad in ({"v": [0.3 * (1 + 1e-11), "y"]}, {"v": [0.3, "z"]}, {"v": [0.3]}, {"w": []}):
        with pytest.raises(AssertionError):
            assert_same_within(bad, {"v": [0.3, "y"]}, rel=1e-12)


def test_a_single_example_still_gives_plain_values():
    out = MLP(3, [2, 1], seed=0)([1.0, 0.0, 1.0])
    assert type(out) is Value
    assert type(trace(hinge(out, 1.0)).to_dict()) is dict


@pytest.mark.parametrize("batch, error, match", [
    ([[1.0, 2.0, 3.0], [1.0, 2.0]], ValueError, "ragged"),
    (np.zeros((2, 3, 1)), ValueError, r"shape \(examples, values\), got shape \(2, 3, 1\)"),
    (np.zeros((4, 2)), ValueError, "expected 3 inputs, got 2"),
    (np.array([[True, False, True]]), TypeError, "true/false"),
    ([["a", "b", "c"]], TypeError, "numbers only"),
    (np.array([[1.0, np.nan, 0.0]]), ValueError, "finite"),
    ([BatchValue([1.0, 2.0]), BatchValue([1.0, 2.0, 3.0]), 1.0], ValueError,
     r"different sizes \[2, 3\]"),
])
def test_bad_batches_of_inputs_are_named(batch, error, match):
    with pytest.raises(error, match=match):
        MLP(3, [2, 1])(batch)


@pytest.mark.parametrize("call, error, match", [
    (lambda o: mse(o, np.zeros(5)), ValueError, r"batch of 4 examples .* shape \(4,\)"),
    (lambda o: mse(o, np.zeros((4, 2))), ValueError, r"shape \(4,\), got shape \(4, 2\)"),
    (lambda o: mse(o, np.array([True] * 4)), TypeError, "true/false"),
    (lambda o: binary_cross_entropy(o, np.array([0.0, 1.0, 2.0, 0.0])), ValueError,
     r"target must be in \[0, 1\], got 2.0 in example 2"),
    (lambda o: hinge(o, np.array([1.0, 0.0, 1.0, 1.0])), ValueError,
     r"targets -1 or \+1, got 0.0 in example 1 \(for 0/1 labels use 2·t − 1\)"),
    (lambda o: binary_cross_entropy(o * 0.0, np.array([0.0, 0.0, 1.0, 0.0])), ValueError,
     "infinite: a probability of 0 .* gives 1.0 in example 2"),
])
def test_bad_batch_targets_are_named(call, error, match):
    out = MLP(2, [1], output_activation="sigmoid", seed=0)(np.ones((4, 2)))
    with pytest.raises(error, match=match):
        call(out)


@pytest.mark.parametrize("target, error, match", [
    (np.array([0, 3, 1]), ValueError, r"class index 3 in example 1 is out of range for 3 classes"),
    (np.array([0.0, 1.0, 1.0]), TypeError, "class indices"),
    (np.array([0, 1]), ValueError, "batch of 3 examples but the target has 2"),
])
def test_bad_class_indices_of_a_batch_are_named(target, error, match):
    scores = MLP(2, [3], seed=0)(np.ones((3, 2)))
    with pytest.raises(error, match=match):
        cross_entropy(scores, target)


@pytest.mark.parametrize("options, kinds, calls", [
    ({}, {BatchValue}, 3),                   # the default: one call per mini-batch of 4
    ({"batched": False}, {Value}, 12),       # for stepping through: one call per example
])
def test_fit_is_batched_by_default_and_one_example_at_a_time_when_asked(options, kinds, calls):
    seen = []

    def recording_mse(prediction, target):
        seen.append(type(prediction))
        return mse(prediction, target)

    X = np.linspace(-1, 1, 24).reshape(12, 2)
    y = X[:, 0] - X[:, 1]
    model = MLP(2, [3, 1], activation="tanh", seed=0)
    fit(model, X, y, loss=recording_mse, optimizer=SGD(model.parameters(), lr=0.1), epochs=1,
        batch_size=4, progress=False, **options)
    assert set(seen) == kinds and len(seen) == calls


def test_a_bad_number_in_a_table_of_inputs_names_its_row_as_the_example():
    model = MLP(2, [1], seed=0)
    table = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, np.nan]])  # the nan is in row 2
    with pytest.raises(ValueError, match=r"got nan in example 2$"):
        model(table)


def test_fit_refuses_a_batched_setting_that_is_not_true_or_false():
    model = MLP(2, [1], seed=0)
    with pytest.raises(TypeError, match="batched must be True or False, got 'no'"):
        fit(model, [[1.0, 2.0]], [1.0], batched="no")
