"""Which number each stepper frame asks for in exercise mode, the grader's data the page takes
its steps on (intervals, expressions, mistakes), per-epoch answers, and ``--html --exercise``
on the command line."""

import json
import math
import re

import pytest

import lab
from lab.answers import parse
from lab.expressions import evaluate
from lab.grading import check
from lab.quantities import Sheet
from viz import steps
from viz.cli import main


def sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x))


def page_data(html):
    """The grader's data the page holds: the JSON argument of its script."""
    return json.loads(re.search(r'<script type="application/json" class="bp-questions">(.*?)'
                                r"</script>", html, re.S).group(1))


def asked(frames):
    """(frame text, field) of each frame that asks for a number."""
    fields = {f["key"]: f for f in frames.exercise["fields"]}
    return [(f.text, fields[k]) for f, k in zip(frames.frames, frames.exercise["frames"],
                                                strict=True) if k]


def test_every_number_of_the_worked_example_is_asked_once_on_its_own_frame():
    run = lab.step(lab.spec.lecture())
    frames = steps(run, exercise=True)
    questions = asked(frames)
    # 3 units × (i, o) + E + 3 δ + 11 gradients + 11 new values
    assert len(questions) == 6 + 1 + 3 + 11 + 11
    for text, q in questions:
        head = q["display"].replace("new ", "") + (" ←" if q["display"].startswith("new")
                                                   else " = ")
        assert text.startswith(head), (text, q["display"])
    # the inputs and the closing summary ask nothing, nor ∂E/∂o (shown, not asked)
    assert frames.exercise["frames"][0] is None and frames.exercise["frames"][-1] is None
    assert not any(text.startswith("∂E/∂o") for text, _ in questions)


def test_the_page_holds_intervals_and_expressions_whose_values_are_the_hand_calculations():
    run = lab.step(lab.spec.lecture())
    html = steps(run, exercise=True).to_html()
    fields = {f["name"]: f for f in page_data(html)["fields"]}
    # by hand: δ6 = 2(t − o6)·o6(1 − o6)
    o4, o5 = sigmoid(-0.7), sigmoid(0.1)
    o6 = sigmoid(-0.3 * o4 - 0.2 * o5 + 0.1)
    d6 = 2 * (1 - o6) * o6 * (1 - o6)
    lo, hi = fields["delta6"]["interval"]
    assert lo < d6 < hi and hi - lo == pytest.approx(0.001, rel=1e-6)  # ±half of 0.001
    # each mistake's expression, evaluated with the right numbers: ½ of δ6, its negative,
    # and 2(t − o6) alone (o6(1 − o6) left out)
    right = {f["key"]: (f["interval"][0] + f["interval"][1]) / 2 for f in fields.values()}
    from lab.expressions import Const, Op
    def value(e):  # the page's evaluator, in Python, on the page's data
        if isinstance(e, float | int):
            return float(e)
        if isinstance(e, str):
            return value(fields_by_key[e]["expr"]) if not fields_by_key[e]["asked"] else right[e]
        return evaluate(Op(e[0], tuple(Const(value(a)) for a in e[2:]), tuple(e[1])),
                        lambda k: 0.0)
    fields_by_key = {f["key"]: f for f in page_data(html)["fields"]}
    wrong = {(m["id"], round(value(m["expr"]), 3)) for m in fields["delta6"]["mistakes"]}
    assert {("half-factor", round(d6 / 2, 3)), ("sign", round(-d6, 3)),
            ("missing-derivative", round(2 * (1 - o6), 3))} <= wrong
    # o6's own expression carries a slipped i6: σ(i6) of whatever the student wrote
    assert value(fields["o6"]["expr"]) == pytest.approx(sigmoid(right["i6@1"]))
    # no answer is written in the page outside the data its script compares with
    visible = re.sub(r"<script>.*?</script>", "", html, flags=re.S)
    assert "Your answers so far" in visible and "bp-reveal" in visible


def test_records_follow_the_checkers_names_and_order():
    run = lab.step(lab.spec.lecture())
    names = [w.answer_name for w in run[0].quantities if w.asked]
    assert names[:8] == ["i4", "o4", "i5", "o5", "i6", "o6", "E", "delta6"]
    assert names[8:11] == ["grad_w46", "grad_w56", "grad_b6"]
    assert names[-1] == "new_b4"


# One sigmoid unit (inputs 1, unit 2), two examples, one update per epoch from the summed
# gradient: by hand, i2 = w12·x + b2, o2 = σ(i2), δ2 = 2(t − o2)·o2(1 − o2), ∂E/∂w12 = Σ −δ2·x.
ONE_UNIT = """
inputs = 1
layers = [1]
lr = 0.5
update = "per-epoch"
[weights]
w12 = 0.5
b2 = -0.25
[[examples]]
x = [1.0]
t = [1]
[[examples]]
x = [2.0]
t = [0]
"""


def one_unit_by_hand():
    out = {}
    for k, (x, t) in enumerate(((1.0, 1.0), (2.0, 0.0)), 1):
        o = sigmoid(0.5 * x - 0.25)
        d = 2 * (t - o) * o * (1 - o)
        out[k] = (o, d, -d * x)
    return out


def test_per_epoch_answers_name_the_example_and_the_summed_gradient():
    run = lab.step(lab.spec.loads(ONE_UNIT))
    hand = one_unit_by_hand()
    g = hand[1][2] + hand[2][2]
    text = (f"o2@1/1,{hand[1][0]:.4f}\no2@1/2,{hand[2][0]:.4f}\n"
            f"delta2@1/2,{hand[2][1]:.4f}\ngrad_w12,{g:.4f}\nnew_w12,{0.5 - 0.5 * g:.4f}\n"
            f"grad_b2,{hand[1][1] * -1:.4f}")      # only example 1's: wrong, the sum is asked
    items = {i.quantity: i for i in check(run, parse(text, run)).items}
    assert [items[k].verdict for k in ("o2@1/1", "o2@1/2", "delta2@1/2", "grad_w12",
                                       "new_w12")] == ["right"] * 5
    assert items["grad_b2"].verdict == "wrong"


def test_per_epoch_a_name_without_the_example_is_refused_with_the_choices():
    run = lab.step(lab.spec.loads(ONE_UNIT))
    with pytest.raises(ValueError, match=r"unknown quantity 'o2@1'; did you mean .*o2@1/1"):
        parse("o2@1,0.5", run)


def test_per_epoch_exercise_asks_each_examples_numbers_their_gradients_and_the_sums():
    run = lab.step(lab.spec.loads(ONE_UNIT))
    frames = steps(run, exercise=True)
    names = [q["display"] for _, q in asked(frames)]
    assert names == ["i2", "o2", "E", "δ2", "∂E₁/∂w12", "∂E₁/∂b2",
                     "i2", "o2", "E", "δ2", "∂E₂/∂w12", "∂E₂/∂b2",
                     "∂E/∂w12", "∂E/∂b2", "new w12", "new b2"]
    wheres = [q["where"] for _, q in asked(frames)]
    # a one-update run names the example where there are several, and no update
    assert wheres[0] == "update 1, example 1 of 2" and wheres[-1] == ""


@pytest.mark.parametrize("argv", [
    ["worked-example", "--exercise"],
    ["trace", "x*y", "--at", "x=1", "y=2", "--exercise", "--svg", "g.svg"],
])
def test_exercise_without_html_is_a_usage_error(capsys, argv):
    assert main(argv) == 2
    assert "--exercise makes an exercise page: give it with --html FILE" in capsys.readouterr().err


def test_step_html_exercise_writes_the_page(capsys, tmp_path):
    spec = tmp_path / "one.toml"
    spec.write_text(ONE_UNIT, encoding="utf-8")
    page = tmp_path / "exercise.html"
    assert main(["step", str(spec), "--html", str(page), "--exercise"]) == 0
    assert capsys.readouterr().err == f"wrote {page}\n"  # "wrote" lines go to stderr
    html = page.read_text(encoding="utf-8")
    assert 'id="bp-exercise"' in html and "default-src 'none'" in html
    assert "src=" not in html and "<link" not in html   # nothing to fetch: one offline file
    data = page_data(html)
    assert len([k for k in data["frames"] if k]) == 16


def lecture_second_update_i6(w46):
    """i6 of the lecture's second update by hand, from step 1's new weights (by_hand) with w46
    replaced: i_j = Σ w·x + b with x = (1, 0, 1), o = σ(i)."""
    from worked_by_hand import by_hand
    new = by_hand()["new"]
    o4 = sigmoid(new["w14"] * 1 + new["w24"] * 0 + new["w34"] * 1 + new["b4"])
    o5 = sigmoid(new["w15"] * 1 + new["w25"] * 0 + new["w35"] * 1 + new["b5"])
    return w46 * o4 + new["w56"] * o5 + new["b6"]


def test_a_wrong_update_carries_into_the_next_updates_forward_pass():
    from worked_by_hand import SLIDE, by_hand
    two = lab.step(lab.spec.lecture().with_settings(epochs=2))
    w46_no_lr = SLIDE["w46"] - by_hand()["grads"]["w46"]          # η left out
    i6 = lecture_second_update_i6(w46_no_lr)
    # the checker: the update is wrong (learning-rate), step 2's i6 and o6 carried forward
    items = {i.quantity: i for i in check(two, parse(
        f"new_w46@1,{w46_no_lr:.4f}\ni6@2,{i6:.4f}\no6@2,{sigmoid(i6):.4f}", two)).items}
    assert (items["new_w46@1"].verdict, items["new_w46@1"].mistake) == ("wrong", "learning-rate")
    assert items["i6@2"].verdict == items["o6@2"].verdict == "carried-forward"
    # the page: step 2's i6 is an expression over the student's own new weights
    sheet = Sheet(list(two))
    student = {"new_w46@1": w46_no_lr}
    def value(k):
        return student[k] if k in student else evaluate(sheet.worked[k].expr, value)
    assert value("i6@2") == pytest.approx(i6)
    assert "new_w46@1" in sheet.worked["i6@2"].inputs


def test_frozen_parameters_are_not_asked_for_their_unchanged_value():
    from test_exercise_check import MAZUR  # Mazur's 2-2-2, biases frozen, two updates
    frames = steps(lab.step(lab.spec.loads(MAZUR)), exercise=True)
    names = [q["display"] for _, q in asked(frames)]
    assert "new w1" in names and not any(n.startswith("new b") for n in names)
    # per update: 4 units × (i, o), E, 4 δ, 12 gradients, 8 new weights
    assert len(names) == 2 * (8 + 1 + 4 + 12 + 8)
