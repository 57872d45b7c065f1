"""`fit` compiles by default where the loss allows it, lands where uncompiled training lands, and
says why when it does not compile."""

import re

import numpy as np
import pytest

import nn
from autograd_core import BatchValue, detect_anomaly
from nn.compiled import CompiledTraining, dense_layers
from nn.train import _batch_loss

X, T = nn.datasets.moons(40, seed=3)


def _pair(make_opt, **kw):
    """The same training compiled and not: (history, model) for each."""
    runs = []
    for compiled in (True, False):
        model = nn.MLP(2, [6, 4, 1], activation="tanh", output_activation="sigmoid", seed=2)
        h = nn.fit(model, X, T, loss="binary_cross_entropy", optimizer=make_opt(model),
                   progress=False, compiled=compiled, **kw)
        runs.append((h, model))
    return runs


OPTIMIZERS = {
    "sgd": lambda m: nn.SGD(m.parameters(), lr=0.5),
    "momentum": lambda m: nn.SGD(m.parameters(), lr=0.2, momentum=0.9),
    "nesterov": lambda m: nn.SGD(m.parameters(), lr=0.2, momentum=0.9, nesterov=True),
    "adagrad": lambda m: nn.AdaGrad(m.parameters(), lr=0.1),
    "rmsprop": lambda m: nn.RMSprop(m.parameters(), lr=0.01),
    "adam": lambda m: nn.Adam(m.parameters(), lr=0.05),
    "adam, no bias correction": lambda m: nn.Adam(m.parameters(), lr=0.05,
                                                  bias_correction=False),
}


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_compiled_fit_with_mini_batches_lands_where_uncompiled_fit_lands(name):
    # batches of 16 from 40 examples: 16, 16 and 8, so two programs (two batch sizes)
    (hc, mc), (hu, mu) = _pair(OPTIMIZERS[name], epochs=6, batch_size=16)
    assert hc.compiled and not hc.not_compiled_because and not hu.compiled
    np.testing.assert_allclose(hc.loss, hu.loss, rtol=1e-11)
    assert hc.accuracy == hu.accuracy
    np.testing.assert_allclose(hc.weight_change, hu.weight_change, rtol=1e-9, atol=1e-15)
    for (name_c, pc), (name_u, pu) in zip(mc.named_parameters(), mu.named_parameters(),
                                          strict=True):
        assert name_c == name_u
        assert pc.data == pytest.approx(pu.data, rel=1e-11, abs=1e-13)
        assert pc.grad == pytest.approx(pu.grad, rel=1e-9, abs=1e-13)


def test_after_a_compiled_fit_the_optimizer_state_continues_uncompiled_as_if_never_compiled():
    runs = []
    for first in (True, False):
        model = nn.MLP(2, [5, 1], activation="relu", output_activation="sigmoid", seed=4)
        opt = nn.Adam(model.parameters(), lr=0.05)
        nn.fit(model, X, T, loss="binary_cross_entropy", optimizer=opt, epochs=3,
               progress=False, compiled=first)
        nn.fit(model, X, T, loss="binary_cross_entropy", optimizer=opt, epochs=3,
               progress=False, compiled=False)
        runs.append((model.state_dict(), opt.state, opt.last_step))
    (sc, stc, lc), (su, stu, lu) = runs
    assert sc == pytest.approx(su, rel=1e-11)
    assert [s["t"] for s in stc] == [s["t"] for s in stu] == [6.0] * len(stc)
    assert lc == pytest.approx(lu, rel=1e-9, abs=1e-15)


def test_the_lecture_stopping_rule_sees_the_compiled_weights():
    (hc, _), (hu, _) = _pair(OPTIMIZERS["adam"], epochs=200, max_error_rate=0.1)
    assert hc.stopped_because == hu.stopped_because
    assert "misclassification rate" in hc.stopped_because


@pytest.mark.parametrize("loss", ["cross_entropy", "multiclass_hinge"])
def test_class_losses_compile_and_land_where_uncompiled_and_scalar_fit_land(loss):
    X3, y3 = nn.datasets.blobs(45, centers=3, seed=1)
    runs = []
    for how in ({"compiled": True}, {"compiled": False}, {"batched": False}):
        model = nn.MLP(2, [6, 3], activation="tanh", seed=5)
        h = nn.fit(model, X3, y3, loss=loss, optimizer=nn.Adam(model.parameters(), lr=0.05),
                   epochs=5, batch_size=20, progress=False, **how)  # batches of 20, 20 and 5
        runs.append((h, model.state_dict()))
    (hc, sc), *others = runs
    assert hc.compiled and hc.not_compiled_because == ""
    for h, state in others:
        assert not h.compiled
        np.testing.assert_allclose(hc.loss, h.loss, rtol=1e-11)
        assert hc.accuracy == h.accuracy
        for name, value in state.items():
            assert sc[name] == pytest.approx(value, rel=1e-10, abs=1e-13), name


@pytest.mark.parametrize("kwargs, words", [
    ({"batched": False}, "one scalar graph per example"),
    ({"loss": lambda p, t: nn.losses.mse(p, t)}, "custom loss"),
    ({"compiled": False}, "compiled=False"),
])
def test_fit_falls_back_and_says_why(kwargs, words):
    model = nn.MLP(2, [3, 1], seed=0)
    h = nn.fit(model, X, T, **{"loss": "mse", "epochs": 2, "progress": False, **kwargs})
    assert not h.compiled and words in h.not_compiled_because


def test_anomaly_detection_turns_compiling_off():
    model = nn.MLP(2, [3, 1], seed=0)
    with detect_anomaly():
        h = nn.fit(model, X, T, loss="mse", epochs=1, progress=False)
    assert not h.compiled and "anomaly detection" in h.not_compiled_because


def test_a_saturating_sigmoid_switches_to_the_uncompiled_pass_which_stops_with_its_advice():
    model = nn.MLP(2, [2, 1], output_activation="sigmoid", seed=0)
    h = nn.fit(model, X, T, loss="binary_cross_entropy", optimizer="sgd", lr=1e6, epochs=50,
               progress=False)
    assert h.not_compiled_because.startswith("ran uncompiled from epoch ")
    assert "op 'log'" in h.not_compiled_because
    assert "probability of 0 was predicted" in h.stopped_because


def test_compiled_must_be_true_false_or_none():
    with pytest.raises(TypeError, match="compiled"):
        nn.fit(nn.MLP(2, [1]), X, T, epochs=1, compiled="yes")


@pytest.mark.parametrize("loss, y, words", [
    ("cross_entropy", np.r_[np.zeros(30, int), 5, np.ones(9, int)],
     "class index 5 in example 30 is out of range"),
    ("hinge", np.r_[np.ones(30), 0.0, -np.ones(9)], "hinge needs targets -1 or +1"),
])
def test_a_bad_target_far_from_the_recorded_examples_is_still_reported(loss, y, words):
    # the graph is recorded on the first examples; the loss still checks every target
    model = nn.MLP(2, [3, 3 if loss == "cross_entropy" else 1], seed=0)
    with pytest.raises(ValueError, match=re.escape(words)):
        nn.fit(model, X, y, loss=loss, epochs=1, progress=False)


def test_a_program_recorded_on_two_examples_runs_the_whole_batch():
    model = nn.MLP(2, [4, 3], seed=1)
    compiled = CompiledTraining(model, nn.LOSSES["cross_entropy"], nn.SGD(model.parameters()),
                                _batch_loss)
    y3 = (X[:, 0] > 0).astype(int) + (X[:, 1] > 0)
    compiled.forward_backward(X, y3)
    program, _ = compiled.programs[len(X)]
    assert program.batch_size == len(X) == 40
    assert {x.data.size for x in program.inputs} == {2}  # recorded on two examples


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "leaky_relu", "elu",
                                        "softplus"])
def test_an_mlp_compiled_layer_by_layer_trains_as_recorded_unit_by_unit_bit_for_bit(
        activation, monkeypatch):
    X3, y3 = nn.datasets.blobs(45, centers=3, seed=1)
    runs = []
    for by_layer in (True, False):
        model = nn.MLP(2, [6, 5, 3], activation=activation, seed=3)
        if by_layer:
            xs = [BatchValue(X3[:2, k]) for k in range(2)]
            layers = dense_layers(model, xs)
            assert [d.op for d in layers] == [
                {"linear": None}.get(activation, activation)] * 2 + [None]
        else:  # what fit did before layers compiled whole: one linear node per unit
            monkeypatch.setattr(nn.compiled, "dense_layers", lambda model, xs: [])
        h = nn.fit(model, X3, y3, loss="cross_entropy", epochs=4, batch_size=16, progress=False,
                   optimizer=nn.Adam(model.parameters(), lr=0.05), compiled=True)
        runs.append((h.loss, model.state_dict(), [p.grad for p in model.parameters()]))
    assert runs[0] == runs[1]


def swish(v):
    """x·σ(x): two ops, so no single op of the rule table stands for it."""
    return v * v.sigmoid()


def semicircle(v):
    """√(1 − x²): several ops, defined on [−1, 1] only."""
    return (1 - v * v).sqrt()


def test_an_activation_defined_only_on_minus_1_to_1_is_probed_inside_it_and_still_compiles():
    # finding whether a layer's activation is one op tries it on a number inside [−1, 1]
    model = nn.MLP(2, [4, 1], activation=semicircle, output_activation="sigmoid", seed=5)
    assert dense_layers(model, [BatchValue(X[:2, k] / 10) for k in range(2)]) == []
    h = nn.fit(model, X / 10, T, loss="binary_cross_entropy", epochs=2, progress=False,
               compiled=True)  # |net input| ≤ 0.3 for every example: inside the domain
    assert h.compiled and len(h.loss) == 2


def test_a_loss_that_leaves_an_output_out_is_not_compiled_and_says_so():
    # output 4 is relu(−5 + …) = 0 for every example and its targets are 0: KL's terms
    # 0·ln 0 are 0 and left out, so the recorded loss reads output 3 only; another batch,
    # whose output 4 is not 0, would need a graph that reads it
    X = np.array([[0.1, 0.2], [0.3, 0.1], [0.5, 0.4], [0.2, 0.1]])
    Y = np.array([[0.4, 0.0], [0.5, 0.0], [0.45, 0.0], [0.35, 0.0]])

    def model():
        m = nn.MLP(2, [2], output_activation="relu")
        m.load_state_dict({"w13": 0.1, "w14": 0.1, "w23": 0.2, "w24": 0.1, "b3": 0.3, "b4": -5.0})
        return m

    h = nn.fit(model(), X, Y, loss="kl_divergence", epochs=2, progress=False)
    assert not h.compiled and h.not_compiled_because == (
        "ran uncompiled from epoch 1 on: the loss does not depend on every output of the model "
        "for every example")
    with pytest.raises(ValueError, match="compiled=True is not possible here: the loss does not "
                                         "depend on every output"):
        nn.fit(model(), X, Y, loss="kl_divergence", epochs=2, progress=False, compiled=True)


def test_a_layer_whose_units_differ_in_activation_is_recorded_unit_by_unit():
    # unit 4 of a tanh layer swapped for a relu unit of the same weights: no one op stands for
    # the layer's activation, so it cannot be one matrix product and one op
    def make():
        model = nn.MLP(2, [3, 1], activation="tanh", output_activation="sigmoid", seed=4)
        tanh_unit = model.layers[0].neurons[1]
        relu_unit = nn.Neuron(2, "relu", unit=tanh_unit.unit, input_units=(1, 2))
        relu_unit.w, relu_unit.b = tanh_unit.w, tanh_unit.b
        model.layers[0].neurons[1] = relu_unit
        return model

    assert dense_layers(make(), [BatchValue(X[:2, k]) for k in range(2)]) == []
    runs = [nn.fit(m, X, T, loss="binary_cross_entropy", optimizer="adam", lr=0.05, epochs=5,
                   progress=False, compiled=compiled) for compiled, m in ((True, make()),
                                                                          (False, make()))]
    assert runs[0].compiled and not runs[1].compiled
    np.testing.assert_allclose(runs[0].loss, runs[1].loss, rtol=1e-11)


class Halved(nn.MLP):
    """An MLP whose call is its own: it cannot be compiled from its layers."""

    def __call__(self, xs):
        out = super().__call__(xs)
        return out * 0.5


@pytest.mark.parametrize("make", [
    lambda: nn.MLP(2, [4, 1], activation=swish, output_activation="sigmoid", seed=5),
    lambda: Halved(2, [4, 1], activation="tanh", output_activation="sigmoid", seed=5),
])
def test_a_network_that_is_not_plain_layers_of_one_op_is_recorded_and_still_compiles(make):
    assert dense_layers(make(), [BatchValue(X[:2, k]) for k in range(2)]) == []
    (hc, mc), (hu, mu) = [
        (nn.fit(m, X, T, loss="binary_cross_entropy", optimizer="adam", lr=0.05, epochs=5,
                progress=False, compiled=compiled), m)
        for compiled, m in ((True, make()), (False, make()))]
    assert hc.compiled and not hu.compiled
    np.testing.assert_allclose(hc.loss, hu.loss, rtol=1e-11)
    assert mc.state_dict() == pytest.approx(mu.state_dict(), rel=1e-11)
