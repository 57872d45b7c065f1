"""Which number each stepper frame asks for in exercise mode, the precomputed values the page
compares with, per-epoch answers, and ``--html --exercise`` on the command line."""

import json
import math
import re

import pytest

import lab
from lab.answers import parse
from lab.grading import check, prompts
from viz import steps
from viz.cli import main


def sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x))


def page_data(html):
    """The questions the page holds: the JSON argument of its script."""
    return json.loads(re.search(r'<script type="application/json" class="bp-questions">(.*?)'
                                r"</script>", html, re.S).group(1))


def test_every_number_of_the_worked_example_is_asked_once_on_its_own_frame():
    run = lab.step(lab.spec.lecture())
    frames = steps(run, exercise=True)
    asked = [(f.text, q) for f, q in zip(frames.frames, frames.questions, strict=True) if q]
    # 3 units × (i, o) + E + 3 δ + 11 gradients + 11 new values
    assert len(asked) == 6 + 1 + 3 + 11 + 11
    for text, q in asked:
        assert text.startswith(q["name"].replace("new ", "") + (" ←" if "new" in q["name"]
                                                                 else " = "))
    # the inputs and the closing summary ask nothing
    assert frames.questions[0] is None and frames.questions[-1] is None


def test_the_page_holds_the_catalogued_wrong_values_and_carried_values_from_python():
    run = lab.step(lab.spec.lecture())
    html = steps(run, exercise=True).to_html()
    data = page_data(html)
    delta6 = next(q for q in data if q and q["name"] == "δ6")
    # by hand: δ6 = 2(t − o6)·o6(1 − o6); ½ of it, its negative, and 2(t − o6) alone
    o6 = sigmoid(-0.3 * sigmoid(-0.7) - 0.2 * sigmoid(0.1) + 0.1)
    d6 = 2 * (1 - o6) * o6 * (1 - o6)
    assert delta6["answer"] == pytest.approx(d6)
    wrong = {(m, round(x, 6)) for m, x, _ in delta6["wrong"]}
    assert {("half-factor", round(d6 / 2, 6)), ("sign", round(-d6, 6)),
            ("missing-derivative", round(2 * (1 - o6), 6))} <= wrong
    # carried: if the student's i6 was the no-bias one (b6 left out), o6 = σ(that)
    i6 = next(k for k, q in enumerate(data) if q and q["name"] == "i6")
    o6q = data[i6 + 1]
    m = next(m for m, w in enumerate(data[i6]["wrong"]) if w[0] == "no-bias")
    i6_no_bias = -0.3 * sigmoid(-0.7) - 0.2 * sigmoid(0.1)
    assert o6q["carried"][f"{data[i6]['index']}:{m}"] == pytest.approx(sigmoid(i6_no_bias))
    # no answer is written in the page outside the data its script compares with
    visible = re.sub(r"<script>.*</script>", "", html, flags=re.S)
    assert "Your answers so far" in visible and "bp-reveal" in visible


def test_prompts_follow_the_checkers_names_and_order():
    run = lab.step(lab.spec.lecture())
    names = [p.name for p in prompts(run)]
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


def test_per_epoch_exercise_asks_each_examples_numbers_and_the_updates():
    run = lab.step(lab.spec.loads(ONE_UNIT))
    frames = steps(run, exercise=True)
    names = [q["name"] for q in frames.questions if q]
    assert names == ["i2", "o2", "E", "δ2", "i2", "o2", "E", "δ2", "new w12", "new b2"]


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
    assert len([q for q in page_data(html) if q]) == 10


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
    # the exercise page: the same value precomputed under that wrong update
    ps = prompts(two)
    k = next(k for k, p in enumerate(ps) if p.name == "new_w46@1")
    m = next(m for m, w in enumerate(ps[k].wrong) if w[1] == pytest.approx(w46_no_lr))
    later = next(p for p in ps if p.name == "i6@2")
    assert later.carried[f"{k}:{m}"] == pytest.approx(i6)


def test_frozen_parameters_are_not_asked_for_their_unchanged_value():
    from test_exercise_check import MAZUR  # Mazur's 2-2-2, biases frozen, two updates
    frames = steps(lab.step(lab.spec.loads(MAZUR)), exercise=True)
    names = [q["name"] for q in frames.questions if q]
    assert "new w1" in names and not any(n.startswith("new b") for n in names)
    # per update: 4 units × (i, o), E, 4 δ, 12 gradients, 8 new weights
    assert len(names) == 2 * (8 + 1 + 4 + 12 + 8)
