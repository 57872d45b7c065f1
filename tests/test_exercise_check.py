"""`lab.grading.check`: a student's hand calculation graded number by number: right, wrong with a
catalogued mistake, or an error carried forward from the student's own earlier values.

Every student number below is written out from a hand calculation in this file (plain floats, no
engine): the right one, or the same arithmetic done the wrong way on purpose.
"""

import math

import pytest

import lab
from lab.answers import parse
from lab.grading import Answer, check
from lab.precision import Precision, matches
from lab.quantities import Quantity


def sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x))


# The lecture's worked example by hand: x = (1, 0, 1), t = 1, η = 0.9, E = (t − o6)².
I4 = 0.2 * 1 + 0.4 * 0 + (-0.5) * 1 + (-0.4)           # −0.7
I5 = -0.3 * 1 + 0.1 * 0 + 0.2 * 1 + 0.2                # 0.1
O4, O5 = sigmoid(I4), sigmoid(I5)                      # 0.3318, 0.5250
I6 = -0.3 * O4 + (-0.2) * O5 + 0.1                     # −0.1045
O6 = sigmoid(I6)                                       # 0.4739
E = (1 - O6) ** 2                                      # 0.2768
D6 = 2 * (1 - O6) * O6 * (1 - O6)                      # δ6 = −∂E/∂i6 = 0.2623
D4 = O4 * (1 - O4) * (-0.3) * D6                       # −0.01745
D5 = O5 * (1 - O5) * (-0.2) * D6                       # −0.01308
G46 = -D6 * O4                                         # ∂E/∂w46 = −0.08705
NEW46 = -0.3 - 0.9 * G46                               # −0.2217


def lecture_check(text, fmt="csv"):
    run = lab.step(lab.spec.lecture())
    return {i.quantity: i for i in check(run, parse(text, run, fmt)).items}


def csv(rows):
    return "\n".join(f"{name},{value}" for name, value in rows)


def test_worked_example_all_right_to_four_significant_figures():
    new14 = 0.2 - 0.9 * (-D4 * 1)
    rows = [("i4", "-0.7"), ("o4", f"{O4:.4g}"), ("i5", "0.1"), ("o5", f"{O5:.4g}"),
            ("i6", f"{I6:.4g}"), ("o6", f"{O6:.4g}"), ("E", f"{E:.4g}"), ("delta6", f"{D6:.4g}"),
            ("delta4", f"{D4:.4g}"), ("delta5", f"{D5:.4g}"), ("grad_w46", f"{G46:.4g}"),
            ("new_w46", f"{NEW46:.4g}"), ("new_w14", f"{new14:.4g}")]
    items = lecture_check(csv(rows))
    assert {i.verdict for i in items.values()} == {"right"}
    assert len(items) == len(rows)


def test_worked_example_hidden_unit_4_output_is_0_332_to_three_significant_figures():
    # the precision rule: within half a unit of the third significant figure of 0.33181
    assert lecture_check("o4,0.332")["o4"].verdict == "right"
    assert lecture_check("o4,0.3318")["o4"].verdict == "right"
    # 0.331 is 0.00081 off, more than half of 0.001
    item = lecture_check("o4,0.331")["o4"]
    assert item.verdict == "wrong" and item.expected == pytest.approx(O4)
    # 0.33 is the right value rounded to two figures: named as such
    item = lecture_check("o4,0.33")["o4"]
    assert (item.verdict, item.mistake) == ("wrong", "too-few-figures")


def test_a_spec_can_ask_for_one_significant_figure():
    # o6 = 0.4739: 0.5 is wrong (too few figures) by default, right under significant_figures=1
    assert (lecture_check("o6,0.5")["o6"].verdict, lecture_check("o6,0.5")["o6"].mistake) == (
        "wrong", "too-few-figures")
    text = lab.spec.lecture_text() + "\n[grading]\nsignificant_figures = 1\n"
    run = lab.step(lab.spec.loads(text))
    assert check(run, parse("o6,0.5", run)).items[0].verdict == "right"
    assert check(run, parse("o6,0.4", run)).items[0].verdict == "wrong"


@pytest.mark.parametrize(("name", "value", "mistake"), [
    # ½(t − o)² for the lecture's (t − o)²: E and δ6 halved
    ("E", f"{E / 2:.4f}", "half-factor"),
    ("delta6", f"{D6 / 2:.4f}", "half-factor"),
    # (o − t) for (t − o)
    ("delta6", f"{-D6:.4f}", "sign"),
    # a step that adds the gradient: w46 + η·∂E/∂w46
    ("new_w46", f"{-0.3 + 0.9 * G46:.4f}", "sign"),
    # o6(1 − o6) left out: δ6 = 2(t − o6)
    ("delta6", f"{2 * (1 - O6):.4f}", "missing-derivative"),
    # σ'(i4) left out of δ4 = o4(1 − o4)·w46·δ6
    ("delta4", f"{-0.3 * D6:.4f}", "missing-derivative"),
    # the updated w46 in δ4's sum
    ("delta4", f"{O4 * (1 - O4) * NEW46 * D6:.5f}", "updated-weight"),
    # i4 without b4
    ("i4", "-0.3", "no-bias"),
    ("i6", f"{-0.3 * O4 - 0.2 * O5:.4f}", "no-bias"),
    # o4 = i4: the net input as the output
    ("o4", "-0.7", "net-for-out"),
    # i6 from the hidden units' net inputs, not their outputs
    ("i6", f"{-0.3 * I4 - 0.2 * I5 + 0.1:.4f}", "net-for-out"),
    # η left out: w46 − ∂E/∂w46; η twice: w46 − η²·∂E/∂w46
    ("new_w46", f"{-0.3 - G46:.4f}", "learning-rate"),
    ("new_w46", f"{-0.3 - 0.81 * G46:.4f}", "learning-rate"),
])
def test_each_catalogued_mistake_on_the_worked_example_is_named(name, value, mistake):
    item = lecture_check(f"{name},{value}")[name]
    assert (item.verdict, item.mistake) == ("wrong", mistake)
    assert item.explanation and "with your numbers" in item.explanation


def test_the_explanation_fills_the_correct_formula_with_the_students_numbers():
    item = lecture_check("o4,0.3318\no5,0.5250\ni6,-0.25")["i6"]
    assert item.verdict == "wrong" and item.mistake is None
    assert "w46·o4 + w56·o5 + b6" in item.explanation
    assert "(−0.3)·0.3318 + (−0.2)·0.525 + 0.1" in item.explanation


def test_a_chain_of_numbers_after_one_slip_is_carried_forward_not_wrong():
    # The slip: i6 = −0.25 (the right one is −0.1045). By hand, on from −0.25:
    o6 = sigmoid(-0.25)                                 # 0.4378
    e = (1 - o6) ** 2                                   # 0.3161
    d6 = 2 * (1 - o6) * o6 * (1 - o6)                   # 0.2767
    d4 = O4 * (1 - O4) * (-0.3) * d6                    # −0.0184
    g46 = -d6 * O4                                      # −0.0918
    new46 = -0.3 - 0.9 * g46                            # −0.2174
    rows = [("o4", "0.3318"), ("o5", "0.5250"), ("i6", "-0.25"), ("o6", f"{o6:.4f}"),
            ("E", f"{e:.4f}"), ("delta6", f"{d6:.4f}"), ("delta4", f"{d4:.5f}"),
            ("grad_w46", f"{g46:.4f}"), ("new_w46", f"{new46:.4f}")]
    items = lecture_check(csv(rows))
    assert items["i6"].verdict == "wrong"
    for name in ("o6", "E", "delta6", "delta4", "grad_w46", "new_w46"):
        assert items[name].verdict == "carried-forward", name
        assert items[name].mistake is None
        assert "consistent with your earlier values" in items[name].explanation
    report = check(lab.step(lab.spec.lecture()), {q: a for q, a in parse(
        csv(rows), lab.step(lab.spec.lecture())).items()})
    assert report.to_dict()["carried_forward"] == 6 and report.to_dict()["wrong"] == 1
    assert report.summary().endswith("the first wrong number is i6")


def test_a_mistake_after_a_carried_forward_number_is_still_diagnosed():
    # i6 wrong (−0.25), o6 = σ(−0.25) carried forward, then δ6 with the factor ½ applied to
    # the student's own o6
    o6 = sigmoid(-0.25)
    items = lecture_check(f"i6,-0.25\no6,{o6:.4f}\ndelta6,{(1 - o6) * o6 * (1 - o6):.4f}")
    assert items["o6"].verdict == "carried-forward"
    assert (items["delta6"].verdict, items["delta6"].mistake) == ("wrong", "half-factor")


def test_half_squared_loss_the_other_way_round():
    # textbook convention ½(t − o)²: δ6 = (t − o6)·o6(1 − o6); the student doubles it
    run = lab.step(lab.spec.lecture().with_settings(loss="half-squared"))
    d6 = (1 - O6) * O6 * (1 - O6)
    item = check(run, parse(f"delta6,{2 * d6:.4f}\nE,{(1 - O6) ** 2:.4f}", run)).items
    assert [(i.quantity, i.mistake) for i in item] == [("E", "half-factor"),
                                                        ("delta6", "half-factor")]
    assert "½(t − o)²" in item[0].explanation


def test_numbers_from_python_are_graded_by_the_same_rule():
    from lab.quantities import Quantity
    run = lab.step(lab.spec.lecture())
    report = check(run, {Quantity("o", "6"): O6 * (1 + 5e-4), Quantity("E"): Answer(0.277)})
    assert [i.verdict for i in report.items] == ["right", "right"]


# A 2-2-2 network: Matt Mazur's "A Step by Step Backpropagation Example" (2015), whose numbers
# are published: inputs 0.05, 0.10, targets 0.01, 0.99, E = Σ ½(t − o)², η = 0.5, biases fixed.
MAZUR = """
title = "Mazur's 2-2-2 example"
inputs = 2
layers = [2, 2]
loss = "half-squared"
lr = 0.5
epochs = 2
frozen = ["b3", "b4", "b5", "b6"]
[weights]
w13 = 0.15
w23 = 0.20
w14 = 0.25
w24 = 0.30
w35 = 0.40
w45 = 0.45
w36 = 0.50
w46 = 0.55
b3 = 0.35
b4 = 0.35
b5 = 0.60
b6 = 0.60
[names]
w13 = "w1"
w23 = "w2"
w14 = "w3"
w24 = "w4"
w35 = "w5"
w45 = "w6"
w36 = "w7"
w46 = "w8"
[[examples]]
x = [0.05, 0.10]
t = [0.01, 0.99]
"""


def mazur_check(text, fmt="csv"):
    run = lab.step(lab.spec.loads(MAZUR))
    return {i.quantity: i for i in check(run, parse(text, run, fmt)).items}


def test_mazur_2_2_2_published_numbers_are_right_by_book_names():
    # the blog's values: out_h1, out_o1, E_total, ∂E/∂w5, new w5..w8, new w1
    text = """
"o3@1" = 0.593269992
"o5@1" = 0.75136507
"o6@1" = 0.772928465
"E@1" = 0.298371109
"grad_w5@1" = 0.082167041
"new_w5@1" = 0.35891648
"new_w6@1" = 0.408666186
"new_w7@1" = 0.511301270
"new_w8@1" = 0.561370121
"new_w1@1" = 0.149780716
"new_w4@1" = 0.29950229
"""
    items = mazur_check(text, "toml")
    assert {i.verdict for i in items.values()} == {"right"} and len(items) == 11


def test_mazur_lecture_names_are_accepted_beside_the_books():
    items = mazur_check("new_w35@1,0.35891648\nnew_b5@1,0.60")
    assert [i.verdict for i in items.values()] == ["right", "right"]
    assert set(items) == {"new_w5@1", "new_b5@1"}


def test_mazur_planted_mistakes_and_a_chain_into_the_second_update():
    # by hand, the first update's forward pass and output error terms
    o3 = sigmoid(0.15 * 0.05 + 0.20 * 0.10 + 0.35)
    o4 = sigmoid(0.25 * 0.05 + 0.30 * 0.10 + 0.35)
    o5 = sigmoid(0.40 * o3 + 0.45 * o4 + 0.60)
    o6 = sigmoid(0.50 * o3 + 0.55 * o4 + 0.60)
    d5 = (0.01 - o5) * o5 * (1 - o5)            # ½-loss: δ = (t − o)·o(1 − o)
    d6 = (0.99 - o6) * o6 * (1 - o6)
    d3 = o3 * (1 - o3) * (0.40 * d5 + 0.50 * d6)
    g1 = -d3 * 0.05                            # ∂E/∂w1 = −δ3·x1
    new1_slip = 0.15 - 0.5 * g1 + 0.5           # the student's slip in the new w1: +0.5
    # step 2 starts from the student's weights: i3@2 from the slipped w1 (w2 updated as well)
    new2 = 0.20 - 0.5 * (-d3 * 0.10)
    i3_2 = new1_slip * 0.05 + new2 * 0.10 + 0.35
    rows = [("delta5@1", f"{-d5:.6f}"),                         # sign
            ("delta6@1", f"{(0.99 - o6):.6f}"),                  # o6(1 − o6) left out
            ("delta3@1", f"{d3:.7f}"),
            ("new_w1@1", f"{new1_slip:.6f}"),                    # a slip: wrong, no id
            ("new_w2@1", f"{new2:.6f}"),
            ("i3@2", f"{i3_2:.6f}"),                             # carried forward
            ("o3@2", f"{sigmoid(i3_2):.6f}")]                    # carried forward
    items = mazur_check(csv(rows))
    assert (items["delta5@1"].verdict, items["delta5@1"].mistake) == ("wrong", "sign")
    assert items["delta6@1"].mistake == "missing-derivative"
    assert items["delta3@1"].verdict == "right"
    assert (items["new_w1@1"].verdict, items["new_w1@1"].mistake) == ("wrong", None)
    assert items["new_w2@1"].verdict == "right"
    assert items["i3@2"].verdict == items["o3@2"].verdict == "carried-forward"


def test_mazur_updated_weight_in_a_hidden_delta():
    o3 = sigmoid(0.15 * 0.05 + 0.20 * 0.10 + 0.35)
    o4 = sigmoid(0.25 * 0.05 + 0.30 * 0.10 + 0.35)
    o5 = sigmoid(0.40 * o3 + 0.45 * o4 + 0.60)
    o6 = sigmoid(0.50 * o3 + 0.55 * o4 + 0.60)
    d5 = (0.01 - o5) * o5 * (1 - o5)
    d6 = (0.99 - o6) * o6 * (1 - o6)
    w5, w7 = 0.40 + 0.5 * d5 * o3, 0.50 + 0.5 * d6 * o3   # w ← w − η·(−δ·o3)
    d3_new_weights = o3 * (1 - o3) * (w5 * d5 + w7 * d6)
    items = mazur_check(f"delta3,{d3_new_weights:.8f}")
    assert (items["delta3@1"].verdict, items["delta3@1"].mistake) == ("wrong", "updated-weight")


def test_a_student_who_skips_the_net_input_is_still_carried_forward():
    # o6 written without i6: o6 = 0.45 (the right one is 0.4739). By hand on from the student's
    # o6: E = (1 − 0.45)², δ6 = 2(1 − 0.45)·0.45·(1 − 0.45), δ4 = o4(1 − o4)·w46·δ6
    o6 = 0.45
    d6 = 2 * (1 - o6) * o6 * (1 - o6)
    items = lecture_check(f"o6,{o6}\nE,{(1 - o6) ** 2:.4f}\ndelta6,{d6:.4f}\n"
                          f"delta4,{O4 * (1 - O4) * -0.3 * d6:.5f}")
    assert items["o6"].verdict == "wrong"
    assert [items[k].verdict for k in ("E", "delta6", "delta4")] == ["carried-forward"] * 3


def mazur_by_hand():
    """The 2-2-2 example's first forward and backward pass by hand (½ Σ (t − o)², η = 0.5)."""
    i3 = 0.15 * 0.05 + 0.20 * 0.10 + 0.35
    i4 = 0.25 * 0.05 + 0.30 * 0.10 + 0.35
    o3, o4 = sigmoid(i3), sigmoid(i4)
    i5 = 0.40 * o3 + 0.45 * o4 + 0.60
    o5, o6 = sigmoid(i5), sigmoid(0.50 * o3 + 0.55 * o4 + 0.60)
    d5 = (0.01 - o5) * o5 * (1 - o5)
    return {"i3": i3, "o3": o3, "o4": o4, "i5": i5, "o5": o5, "o6": o6, "d5": d5,
            "E": 0.5 * ((0.01 - o5) ** 2 + (0.99 - o6) ** 2), "g5": -d5 * o3}


@pytest.mark.parametrize(("name", "value", "mistake"), [
    # E without the ½: Σ (t − o)²
    ("E@1", lambda h: 2 * h["E"], "half-factor"),
    ("delta5@1", lambda h: -h["d5"], "sign"),
    # (t − o6) without o6(1 − o6)
    ("delta6@1", lambda h: 0.99 - h["o6"], "missing-derivative"),
    # i5 without b5 = 0.60
    ("i5@1", lambda h: h["i5"] - 0.60, "no-bias"),
    # o3 = i3
    ("o3@1", lambda h: h["i3"], "net-for-out"),
    # w5 − ∂E/∂w5: η left out (the book's name w5 for the lecture's w35)
    ("new_w5@1", lambda h: 0.40 - h["g5"], "learning-rate"),
    ("new_w5@1", lambda h: 0.40 + 0.5 * h["g5"], "sign"),
])
def test_mazur_each_catalogued_mistake_is_named(name, value, mistake):
    items = mazur_check(f"{name},{value(mazur_by_hand()):.6f}")
    assert (items[name].verdict, items[name].mistake) == ("wrong", mistake)


def test_a_linear_output_unit_with_cross_entropy():
    # by hand: o3 = tanh(0.1·1 − 0.2·2), o4 = tanh(0.3·1 + 0.4·2 + 0.1), z5 and z6 linear;
    # E = −ln softmax(z)₆ (t = (0, 1)), so δ5 = −∂E/∂z5 = t5 − p5 = −p5
    o3, o4 = math.tanh(0.1 - 0.4), math.tanh(0.3 + 0.8 + 0.1)
    z5, z6 = 0.5 * o3 - 0.6 * o4 + 0.2, 0.7 * o3 + 0.8 * o4 - 0.1
    p5 = math.exp(z5) / (math.exp(z5) + math.exp(z6))
    spec = lab.spec.from_dict({
        "inputs": 2, "layers": [2, 2], "activation": "tanh", "output_activation": "linear",
        "loss": "cross-entropy", "lr": 0.1,
        "weights": {"w13": 0.1, "w23": -0.2, "w14": 0.3, "w24": 0.4, "w35": 0.5, "w45": -0.6,
                    "w36": 0.7, "w46": 0.8, "b3": 0.0, "b4": 0.1, "b5": 0.2, "b6": -0.1},
        "examples": [{"x": [1, 2], "t": [0, 1]}]})
    run = lab.step(spec)
    items = {i.quantity: i for i in check(run, parse(
        f"o5,{z5:.4f}\nE,{-math.log(1 - p5):.4f}\ndelta5,{p5:.4f}", run)).items}
    assert items["o5"].verdict == items["E"].verdict == "right"
    assert (items["delta5"].verdict, items["delta5"].mistake) == ("wrong", "sign")
    assert items["delta5"].explanation.endswith(f"= {-p5:.4g}".replace("-", "−"))
    # a δ5 that no catalogued mistake explains: every mistake is tried at the linear unit
    # (the derivative of another activation than its own included), none is named
    other = check(run, parse(f"delta5,{-p5 + 0.0123:.4f}", run)).items[0]
    assert (other.verdict, other.mistake) == ("wrong", None)


def test_coarsely_rounded_answers_are_wrong():
    # −0.3 is w46 left unchanged (right: −0.3 + 0.9·0.0870 = −0.2217); 0 for δ4 = −0.0174;
    # 0.4 for o4 = σ(−0.7) = 0.3318: one decimal is no licence to be 0.07 off
    items = lecture_check("new_w46,-0.3\ndelta4,0\no4,0.4\no5,0.5")
    assert items["new_w46"].verdict == items["delta4"].verdict == "wrong"
    assert items["o4"].verdict == "wrong"
    # σ(0.1) = 0.525 rounded to one figure, 0.5, is too coarse for the default rule
    assert (items["o5"].verdict, items["o5"].mistake) == ("wrong", "too-few-figures")


def test_the_coarser_roundings_of_a_right_value_are_each_fewer_figure_and_none_for_zero():
    from lab.precision import Precision

    # 0.47517 to 1 and 2 significant figures: 0.5 and 0.48; 0 has no coarser form
    assert Precision(significant_figures=3).coarse(0.47517) == [0.48, 0.5]
    assert Precision(significant_figures=3).coarse(0.0) == []
    assert Precision(significant_figures=None, absolute=0.01).coarse(0.47517) == []


@pytest.mark.parametrize("rule, table", [
    (dict(significant_figures=2), {"significant_figures": 2}),
    (dict(significant_figures=5), {"significant_figures": 5}),
    (dict(significant_figures=None, absolute=0.01), {"absolute_tolerance": 0.01}),
    (dict(significant_figures=None, relative=0.02), {"relative_tolerance": 0.02}),
])
def test_a_precision_rule_is_written_back_as_the_specs_grading_table_has_it(rule, table):
    from lab.precision import Precision

    assert Precision(**rule).to_dict() == table


def test_a_number_on_either_edge_of_the_band_matches():
    from lab.precision import matches

    # band (a, r) = (0.5, 0): y matches 1 when 0.5 ≤ y ≤ 1.5, both edges included
    assert matches(0.5, 1.0, (0.5, 0.0)) and matches(1.5, 1.0, (0.5, 0.0))
    assert not matches(1.5000000000000002, 1.0, (0.5, 0.0))
    assert not matches(0.49999999999999994, 1.0, (0.5, 0.0))
    # (0, 0.25) around −2: h = 0.25·2 = 0.5, so −2.5 and −1.5 are the edges
    assert matches(-2.5, -2.0, (0.0, 0.25)) and matches(-1.5, -2.0, (0.0, 0.25))


def test_a_right_value_of_0_takes_half_a_unit_of_the_last_figure_asked():
    # ∂E/∂w24 = −δ4·x2 = 0 (x2 = 0): three figures means within ±0.0005 of 0
    assert lecture_check("grad_w24,0.0004")["grad_w24"].verdict == "right"
    assert lecture_check("grad_w24,0.0012")["grad_w24"].verdict == "wrong"


def test_each_precision_rule_is_said_in_words():
    assert lab.spec.Precision(significant_figures=2).describe() == (
        "to 2 significant figures (within half a unit of the right value's last one)")
    assert lab.spec.Precision(significant_figures=None, absolute=0.01).describe() == (
        "within ±0.01 of the right value")
    assert lab.spec.Precision(significant_figures=None, relative=0.02).describe() == (
        "within 0.02 × the right value")


def test_an_absolute_tolerance_is_the_same_width_for_every_right_value():
    from lab.precision import Precision, matches

    rule = Precision(significant_figures=None, absolute=0.01)
    # ±0.01 around 0.5 and around 50 alike: 0.509 and 50.009 match, 0.52 and 50.02 do not
    assert matches(0.509, 0.5, rule.band(0.5)) and matches(50.009, 50.0, rule.band(50.0))
    assert not matches(0.52, 0.5, rule.band(0.5)) and not matches(50.02, 50.0, rule.band(50.0))


def test_under_a_tolerance_a_rounded_number_is_wrong_not_too_few_figures():
    # o6 = σ(−0.3·σ(−0.7) − 0.2·σ(0.1) + 0.1) = 0.4739; 0.5 is 0.026 off: outside ±0.01
    # (and outside 1% of it), and the rule speaks of a tolerance, not of figures
    for table in ("absolute_tolerance = 0.01", "relative_tolerance = 0.01"):
        text = lab.spec.lecture_text() + f"\n[grading]\n{table}\n"
        run = lab.step(lab.spec.loads(text))
        item = check(run, parse("o6,0.5", run)).items[0]
        assert (item.verdict, item.mistake) == ("wrong", None), table
        assert check(run, parse("o6,0.47", run)).items[0].verdict == "right"  # 0.0039 off


def test_checking_a_number_the_run_does_not_have_names_it():
    run = lab.step(lab.spec.lecture())  # one update: there is no o6 of a second one
    with pytest.raises(ValueError, match=r"^o6@2 is not a number of this run$"):
        check(run, {Quantity("o", "4", 1, None): 0.3318, Quantity("o", "6", 2, None): 0.47})


def test_a_right_value_of_0_takes_half_a_unit_in_the_third_decimal_place():
    # ∂E/∂w24 = −δ4·x2 = 0 exactly (x2 = 0): 0 has no significant figures, so the default rule
    # (three figures) becomes |y| ≤ 0.5·10⁻³
    items = lecture_check("grad_w24,0.00049\nnew_w24,0.4")
    assert (items["grad_w24"].expected, items["grad_w24"].verdict) == (0.0, "right")
    assert lecture_check("grad_w24,-0.00051")["grad_w24"].verdict == "wrong"


def test_a_number_is_right_within_half_a_unit_of_the_third_significant_figure():
    # o4 = σ(−0.7) = 1/(1 + e^0.7) = 0.331812…: the third figure is the thousandths, so the
    # band is ±0.0005 around it
    o4 = 1 / (1 + math.exp(0.7))
    for off, verdict in ((0.00045, "right"), (-0.00045, "right"), (0.00055, "wrong"),
                         (-0.00055, "wrong")):
        assert lecture_check(f"o4,{o4 + off:.7f}")["o4"].verdict == verdict, off


def test_a_right_value_exactly_half_way_takes_either_rounding():
    # 1.015 to three figures is 1.01 or 1.02, each exactly half a unit away: both right,
    # though in binary fractions they lie a hair further than 0.005
    band = Precision().band(1.015)
    assert matches(1.01, 1.015, band) and matches(1.02, 1.015, band)
    assert not matches(1.0099, 1.015, band) and not matches(1.0201, 1.015, band)


def test_no_count_of_figures_given_means_three():
    assert Precision(significant_figures=None).band(0.47517) == Precision().band(0.47517)
    assert matches(0.4752, 0.47517, Precision(significant_figures=None).band(0.47517))
    assert not matches(0.4757, 0.47517, Precision(significant_figures=None).band(0.47517))
