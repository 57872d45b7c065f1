"""A student who rounds each number as asked (3 significant figures) and works on with the
rounded numbers, as the hand-in page tells them to, has every number right: their later numbers
differ from the unrounded right values by more than half a unit of the third figure, yet follow
from right numbers. The student's numbers here come from a calculation written out by hand in
plain Python (the lecture's formulas), never from the grader's own expressions."""

from __future__ import annotations

import math
import random

import pytest

import lab
from lab import spec as specs
from lab.grading import Answer, check
from lab.precision import Precision, follows
from lab.quantities import Sheet


def rounded(x: float, figures: int = 3) -> float:
    return float(f"{x:.{figures - 1}e}")


def sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def by_hand(spec, figures: int = 3) -> dict[str, float]:
    """The 3-2-1 sigmoid network's numbers under E = (t − o6)², each rounded before the next
    one uses it, as on paper."""
    w, x, t, lr = dict(spec.weights), spec.examples[0].x, spec.examples[0].t[0], spec.lr
    r = {}

    def put(name, value):
        r[name] = rounded(value, figures)
        return r[name]

    for j in (4, 5):
        i = put(f"i{j}", sum(w[f"w{k}{j}"] * x[k - 1] for k in (1, 2, 3)) + w[f"b{j}"])
        put(f"o{j}", sigmoid(i))
    put("i6", w["w46"] * r["o4"] + w["w56"] * r["o5"] + w["b6"])
    o6 = put("o6", sigmoid(r["i6"]))
    put("E", (t - o6) ** 2)
    d6 = put("delta6", 2 * (t - o6) * o6 * (1 - o6))  # δ6 = −∂E/∂i6
    for j in (4, 5):
        put(f"grad_w{j}6", -d6 * r[f"o{j}"])
    put("grad_b6", -d6)
    for j in (5, 4):
        d = put(f"delta{j}", r[f"o{j}"] * (1 - r[f"o{j}"]) * w[f"w{j}6"] * d6)
        for k in (1, 2, 3):
            put(f"grad_w{k}{j}", -d * x[k - 1])
        put(f"grad_b{j}", -d)
    for p in w:
        put(f"new_{p}", w[p] - lr * r[f"grad_{p}"])
    return r


def graded(spec, numbers):
    run = lab.step(spec)
    sheet = Sheet(list(run))
    answers = {w.quantity: Answer(numbers[w.answer_name]) for w in sheet.worked.values()
               if w.answer_name in numbers}
    assert len(answers) == len(numbers) == 32  # every number the lecture's sheet asks for
    return check(run, answers)


def test_worked_example_carried_to_3_figures_is_right_number_by_number():
    report = graded(specs.lecture(), by_hand(specs.lecture()))
    assert [i.quantity for i in report.items if i.verdict != "right"] == []
    # e.g. new w46 from δ6 = 0.262 and o4 = 0.332, not from the unrounded ones
    apart = [i for i in report.items if "right from your rounded numbers" in i.explanation]
    assert apart and all(rounded(i.expected) != i.given for i in apart)


@pytest.mark.parametrize("seed", [1, 3, 9])
def test_random_networks_carried_to_3_figures_are_right_number_by_number(seed):
    # weights of one decimal, inputs and target 0 or 1, as an assignment's variants: near a
    # power of ten (0.00996 rounding to 0.0100), at −1.00, at a halfway 0.2845
    rng = random.Random(seed)
    base, apart = specs.lecture(), 0
    for _ in range(200):
        spec = base.with_settings(
            weights={p: round(rng.uniform(-1, 1), 1) for p in base.weights},
            examples=[{"x": [rng.choice([0, 1]) for _ in range(3)], "t": [rng.choice([0, 1])]}])
        report = graded(spec, by_hand(spec))
        assert [i for i in report.items if i.verdict != "right"] == [], spec.weights
        apart += sum("rounded" in i.explanation for i in report.items)
    assert apart > 100  # most sheets have numbers the unrounded values alone would refuse


def test_a_slip_carried_forward_is_not_right():
    numbers = by_hand(specs.lecture(), figures=4)
    numbers["o4"] = 0.342  # 0.3318 slipped; the rest computed from it by hand
    spec = specs.lecture()
    w, o4 = dict(spec.weights), 0.342
    numbers["i6"] = rounded(w["w46"] * o4 + w["w56"] * numbers["o5"] + w["b6"], 4)
    report = {i.quantity: i.verdict for i in graded(spec, numbers).items}
    assert report["o4"] == "wrong" and report["i6"] == "carried-forward"


def test_a_number_whose_own_value_reached_the_next_power_of_ten_is_read_to_its_figures():
    # right δ5 = 0.009918; the student's rounded numbers give 0.01004, which they write 0.0100:
    # half a unit of 0.0100's third figure is 0.00005, of 0.00992's only 0.000005
    rule = Precision(significant_figures=3)
    band = rule.band(0.009918)
    assert follows(0.0100, 0.01004, 0.009918, band, rule.above(0.009918))
    assert not follows(0.0100, 0.01004, 0.009918, band)  # R's band alone refuses it
    assert not follows(0.0101, 0.01004, 0.009918, band, rule.above(0.009918))
    assert rule.above(0.009918) == (pytest.approx(0.01), pytest.approx(0.00005))
    assert Precision(absolute=0.001).above(0.009918) is None  # a tolerance has no decades


def test_a_number_at_the_edge_of_the_band_around_its_own_value_follows_from_it():
    # as for the right value: the interval's ends are in it (exact in binary: 1 ± 0.5)
    assert follows(1.5, 1.0, 1.0, (0.5, 0.0)) and follows(0.5, 1.0, 1.0, (0.5, 0.0))
    assert not follows(1.5000000000000002, 1.0, 1.0, (0.5, 0.0))


def test_a_rule_without_a_count_of_figures_is_the_default_3_in_a_spec_too():
    rule = Precision(significant_figures=None)
    assert rule.to_dict() == {"significant_figures": 3}
    assert rule.band(0.47517) == Precision(significant_figures=3).band(0.47517)
