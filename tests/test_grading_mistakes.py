"""Grading a teacher can trust: every catalogued mistake named (alone, and after an earlier
unrelated slip), carried-forward credit only where it is deserved, per-epoch numbers named with
their example, and the precision rule.

Every planted number is computed here by plain arithmetic (a one-hidden-layer network by hand,
with the student's own numbers put in where they wrote them), never by the grader.
"""

from __future__ import annotations

import json
import math

import pytest

import lab
from lab.answers import parse
from lab.grading import check, page_data
from viz.cli import main

TANH = """inputs = 2
layers = [3, 1]
activation = "tanh"
output_activation = "tanh"
lr = 0.1
update = "per-epoch"
[weights]
w13 = 0.1
w23 = -0.2
w14 = 0.3
w24 = 0.4
w15 = -0.5
w25 = 0.2
w36 = 0.6
w46 = -0.1
w56 = 0.3
b3 = 0.0
b4 = 0.1
b5 = -0.1
b6 = 0.05
[[examples]]
x = [1.0, 0.5]
t = [0.5]
[[examples]]
x = [-0.5, 1.0]
t = [-0.2]
[[examples]]
x = [0.3, -0.8]
t = [0.1]
"""
TANH_W = {"w13": 0.1, "w23": -0.2, "w14": 0.3, "w24": 0.4, "w15": -0.5, "w25": 0.2,
          "w36": 0.6, "w46": -0.1, "w56": 0.3, "b3": 0.0, "b4": 0.1, "b5": -0.1, "b6": 0.05}
TANH_EXAMPLES = [((1.0, 0.5), 0.5), ((-0.5, 1.0), -0.2), ((0.3, -0.8), 0.1)]
LECTURE_W = {"w14": 0.2, "w24": 0.4, "w34": -0.5, "w15": -0.3, "w25": 0.1, "w35": 0.2,
             "w46": -0.3, "w56": -0.2, "b4": -0.4, "b5": 0.2, "b6": 0.1}


def sigmoid(x):
    return 1 / (1 + math.exp(-x))


def by_hand(w, x, t, hidden, act, mine=None):
    """One example through a one-hidden-layer net with one output unit: i, o, E = (t − o)², δ
    (with f′ from the unit's output), gradients −δ·o; ``mine`` overrides any number with the
    student's own, and what follows is computed from it."""
    mine = mine or {}
    f = {"sigmoid": sigmoid, "tanh": math.tanh}[act]
    slope = {"sigmoid": lambda o: o * (1 - o), "tanh": lambda o: 1 - o * o}[act]
    n_in, out = len(x), hidden[-1] + 1
    v = {}

    def put(name, value):
        v[name] = mine.get(name, value)
        return v[name]

    for j in hidden:
        put(f"i{j}", sum(w[f"w{k + 1}{j}"] * x[k] for k in range(n_in)) + w[f"b{j}"])
        put(f"o{j}", f(v[f"i{j}"]))
    put(f"i{out}", sum(w[f"w{j}{out}"] * v[f"o{j}"] for j in hidden) + w[f"b{out}"])
    put(f"o{out}", f(v[f"i{out}"]))
    put("E", (t - v[f"o{out}"]) ** 2)
    put(f"delta{out}", 2 * (t - v[f"o{out}"]) * slope(v[f"o{out}"]))
    for j in hidden:
        put(f"grad_w{j}{out}", -v[f"delta{out}"] * v[f"o{j}"])
    put(f"grad_b{out}", -v[f"delta{out}"])
    for j in reversed(hidden):
        put(f"delta{j}", slope(v[f"o{j}"]) * w[f"w{j}{out}"] * v[f"delta{out}"])
        for k in range(n_in):
            put(f"grad_w{k + 1}{j}", -v[f"delta{j}"] * x[k])
        put(f"grad_b{j}", -v[f"delta{j}"])
    return v


def lecture(mine=None, act="sigmoid"):
    return by_hand(LECTURE_W, (1.0, 0.0, 1.0), 1.0, [4, 5], act, mine)


def lecture_check(rows, spec=None):
    run = lab.step(spec or lab.spec.lecture())
    text = "\n".join(f"{k},{v:.6g}" if isinstance(v, float) else f"{k},{v}" for k, v in rows)
    return {i.quantity: i for i in check(run, parse(text, run)).items}


def tanh_check(rows):
    return lecture_check(rows, lab.spec.loads(TANH))


# ---------------------------------------------------------------- the lecture's mistakes
SLIP = {"i5": 0.15}   # an arithmetic slip in unit 5, unrelated to the mistakes below


def lecture_plants(slip):
    """(quantity, the student's number made with the mistake, its id), each computed by hand
    from the student's own numbers (after ``slip`` when given)."""
    h = lecture(slip)
    o4, o6, d6 = h["o4"], h["o6"], h["delta6"]
    new46 = -0.3 - 0.9 * h["grad_w46"]
    return [
        ("E", (1 - o6) ** 2 / 2, "half-factor"),
        ("delta6", -d6, "sign"),
        ("delta6", 2 * (1 - o6), "missing-derivative"),
        ("grad_w46", -2 * (1 - o6) * o4, "missing-derivative"),  # −δ6·o4, δ6 without σ′
        ("delta6", 2 * (1 - o6) * (1 - o6 * o6), "wrong-activation-derivative"),
        ("o4", math.tanh(h["i4"]), "wrong-activation"),
        ("delta4", o4 * (1 - o4) * new46 * d6, "updated-weight"),
        # ∂E/∂w14 = −δ4·x1 (x1 = 1), its δ4 made with the updated w46
        ("grad_w14", -(o4 * (1 - o4) * new46 * d6), "updated-weight"),
        ("i4", 0.2 * 1 + 0.4 * 0 - 0.5 * 1, "no-bias"),
        ("o4", h["i4"], "net-for-out"),
        ("new_w46", -0.3 - h["grad_w46"], "learning-rate"),
    ], h


@pytest.mark.parametrize("slip", [None, SLIP], ids=["alone", "after a slip"])
def test_each_catalogued_mistake_on_the_lecture_is_named(slip):
    plants, h = lecture_plants(slip)
    for name, value, mistake in plants:
        rows = ([("i5", slip["i5"])] if slip else []) + [(name, value)]
        items = lecture_check(rows)
        assert (items[name].verdict, items[name].mistake) == ("wrong", mistake), name
        # the explanation states the rule and the formula with the student's numbers
        assert "with your numbers" in items[name].explanation
        if slip:
            assert items["i5"].verdict == "wrong" and items["i5"].mistake is None


def test_a_wrong_numbers_explanation_uses_only_right_or_carried_numbers():
    # i5 slipped (0.15); δ5 then made with the sign flipped: its "with your numbers" line
    # must not use the slipped i5's consequences as if they were right: o5 is carried
    h = lecture({"i5": 0.15})
    items = lecture_check([("i5", 0.15), ("o5", h["o5"]), ("delta5", -h["delta5"])])
    assert items["o5"].verdict == "carried-forward"
    assert (items["delta5"].verdict, items["delta5"].mistake) == ("wrong", "sign")
    assert f"{h['o5']:.4g}" in items["delta5"].explanation  # the student's carried o5


def test_a_hidden_delta_uses_the_students_own_output_not_its_net_input():
    # o4 slipped (0.35 for 0.3318); δ4 = o4(1 − o4)·w46·δ6 from that o4 is carried forward
    h = lecture({"o4": 0.35})
    items = lecture_check([("o4", 0.35), ("delta4", h["delta4"])])
    assert items["o4"].verdict == "wrong"
    assert items["delta4"].verdict == "carried-forward"


def test_an_updated_weight_from_the_students_own_wrong_gradient_is_carried_forward():
    h = lecture()
    g = h["grad_w46"] * 1.3                       # a wrong ∂E/∂w46
    items = lecture_check([("grad_w46", g), ("new_w46", -0.3 - 0.9 * g)])
    assert items["grad_w46"].verdict == "wrong"
    assert items["new_w46"].verdict == "carried-forward"


def _all(value):
    run = lab.step(lab.spec.lecture())
    return [(w.answer_name, value) for w in run[0].quantities if w.asked]


@pytest.mark.parametrize("value", [0.0, 1.0])
def test_an_answers_file_of_all_zeros_or_all_ones_earns_no_carried_forward(value):
    items = lecture_check(_all(value))
    assert "carried-forward" not in {i.verdict for i in items.values()}
    # a few are right by chance (x2 = 0 makes ∂E/∂w24 = 0): never more than that
    assert sum(i.verdict == "right" for i in items.values()) <= 4


# ---------------------------------------------------------------- per-epoch, tanh
def tanh_hand(mine_per_example=None):
    mine_per_example = mine_per_example or {}
    return [by_hand(TANH_W, x, t, [3, 4, 5], "tanh", mine_per_example.get(k))
            for k, (x, t) in enumerate(TANH_EXAMPLES, 1)]


def test_per_epoch_mistakes_are_named_with_their_example():
    passes = tanh_hand()
    shares = [p["grad_w36"] for p in passes]
    total = sum(shares)
    o3, i3 = passes[1]["o3"], passes[1]["i3"]
    d6 = passes[0]["delta6"]
    o6 = passes[0]["o6"]
    plants = [
        ("grad_w36", total / 3, "averaged-gradient"),
        ("grad_w36", shares[1], "one-example-gradient"),
        ("new_w36", 0.6 - 0.1 * total / 3, "averaged-gradient"),
        ("delta6@1/1", 2 * (0.5 - o6) * o6 * (1 - o6), "wrong-activation-derivative"),
        ("o3@1/2", sigmoid(i3), "wrong-activation"),
        ("delta6@1/1", -d6, "sign"),
        ("new_w36", 0.6 - total, "learning-rate"),
    ]
    for name, value, mistake in plants:
        items = tanh_check([(name, value)])
        assert (items[name].verdict, items[name].mistake) == ("wrong", mistake), name
    # the explanation names the example (and the update) it is about
    items = tanh_check([("o3@1/2", sigmoid(i3))])
    assert "example 2 of 3" in items["o3@1/2"].explanation
    assert o3 != sigmoid(i3)


def test_per_epoch_mistakes_after_an_earlier_slip_in_another_example():
    # example 1's i3 slipped; example 2's o3 made with σ, and the summed gradient averaged
    i3 = tanh_hand()[1]["i3"]
    # the student's own numbers: example 1 from the slipped i3, example 2 from their σ(i3)
    passes = tanh_hand({1: {"i3": 0.05}, 2: {"o3": sigmoid(i3)}})
    total = sum(p["grad_w36"] for p in passes)
    items = tanh_check([("i3@1/1", 0.05), ("o3@1/1", passes[0]["o3"]),
                        ("o3@1/2", sigmoid(i3)), ("grad_w36", total / 3)])
    assert items["i3@1/1"].verdict == "wrong"
    assert items["o3@1/1"].verdict == "carried-forward"
    assert items["o3@1/2"].mistake == "wrong-activation"
    assert items["grad_w36"].mistake == "averaged-gradient"


def test_an_averaged_update_is_named_from_the_students_own_summed_gradient():
    # the summed ∂E/∂w36 written with a slip (+0.05), then w36 updated with a third of it:
    # 0.6 − 0.1·(G + 0.05)/3 is the averaged-gradient mistake made with the student's own sum
    total = sum(p["grad_w36"] for p in tanh_hand())
    slipped = total + 0.05
    items = tanh_check([("grad_w36", slipped), ("new_w36", 0.6 - 0.1 * slipped / 3)])
    assert items["grad_w36"].verdict == "wrong"
    assert (items["new_w36"].verdict, items["new_w36"].mistake) == ("wrong", "averaged-gradient")

def test_a_frozen_parameters_update_keeps_its_value_whatever_mistake_is_looked_for():
    # b6 = 0.05 is frozen: its "new" value stays 0.05, and every per-epoch mistake written for
    # it gives 0.05 too, so a wrong 0.3 is wrong with no mistake named
    frozen = lab.spec.loads(TANH.replace("[weights]", 'frozen = ["b6"]\n[weights]'))
    items = lecture_check([("new_b6", 0.3)], frozen)
    assert (items["new_b6"].verdict, items["new_b6"].mistake) == ("wrong", None)
    assert lecture_check([("new_b6", 0.05)], frozen)["new_b6"].verdict == "right"
    run = lab.step(frozen)
    field, = [f for f in page_data(list(run), run.spec.precision)["fields"]
              if f["name"] == "new_b6"]
    assert {m["id"] for m in field["mistakes"]} == {"averaged-gradient", "one-example-gradient"}
    assert {m["expr"] for m in field["mistakes"]} == {0.05}

def test_an_output_of_0_under_cross_entropy_leaves_no_number_to_carry_forward():
    # E = −ln(o6) (t = 1) and δ6 = (1 / o6)·o6·(1 − o6) have no value at the student's o6 = 0:
    # they are wrong, with the right numbers written out, never carried forward from a 0
    spec = lab.spec.from_dict({**lab.spec.lecture().to_dict(), "loss": "binary-cross-entropy"})
    items = lecture_check([("o6", 0.0), ("E", 2.5), ("delta6", 0.3)], spec)
    for name in ("E", "delta6"):
        assert (items[name].verdict, items[name].mistake) == ("wrong", None), name
    o6 = 1 / (1 + math.exp(-(-0.3 * sigmoid(-0.7) - 0.2 * sigmoid(0.1) + 0.1)))
    assert items["E"].explanation == (f"with your numbers: E = −ln(o6) = −ln({o6:.4f}) = "
                                      f"{-math.log(o6):.4f}")


@pytest.mark.parametrize("one", [1.0, -1.0])
def test_a_product_with_a_factor_written_as_1_or_minus_1_earns_no_carried_forward(one):
    # ∂E/∂w46 = −δ6·o4 with o4 written as ±1 (right: 0.3318) only repeats ∓δ6: no credit
    h = lecture()
    items = lecture_check([("o4", one), ("delta6", h["delta6"]),
                           ("grad_w46", -h["delta6"] * one)])
    assert items["delta6"].verdict == "right" and items["grad_w46"].verdict == "wrong"


def test_an_update_after_each_example_has_no_sum_to_average_or_split():
    # the lecture updates after its one example: ∂E/∂w = −δ·o is no sum over examples, so
    # neither the averaged nor the one-example mistake is looked for (−δ6 alone, a factor of
    # ∂E/∂w46, is no "one example's share")
    run = lab.step(lab.spec.lecture())
    epoch_sums = {"averaged-gradient", "one-example-gradient"}
    for f in page_data(list(run), run.spec.precision)["fields"]:
        if f["name"].startswith(("grad_", "new_")):
            assert not epoch_sums & {m["id"] for m in f["mistakes"]}, f["name"]


def test_the_epochs_summed_gradient_is_right_and_each_share_by_example():
    passes = tanh_hand()
    rows = [(f"grad_w36@1/{k}", p["grad_w36"]) for k, p in enumerate(passes, 1)]
    rows.append(("grad_w36", sum(p["grad_w36"] for p in passes)))
    rows.append(("new_w36", 0.6 - 0.1 * sum(p["grad_w36"] for p in passes)))
    items = tanh_check(rows)
    assert {i.verdict for i in items.values()} == {"right"}


def test_the_template_names_every_per_epoch_number_with_its_example(capsys, tmp_path):
    spec = tmp_path / "tanh.toml"
    spec.write_text(TANH, encoding="utf-8")
    assert main(["check", str(spec), "--template"]) == 0
    out = capsys.readouterr().out
    assert "# o3, update 1, example 2 of 3\no3@1/2," in out
    assert "# ∂E₃/∂w36, update 1, example 3 of 3\ngrad_w36@1/3," in out
    assert "# ∂E/∂w36, update 1\ngrad_w36," in out


# ---------------------------------------------------------------- overflow in trace
def test_trace_of_a_formula_that_overflows_says_so_and_exits_2(capsys):
    assert main(["trace", "exp(x)", "--at", "x=1000"]) == 2
    err = capsys.readouterr().err
    assert "overflows" in err and "x = 1000" in err and len(err.strip().splitlines()) == 1
    assert main(["trace", "exp(x)", "--at", "x=1", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["output"] == pytest.approx(math.e)
