"""The training loop: same numbers as JAX with optax's SGD, the lecture's stopping criteria,
clear errors."""

import json
import sys

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

from nn import datasets
from nn.layers import MLP
from nn.optim import SGD, Adam
from nn.schedules import StepDecay
from nn.train import accuracy_rule, evaluate, fit

W1 = [[0.3, -0.6], [0.8, 0.1], [-0.4, 0.5]]
B1 = [0.1, -0.2, 0.05]
W2 = [[0.7, -0.5, 0.9]]
B2 = [-0.1]
X4 = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
Y4 = np.array([0.0, 1.0, 1.0, 0.0])


def small_net() -> MLP:
    m = MLP(2, [3, 1], activation="tanh", output_activation="sigmoid")
    m.set_weights([W1, W2], [B1, B2])
    return m


def _xor_net_out(p: dict, x):
    return jax.nn.sigmoid(jnp.tanh(x @ p["w1"].T + p["b1"]) @ p["w2"].T + p["b2"])[:, 0]


def _mse(p: dict) -> object:
    return ((_xor_net_out(p, jnp.asarray(X4)) - jnp.asarray(Y4)) ** 2).mean()


def jax_full_batch_sgd(epochs: int, lr: float) -> dict[str, np.ndarray]:
    params = {k: jnp.asarray(v, dtype=jnp.float64)
              for k, v in {"w1": W1, "b1": B1, "w2": W2, "b2": B2}.items()}
    opt = optax.sgd(lr)
    state = opt.init(params)
    for _ in range(epochs):
        updates, state = opt.update(jax.grad(_mse)(params), state)
        params = optax.apply_updates(params, updates)
    return {k: np.asarray(v) for k, v in params.items()}


def weights_of(m: MLP) -> dict[str, np.ndarray]:
    hidden, output = m.layers
    return {"w1": np.array([[w.data for w in n.w] for n in hidden.neurons]),
            "b1": np.array([n.b.data for n in hidden.neurons]),
            "w2": np.array([[w.data for w in n.w] for n in output.neurons]),
            "b2": np.array([n.b.data for n in output.neurons])}


@pytest.mark.parametrize("batched", [True, False])
def test_full_batch_gradient_descent_equals_jax_for_three_epochs(batched):
    m = small_net()
    h = fit(m, X4, Y4, loss="mse", optimizer=SGD(m.parameters(), lr=0.5), epochs=3,
            progress=False, batched=batched)
    want = jax_full_batch_sgd(3, 0.5)
    for key, value in weights_of(m).items():
        np.testing.assert_allclose(value, want[key], rtol=1e-12, atol=1e-14)
    assert h.epochs == 3
    assert h.stopped_because == "finished the 3 epochs asked for (max epochs)"


def test_first_epoch_loss_is_the_mean_loss_at_the_starting_weights():
    m = small_net()
    h = fit(m, X4, Y4, loss="mse", optimizer="sgd", lr=0.5, epochs=1, progress=False)
    start = {k: jnp.asarray(v, dtype=jnp.float64)
             for k, v in {"w1": W1, "b1": B1, "w2": W2, "b2": B2}.items()}
    assert h.loss[0] == pytest.approx(float(_mse(start)), rel=1e-12)


def test_mini_batches_give_the_same_weights_batched_or_one_example_at_a_time():
    X, y = datasets.moons(24, seed=1)
    runs = []
    for batched in (True, False):
        m = MLP(2, [4, 1], activation="tanh", output_activation="sigmoid", seed=2)
        fit(m, X, y, loss="binary_cross_entropy", optimizer=Adam(m.parameters(), lr=0.05),
            epochs=3, batch_size=5, seed=7, progress=False, batched=batched)
        runs.append(np.array(list(m.state_dict().values())))
    np.testing.assert_allclose(runs[0], runs[1], rtol=1e-12, atol=1e-14)


def test_xor_learned_to_100_percent_by_a_seeded_mlp():
    X, y = datasets.xor()
    m = MLP(2, [4, 1], activation="tanh", output_activation="sigmoid", seed=0)
    h = fit(m, X, y, loss="binary_cross_entropy", optimizer=Adam(m.parameters(), lr=0.1),
            epochs=300, max_error_rate=0.0, progress=False)
    assert "misclassification rate 0.0%" in h.stopped_because
    assert h.epochs < 300
    assert [int(m(x).data >= 0.5) for x in X.tolist()] == [0, 1, 1, 0]


def test_two_moons_learned_to_at_least_97_percent():
    X, y = datasets.moons(150, noise=0.1, seed=0)
    m = MLP(2, [8, 8, 1], activation="tanh", output_activation="sigmoid", seed=0)
    h = fit(m, X, y, loss="binary_cross_entropy", optimizer=Adam(m.parameters(), lr=0.05),
            epochs=60, batch_size=16, max_error_rate=0.03, progress=False)
    assert "misclassification rate" in h.stopped_because
    # counted here, independently of fit's bookkeeping
    right = sum(int(m(x).data >= 0.5) == t for x, t in zip(X.tolist(), y, strict=True))
    assert right / len(y) >= 0.97


def test_three_blobs_with_softmax_cross_entropy_and_class_indices():
    X, y = datasets.blobs(60, centers=3, std=0.5, seed=0)
    m = MLP(2, [3], output_activation="linear", seed=0)
    h = fit(m, X, y, loss="cross_entropy", optimizer=Adam(m.parameters(), lr=0.1), epochs=100,
            max_error_rate=0.0, progress=False)
    assert "misclassification" in h.stopped_because
    assert evaluate(m, X, y)["accuracy"] == 1.0


def test_plus_minus_one_targets_with_hinge_loss_use_the_sign():
    X, y = datasets.and_gate()
    m = MLP(2, [1], output_activation="linear", seed=0)
    fit(m, X, 2 * y - 1, loss="hinge", optimizer="sgd", lr=0.1, epochs=200,
        max_error_rate=0.0, progress=False)
    assert [1 if m(x).data >= 0 else -1 for x in X.tolist()] == [-1, -1, -1, 1]


def test_stops_when_weight_changes_are_below_tol_and_finds_the_line():
    # targets y = 2x + 1 exactly: gradient descent on the mean squared error converges to w=2, b=1
    X = np.linspace(-1, 1, 9).reshape(-1, 1)
    y = 2 * X[:, 0] + 1
    m = MLP(1, [1], output_activation="linear", seed=0)
    h = fit(m, X, y, loss="mse", optimizer="sgd", lr=0.4, epochs=1000, tol=1e-7, progress=False)
    assert "below tol 1e-07" in h.stopped_because
    assert h.epochs < 1000
    assert h.weight_change[-1] < 1e-7 <= h.weight_change[-2]
    assert h.accuracy == [None] * h.epochs  # regression: no accuracy
    assert m.state_dict() == pytest.approx({"w12": 2.0, "b2": 1.0}, abs=1e-5)


def test_schedule_sets_the_learning_rate_of_each_epoch():
    m = small_net()
    h = fit(m, X4, Y4, optimizer=SGD(m.parameters(), lr=1.0),
            schedule=StepDecay(0.4, factor=0.5, every=2), epochs=5, progress=False)
    assert h.lr == pytest.approx([0.4, 0.4, 0.2, 0.2, 0.1])


def test_divergence_stops_with_advice_instead_of_nan_weights():
    X = np.linspace(-5, 5, 11).reshape(-1, 1)
    m = MLP(1, [1], output_activation="linear", seed=0)
    h = fit(m, X, 3 * X[:, 0], optimizer="sgd", lr=10.0, epochs=500, progress=False)
    assert "try a smaller learning rate" in h.stopped_because
    assert h.epochs < 500
    assert all(np.isfinite(list(m.state_dict().values())))


def test_a_saturated_sigmoid_under_cross_entropy_stops_with_advice_instead_of_an_error():
    # lr 1e6 drives the output unit's net input far beyond ±40, where σ is exactly 0 or 1 in
    # floating point: −ln 0 for an example whose target says otherwise is an infinite loss
    h = fit(small_net(), X4, Y4, loss="binary_cross_entropy", optimizer="sgd", lr=1e6,
            epochs=50, progress=False)
    assert h.stopped_because.startswith("the loss became inf in epoch ")
    assert "probability of 0 was predicted" in h.stopped_because
    assert "try a smaller learning rate" in h.stopped_because


def test_history_as_dict_is_json():
    h = fit(small_net(), X4, Y4, epochs=2, progress=False)
    d = json.loads(json.dumps(h.as_dict()))
    assert d["epochs"] == 2
    assert set(d) == {"loss", "accuracy", "lr", "weight_change", "stopped_because", "epochs",
                      "compiled", "not_compiled_because"}
    assert len(d["loss"]) == len(d["accuracy"]) == len(d["lr"]) == 2


def test_progress_bar_only_when_asked_or_on_a_terminal(capsys):
    fit(small_net(), X4, Y4, epochs=2, progress=True)
    assert "training" in capsys.readouterr().err
    fit(small_net(), X4, Y4, epochs=2, progress=False)
    fit(small_net(), X4, Y4, epochs=2)  # captured stderr is not a terminal
    assert capsys.readouterr().err == ""


def test_progress_bar_shows_by_itself_on_a_terminal(capsys, monkeypatch):
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)  # as if run in a terminal
    fit(small_net(), X4, Y4, epochs=2)
    assert "training" in capsys.readouterr().err


@pytest.mark.parametrize("outputs, target, y, right", [
    ([0.7], 1, np.array([0, 1]), True),           # sigmoid: 0.7 ≥ 0.5 → 1
    ([0.5], 0, np.array([0, 1]), False),          # exactly 0.5 counts as 1
    ([-0.2], -1, np.array([-1, 1]), True),        # ±1 targets: the sign
    ([0.1, 2.0, -1.0], 1, np.array([0, 1, 2]), True),             # argmax
    ([0.1, 2.0, -1.0], [1.0, 0.0, 0.0], np.eye(3), False),        # one-hot target
])
def test_accuracy_rules_as_the_lecture_decides(outputs, target, y, right):
    decided = accuracy_rule(y, len(outputs))(np.array([outputs]), np.array([target]))
    assert decided.tolist() == [right]


def test_regression_targets_have_no_accuracy_rule():
    assert accuracy_rule(np.array([0.3, 1.7]), 1) is None


@pytest.mark.parametrize("kwargs, error, message", [
    ({"loss": "sqaured"}, ValueError, "unknown loss 'sqaured': choose one of"),
    ({"loss": 3}, TypeError, "loss must be a loss name or a function"),
    ({"optimizer": "adamw"}, ValueError, "unknown optimizer 'adamw'"),
    ({"optimizer": "sgd", "lr": -0.1}, ValueError, "must be positive, got -0.1"),
    ({"epochs": 0}, ValueError, "epochs must be at least 1"),
    ({"batch_size": 0}, ValueError, "batch_size must be at least 1"),
    ({"tol": -1.0}, ValueError, "tol must be positive"),
    ({"max_error_rate": 5}, ValueError, "max_error_rate is a fraction"),
    ({"schedule": 0.1}, TypeError, "schedule must be a function"),
])
def test_bad_settings_are_explained(kwargs, error, message):
    with pytest.raises(error, match=message):
        fit(small_net(), X4, Y4, progress=False, **kwargs)


@pytest.mark.parametrize("X, y, message", [
    (X4[:, :1], Y4, "expected 2 inputs per example, X has 1 columns"),
    (X4[0], Y4, "2-D table"),
    (X4, Y4[:3], "one target per example: X has 4 examples"),
    (X4 * np.nan, Y4, "X must contain only finite numbers"),
    ([["a", "b"]], [1], "X must be a table of numbers"),
    (X4, np.array(["a", "b", "c", "d"]), "y must contain only finite numbers"),
])
def test_bad_data_shapes_are_explained(X, y, message):
    with pytest.raises(ValueError, match=message):
        fit(small_net(), X, y, progress=False)


def test_optimizer_must_hold_this_models_parameters():
    other = small_net()
    with pytest.raises(ValueError, match="other parameters than the model's"):
        fit(small_net(), X4, Y4, optimizer=SGD(other.parameters(), lr=0.1), progress=False)
    m = small_net()
    with pytest.raises(ValueError, match="give the learning rate to the optimizer object"):
        fit(m, X4, Y4, optimizer=SGD(m.parameters(), lr=0.1), lr=0.2, progress=False)


def test_fit_needs_a_model():
    with pytest.raises(TypeError, match="fit trains a model such as nn.MLP"):
        fit(lambda x: x, X4, Y4, progress=False)


def test_max_error_rate_needs_class_labels():
    with pytest.raises(ValueError, match="max_error_rate needs class labels"):
        fit(small_net(), X4, Y4 + 0.5, max_error_rate=0.1, progress=False)
