"""`lab.step` on networks other than the lecture's, against hand calculations and PyTorch.

The 2-2-2 network is Matt Mazur's "A Step by Step Backpropagation Example" (2015): inputs 0.05
and 0.10, targets 0.01 and 0.99, E = ½Σ(t − o)², η = 0.5, and biases that are not updated. His
weights w1..w8 are given here by their book names ([names]); his shared biases b1 = 0.35 and
b2 = 0.60 become one frozen bias per unit.
"""

import math

import jax
import jax.numpy as jnp
import optax
import pytest
from worked_by_hand import by_hand

import lab
from lab.spec import from_dict


def sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x))


MAZUR = {
    "title": "Mazur's 2-2-2 example", "inputs": 2, "layers": [2, 2], "loss": "half-squared",
    "lr": 0.5,
    "weights": {"w13": 0.15, "w23": 0.20, "w14": 0.25, "w24": 0.30, "w35": 0.40, "w45": 0.45,
                "w36": 0.50, "w46": 0.55, "b3": 0.35, "b4": 0.35, "b5": 0.60, "b6": 0.60},
    "names": {"w13": "w1", "w23": "w2", "w14": "w3", "w24": "w4", "w35": "w5", "w45": "w6",
              "w36": "w7", "w46": "w8"},
    "frozen": ["b3", "b4", "b5", "b6"],
    "examples": [{"x": [0.05, 0.10], "t": [0.01, 0.99]}],
}


def mazur_by_hand():
    """Forward: net_h1 = w1·i1 + w2·i2 + b1, out = σ(net); E = ½Σ(t − o)². Backward:
    ∂E/∂w5 = −(t1 − o1)·o1(1 − o1)·out_h1; ∂E/∂w1 = Σₖ δₖ·w_hk · h1(1 − h1)·i1."""
    i1, i2, t1, t2 = 0.05, 0.10, 0.01, 0.99
    h1 = sigmoid(0.15 * i1 + 0.20 * i2 + 0.35)
    h2 = sigmoid(0.25 * i1 + 0.30 * i2 + 0.35)
    o1 = sigmoid(0.40 * h1 + 0.45 * h2 + 0.60)
    o2 = sigmoid(0.50 * h1 + 0.55 * h2 + 0.60)
    e = 0.5 * (t1 - o1) ** 2 + 0.5 * (t2 - o2) ** 2
    d1 = (t1 - o1) * o1 * (1 - o1)            # δ = −∂E/∂net
    d2 = (t2 - o2) * o2 * (1 - o2)
    dh1 = h1 * (1 - h1) * (0.40 * d1 + 0.50 * d2)
    dh2 = h2 * (1 - h2) * (0.45 * d1 + 0.55 * d2)
    grads = {"w5": -d1 * h1, "w6": -d1 * h2, "w7": -d2 * h1, "w8": -d2 * h2,
             "w1": -dh1 * i1, "w2": -dh1 * i2, "w3": -dh2 * i1, "w4": -dh2 * i2}
    return {"h1": h1, "h2": h2, "o1": o1, "o2": o2, "E": e, "grads": grads,
            "delta": {"3": dh1, "4": dh2, "5": d1, "6": d2}}


def test_mazur_two_outputs_forward_pass_is_his():
    record = lab.step(from_dict(MAZUR))[0]
    hand = mazur_by_hand()
    assert record.forward["3"]["net"] == pytest.approx(0.3775, abs=1e-12)
    assert record.forward["3"]["out"] == pytest.approx(hand["h1"], rel=1e-12)
    assert record.forward["5"]["out"] == pytest.approx(hand["o1"], rel=1e-12)
    assert record.forward["6"]["out"] == pytest.approx(hand["o2"], rel=1e-12)
    assert record.loss == pytest.approx(hand["E"], rel=1e-12)
    # his published decimals
    assert record.forward["5"]["out"] == pytest.approx(0.75136507, abs=1e-8)
    assert record.forward["6"]["out"] == pytest.approx(0.772928465, abs=1e-9)
    assert record.loss == pytest.approx(0.298371109, abs=1e-9)


def test_mazur_error_terms_sum_over_both_outputs():
    record = lab.step(from_dict(MAZUR))[0]
    for unit, d in mazur_by_hand()["delta"].items():
        assert record.errors[unit] == pytest.approx(d, rel=1e-12), unit


def test_mazur_updated_weights_use_the_books_names_and_are_his():
    record = lab.step(from_dict(MAZUR))[0]
    hand = mazur_by_hand()["grads"]
    for name, g in hand.items():
        assert record.gradients[name] == pytest.approx(g, rel=1e-12), name
    published = {"w5": 0.35891648, "w6": 0.408666186, "w7": 0.511301270, "w8": 0.561370121,
                 "w1": 0.149780716, "w2": 0.19956143, "w3": 0.24975114, "w4": 0.29950229}
    for name, new in published.items():
        assert record.updated[name] == pytest.approx(new, abs=1e-8), name
    assert "w13" not in record.updated and "w1" in record.updated


def test_frozen_biases_keep_their_value_but_report_their_gradient():
    record = lab.step(from_dict(MAZUR))[0]
    d = mazur_by_hand()["delta"]
    assert record.updated["b5"] == 0.60 and record.steps["b5"] == 0.0
    assert record.gradients["b5"] == pytest.approx(-d["5"], rel=1e-12)


def tanh_spec(**changes):
    spec = {"inputs": 2, "layers": [1, 1], "activation": "tanh", "output_activation": "sigmoid",
            "loss": "squared", "lr": 0.1,
            "weights": {"w13": 0.5, "w23": -1.0, "w34": 2.0, "b3": 0.25, "b4": -0.5},
            "examples": [{"x": [1.0, 2.0], "t": [1.0]}]}
    return from_dict({**spec, **changes})


def test_tanh_hidden_unit_uses_one_minus_o_squared():
    """i3 = 0.5·1 − 1·2 + 0.25 = −1.25, o3 = tanh(−1.25); i4 = 2·o3 − 0.5, o4 = σ(i4);
    δ4 = 2(t − o4)·o4(1 − o4); δ3 = (1 − o3²)·w34·δ4; ∂E/∂w = −δ·o."""
    o3 = math.tanh(-1.25)
    o4 = sigmoid(2.0 * o3 - 0.5)
    d4 = 2 * (1.0 - o4) * o4 * (1 - o4)
    d3 = (1 - o3 ** 2) * 2.0 * d4
    record = lab.step(tanh_spec())[0]
    assert record.forward["3"] == pytest.approx({"net": -1.25, "out": o3}, rel=1e-12)
    assert record.errors["3"] == pytest.approx(d3, rel=1e-12)
    expected = {"w13": -d3 * 1.0, "w23": -d3 * 2.0, "b3": -d3, "w34": -d4 * o3, "b4": -d4}
    for name, g in expected.items():
        assert record.gradients[name] == pytest.approx(g, rel=1e-12), name
        assert record.updated[name] == pytest.approx(tanh_spec().weights[name] - 0.1 * g,
                                                     rel=1e-12), name


def test_a_list_of_activations_gives_one_per_hidden_layer():
    spec = from_dict({"inputs": 1, "layers": [1, 1, 1], "activation": ["relu", "tanh"],
                      "output_activation": "linear", "loss": "mse", "lr": 1.0,
                      "weights": {"w12": 2.0, "w23": 0.5, "w34": 3.0, "b2": -1.0, "b3": 0.0,
                                  "b4": 0.0},
                      "examples": [{"x": [1.5], "t": [0.0]}]})
    record = lab.step(spec)[0]
    # o2 = relu(2·1.5 − 1) = 2, o3 = tanh(0.5·2), o4 = 3·o3
    assert record.forward["2"]["out"] == 2.0
    assert record.forward["3"]["out"] == pytest.approx(math.tanh(1.0), rel=1e-12)
    assert record.loss == pytest.approx((3 * math.tanh(1.0)) ** 2, rel=1e-12)


TWO = [{"x": [1.0, 2.0], "t": [1.0]}, {"x": [-1.0, 0.5], "t": [0.0]}]


def test_a_per_epoch_update_uses_the_sum_of_the_two_examples_gradients():
    per_epoch = lab.step(tanh_spec(examples=TWO, update="per-epoch"))
    first = lab.step(tanh_spec(examples=TWO[:1]))[0]
    second = lab.step(tanh_spec(examples=TWO[1:]))[0]
    assert len(per_epoch) == 1
    record = per_epoch[0]
    assert record.example is None and len(record.passes) == 2
    for name, old in record.old.items():
        g = first.gradients[name] + second.gradients[name]
        assert record.gradients[name] == pytest.approx(g, rel=1e-12, abs=1e-15)
        assert record.updated[name] == pytest.approx(old - 0.1 * g, rel=1e-12)
    assert record.loss == [first.loss, second.loss]
    assert record.forward == [first.forward, second.forward]


def test_per_example_updates_run_one_after_the_other_over_the_epochs():
    run = lab.step(tanh_spec(examples=TWO, epochs=2))
    assert [(r.step, r.epoch, r.example) for r in run] == [(1, 1, 1), (2, 1, 2), (3, 2, 1),
                                                           (4, 2, 2)]
    for before, after in zip(run, run[1:], strict=False):
        assert after.old == before.updated
    assert run.final == run[-1].updated


def test_json_of_a_run_has_one_entry_per_update_and_the_final_parameters():
    data = lab.step(tanh_spec(examples=TWO, update="per-epoch", epochs=2)).to_dict()
    assert set(data) == {"steps", "final"}
    assert [s["step"] for s in data["steps"]] == [1, 2]
    entry = data["steps"][0]
    assert list(entry) == ["step", "epoch", "example", "forward", "loss", "errors", "gradients",
                           "updated", "quantities"]
    assert entry["example"] is None and len(entry["forward"]) == 2 and len(entry["loss"]) == 2


def test_three_three_two_cross_entropy_matches_jax_and_optax_for_four_steps():
    weights = {"w14": 0.1, "w24": -0.2, "w34": 0.3, "w15": 0.4, "w25": 0.5, "w35": -0.6,
               "w16": -0.7, "w26": 0.8, "w36": 0.9, "w47": 0.15, "w57": -0.25, "w67": 0.35,
               "w48": -0.45, "w58": 0.55, "w68": 0.65, "b4": 0.1, "b5": -0.1, "b6": 0.2,
               "b7": 0.05, "b8": -0.05}
    examples = [{"x": [1.0, 0.5, -1.0], "t": [1, 0]}, {"x": [0.2, -0.3, 0.8], "t": [0, 1]}]
    spec = from_dict({"inputs": 3, "layers": [3, 2], "activation": "sigmoid",
                      "output_activation": "linear", "loss": "cross-entropy", "lr": 0.5,
                      "epochs": 2, "weights": weights, "examples": examples})
    run = lab.step(spec)

    def matrix(names):
        return jnp.array([[weights[n] for n in row] for row in names])

    params = {"w1": matrix([["w14", "w24", "w34"], ["w15", "w25", "w35"], ["w16", "w26", "w36"]]),
              "w2": matrix([["w47", "w57", "w67"], ["w48", "w58", "w68"]]),
              "b1": jnp.array([0.1, -0.1, 0.2]), "b2": jnp.array([0.05, -0.05])}
    opt = optax.sgd(0.5)
    state = opt.init(params)

    def loss_of(p, x, k):
        scores = p["w2"] @ jax.nn.sigmoid(p["w1"] @ x + p["b1"]) + p["b2"]
        return optax.softmax_cross_entropy_with_integer_labels(scores, k)

    for record in run:
        ex = examples[record.example - 1]
        loss, grad = jax.value_and_grad(loss_of)(params, jnp.array(ex["x"]), ex["t"].index(1))
        assert record.loss == pytest.approx(float(loss), rel=1e-12)
        assert record.gradients["w57"] == pytest.approx(float(grad["w2"][0, 1]), rel=1e-12)
        assert record.gradients["w26"] == pytest.approx(float(grad["w1"][2, 1]), rel=1e-12)
        assert record.gradients["b8"] == pytest.approx(float(grad["b2"][1]), rel=1e-12)
        updates, state = opt.update(grad, state)
        params = optax.apply_updates(params, updates)
        assert record.updated["w36"] == pytest.approx(float(params["w1"][2, 2]), rel=1e-12)
        assert record.updated["w68"] == pytest.approx(float(params["w2"][1, 2]), rel=1e-12)
        assert record.updated["b4"] == pytest.approx(float(params["b1"][0]), rel=1e-12)


def test_the_lecture_spec_is_the_worked_example():
    spec = lab.spec.lecture()
    assert (spec.inputs, spec.layers, spec.lr, spec.loss) == (3, (2, 1), 0.9, "squared")
    record = lab.step(spec)[0]
    assert record.forward["6"]["out"] == pytest.approx(0.474, abs=5e-4)  # the slide's 0.474
    for name, new in by_hand("squared")["new"].items():
        assert record.updated[name] == pytest.approx(new, rel=1e-12, abs=1e-15), name


def test_units_from_10_on_are_named_with_an_underscore():
    weights = {f"w{i}_{j}": 0.1 for i in range(1, 6) for j in range(6, 10)}
    weights |= {f"w{j}_10": 0.1 for j in range(6, 10)} | {f"b{u}": 0.0 for u in range(6, 11)}
    spec = from_dict({"inputs": 5, "layers": [4, 1], "lr": 0.1, "weights": weights,
                      "examples": [{"x": [1, 1, 1, 1, 1], "t": [1]}]})
    assert "w9_10" in lab.step(spec)[0].gradients
