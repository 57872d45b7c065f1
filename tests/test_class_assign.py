"""Class assignments from the command line: ``backprop assign`` (a network of their own for every
student, the same files on a second run, a sixth student changing no one else's numbers, the
flaws a variant must avoid, templates refused with their reason) and ``backprop grade`` (planted
submissions give the gradebook rows worked out by hand). Right values come from
tests/class_by_hand.py (plain floats), never from the grader."""

import csv
import json
import math
from pathlib import Path

import pytest
from class_by_hand import ASKED, TEMPLATE, assign_class, backprop, by_hand, right_at_3

import lab
from lab.spec import load
from lab.templates import GROUPS, load_template, loads_template

ROSTER = "id,name,email\n" + "".join(f"s{k},Student {k},s{k}@example.org\n" for k in range(1, 6))


@pytest.fixture(scope="module")
def assigned(tmp_path_factory):
    """The template assigned to five students."""
    root = tmp_path_factory.mktemp("class")
    assign_class(root, ROSTER)
    return root


def files(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_assign_writes_every_file(assigned):
    out = assigned / "out"
    for k in range(1, 6):
        for name in ("spec.toml", "exercise.html", "worksheet.html"):
            assert (out / f"s{k}" / name).is_file()
    assert (out / "key.csv").is_file() and (out / "answers-template.csv").is_file()
    # each number by its name in the formulas, and in the answers file where that differs
    page = (out / "s1" / "exercise.html").read_text(encoding="utf-8")
    assert ">o4</label>" in page and ">δ6 (delta6)</label>" in page
    # the grader counts rounded numbers carried on from right ones as right: the pages say so
    for page in ("exercise.html", "worksheet.html"):
        assert "a number that follows from your right ones is right" in (
            out / "s1" / page).read_text(encoding="utf-8")


def test_assign_says_how_many_students_it_wrote_for_in_words(tmp_path):
    (tmp_path / "template.toml").write_text(TEMPLATE)
    (tmp_path / "roster.csv").write_text("id\nada\n")
    done = backprop("assign", tmp_path / "template.toml", "--roster", tmp_path / "roster.csv",
                    "--out", tmp_path / "out")
    assert done.returncode == 0, done.stderr
    assert done.stderr.startswith("wrote the files of 1 student, key.csv")


def test_five_students_five_networks_each_a_plain_spec(assigned):
    specs = [load(assigned / "out" / f"s{k}" / "spec.toml") for k in range(1, 6)]
    numbers = {tuple(sorted(s.weights.items())) for s in specs}
    assert len(numbers) == 5
    text = (assigned / "out" / "s1" / "spec.toml").read_text()
    assert "from" not in text and "[assignment]" not in text
    # step and check accept it
    done = backprop("check", assigned / "out" / "s1" / "spec.toml", "--template")
    assert done.returncode == 0 and "delta6," in done.stdout
    for s in specs:  # the fixed numbers stay, the ranged ones stay on the grid
        assert s.weights["w24"] == 0.4 and s.weights["b6"] == 0.1
        for name in ("w14", "w15", "w34", "w46", "w56"):
            assert -0.5 <= s.weights[name] <= 0.5
            assert round(s.weights[name] * 10) == pytest.approx(s.weights[name] * 10, abs=1e-9)


def test_same_files_on_a_second_run(assigned):
    again = backprop("assign", assigned / "template.toml", "--roster", assigned / "roster.csv",
                     "--out", assigned / "again")
    assert again.returncode == 0, again.stderr
    assert files(assigned / "again") == files(assigned / "out")


def test_a_sixth_student_changes_no_one_elses_numbers(assigned):
    six = assigned / "roster6.csv"
    six.write_text(ROSTER + "s6,Student 6,s6@example.org\n")
    done = backprop("assign", assigned / "template.toml", "--roster", six, "--out",
                    assigned / "six")
    assert done.returncode == 0, done.stderr
    for k in range(1, 6):
        for name in ("spec.toml", "exercise.html", "worksheet.html"):
            assert (assigned / "six" / f"s{k}" / name).read_bytes() == \
                (assigned / "out" / f"s{k}" / name).read_bytes()
    sixth = load(assigned / "six" / "s6" / "spec.toml")
    others = [load(assigned / "out" / f"s{k}" / "spec.toml").weights for k in range(1, 6)]
    assert sixth.weights not in others


def test_key_holds_the_hand_calculation(assigned):
    rows = list(csv.DictReader((assigned / "out" / "key.csv").open()))
    assert list(rows[0]) == ["student", "quantity", "value"]
    for k in range(1, 6):
        s = load(assigned / "out" / f"s{k}" / "spec.toml")
        hand = by_hand(dict(s.weights), list(s.examples[0].x), s.examples[0].t[0], s.lr)
        mine = {r["quantity"]: float(r["value"]) for r in rows if r["student"] == f"s{k}"}
        assert sorted(mine) == sorted(ASKED)
        for name, value in mine.items():
            assert value == pytest.approx(hand[name], rel=1e-12, abs=1e-15), name


def test_answers_template_lists_the_asked_names(assigned):
    text = (assigned / "out" / "answers-template.csv").read_text()
    names = [line.split(",")[0] for line in text.splitlines()
             if line and not line.startswith("#") and line != "quantity,value"]
    assert sorted(names) == sorted(ASKED)


def test_variants_avoid_saturation_and_vanishing_gradients():
    """Wide ranges make saturated units and tiny gradients common: none reaches a student."""
    wide = TEMPLATE.replace("{ from = -0.5, to = 0.5, step = 0.1 }",
                            "{ from = -6, to = 6, step = 0.5 }")
    template = loads_template(wide)
    specs = template.variants([f"p{k}" for k in range(40)])
    for s in specs.values():
        w = dict(s.weights)
        i4 = w["w14"] + w["w34"] + w["b4"]
        i5 = w["w15"] + w["w35"] + w["b5"]
        o4, o5 = 1 / (1 + math.exp(-i4)), 1 / (1 + math.exp(-i5))
        i6 = o4 * w["w46"] + o5 * w["w56"] + w["b6"]
        o6 = 1 / (1 + math.exp(-i6))
        for o in (o4, o5, o6):  # σ′ at least a tenth of its largest, 1/4
            assert o * (1 - o) >= 0.025
        d6 = 2 * (1 - o6) * o6 * (1 - o6)
        d4, d5 = o4 * (1 - o4) * w["w46"] * d6, o5 * (1 - o5) * w["w56"] * d6
        # every gradient not behind x2 = 0 is at least 0.0005 (0.000 at 3 decimals otherwise)
        for g in (d6, d6 * o4, d6 * o5, d4, d5):
            assert abs(g) >= 0.0005
    # and the draws did meet such flaws: some first draws are refused
    firsts = [template._draw(f"p{k}", 0)[1] for k in range(40)]
    assert sum(f != specs[f"p{k}"] for k, f in enumerate(firsts)) > 0


def test_gradient_zero_in_every_variant_is_fine():
    template = loads_template(TEMPLATE)
    assert {"grad_w24@1", "grad_w25@1"} <= template.always_zero  # behind x2 = 0


@pytest.mark.parametrize("change, reason", [
    # every draw saturates the output unit
    (("b6 = 0.1", "b6 = { from = 9, to = 10, step = 1 }"), "saturated"),
    # hidden-to-output weights so small that δ4, δ5 and their gradients are about 1e-5
    (("w46 = { from = -0.5, to = 0.5, step = 0.1 }",
      "w46 = { from = 0.0001, to = 0.0003, step = 0.0001 }\nw56 = 0.0002"), "rounds to zero"),
])
def test_templates_that_cannot_serve_are_refused(tmp_path, change, reason):
    text = TEMPLATE.replace(*change)
    if "w56 = 0.0002" in text:
        text = text.replace("w56 = { from = -0.5, to = 0.5, step = 0.1 }\n", "")
    (tmp_path / "t.toml").write_text(text)
    (tmp_path / "r.csv").write_text(ROSTER)
    done = backprop("assign", tmp_path / "t.toml", "--roster", tmp_path / "r.csv", "--out",
                    tmp_path / "out")
    assert done.returncode == 2
    assert reason in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_too_few_networks_for_the_class_is_refused(tmp_path):
    text = TEMPLATE
    for name in ("w14", "w15", "w34", "w46"):
        text = text.replace(f"{name} = {{ from = -0.5, to = 0.5, step = 0.1 }}", f"{name} = 0.3")
    text = text.replace("w56 = { from = -0.5, to = 0.5, step = 0.1 }",
                        "w56 = { from = 0.2, to = 0.4, step = 0.1 }")
    (tmp_path / "t.toml").write_text(text)
    (tmp_path / "r.csv").write_text(ROSTER)
    done = backprop("assign", tmp_path / "t.toml", "--roster", tmp_path / "r.csv", "--out",
                    tmp_path / "out")
    assert done.returncode == 2
    assert "only 3 different networks for 5 students" in done.stderr


@pytest.mark.parametrize("change, message", [
    (("step = 0.1 }", "step = 0 }"), "step must be above 0"),
    (("from = -0.5, to = 0.5", "from = 0.5, to = -0.5"), "from must not be above to"),
    (('ask = ["outputs", "deltas", "new_weights"]', 'ask = ["outputs", "delta9"]'), "delta9"),
    (("seed = 2026", "seed = 2026\ncolour = 1"), "unknown key colour"),
    (("carried_forward_share = 0.5", "carried_forward_share = 2"), "from 0 to 1"),
    (("w24 = 0.4", "w24 = { from = 0, to = 1 }"), "missing step"),
])
def test_bad_templates_named(tmp_path, change, message):
    (tmp_path / "t.toml").write_text(TEMPLATE.replace(*change, 1))
    with pytest.raises(ValueError, match=message):
        load_template(tmp_path / "t.toml")


def test_template_api_for_other_exports():
    template = loads_template(TEMPLATE)
    spec = template.variant("s1")
    assert spec == template.variant("s1")  # the id alone decides
    run = lab.step(spec)
    asked = [w.answer_name for r in run for w in r.quantities if template.asked(w)]
    assert sorted(asked) == sorted(ASKED)
    points = {w.answer_name: template.points_for(w) for r in run for w in r.quantities
              if template.asked(w)}
    assert points["delta4"] == 2 and points["o6"] == 1 and points["new_b4"] == 1
    assert template.credit("carried-forward") == 0.5 and template.credit("right") == 1
    assert set(GROUPS) >= {"outputs", "deltas", "new_weights"}


# --- grading a class ----------------------------------------------------------------------------


def hand(assigned, student, slip=None):
    s = load(assigned / "out" / student / "spec.toml")
    return by_hand(dict(s.weights), list(s.examples[0].x), s.examples[0].t[0], s.lr, slip)


def write_answers(path, numbers):
    path.write_text("quantity,value\n" + "".join(f"{k},{v:.5g}\n" for k, v in numbers.items()))


def points(name):
    return 2 if name.startswith("delta") else 1


@pytest.fixture(scope="module")
def graded(assigned):
    subs = assigned / "submissions"
    subs.mkdir()
    write_answers(subs / "s1.csv", {k: v for k, v in hand(assigned, "s1").items() if k in ASKED})
    right2 = hand(assigned, "s2")
    slipped = hand(assigned, "s2", {"o4": right2["o4"] + 0.1})  # later ones from the slip
    write_answers(subs / "s2.csv", {k: v for k, v in slipped.items() if k in ASKED})
    right3 = hand(assigned, "s3")
    o6 = right3["o6"]
    write_answers(subs / "s3.csv", {"o4": right3["o4"], "o5": right3["o5"], "o6": o6,
                                    "delta6": 2 * (1 - o6)})  # σ′ forgotten
    (subs / "s4.csv").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe garbage")
    # s5 hands nothing in (its file saved as "S5 (1).csv" is not theirs); a file of someone
    # not on the roster is left alone
    write_answers(subs / "stranger.csv", {"o4": 0.5})
    write_answers(subs / "S5 (1).csv", {"o4": 0.5})
    done = backprop("grade", assigned / "out", subs, "--out", assigned / "gradebook.csv",
                    "--feedback", assigned / "feedback")
    rows = {r["id"]: r for r in csv.DictReader((assigned / "gradebook.csv").open())}
    return done, rows, right2, slipped


def test_grade_exits_0_with_a_row_per_student(graded):
    done, rows, *_ = graded
    assert done.returncode == 0, done.stderr
    assert list(rows) == ["s1", "s2", "s3", "s4", "s5"]
    first = next(iter(rows.values()))
    for column in ("id", "score", "max_score", "right", "carried_forward", "wrong", "blank",
                   "first_wrong", "mistakes", "error", "name", "email"):
        assert column in first


def test_grade_names_the_files_it_did_not_grade_with_the_student_they_were_meant_for(graded):
    done, rows, *_ = graded
    assert rows["s5"]["error"] == "no file"
    line = next(line for line in done.stderr.splitlines() if line.startswith("not graded"))
    assert line.endswith(": S5 (1).csv (s5?), stranger.csv")


def test_all_right(graded):
    row = graded[1]["s1"]
    full = sum(points(n) for n in ASKED)
    assert (row["right"], row["wrong"], row["carried_forward"], row["blank"]) == \
        (str(len(ASKED)), "0", "0", "0")
    assert float(row["score"]) == float(row["max_score"]) == full
    assert row["error"] == "" and row["first_wrong"] == "" and row["mistakes"] == ""


def test_early_slip_carried_forward(graded):
    _, rows, right, slipped = graded
    row = rows["s2"]
    expected = {n: "wrong" if n == "o4" else
                "right" if right_at_3(float(f"{slipped[n]:.5g}"), right[n]) else "carried-forward"
                for n in ASKED}
    counts = {v: sum(x == v for x in expected.values()) for v in ("right", "carried-forward")}
    assert row["wrong"] == "1" and row["first_wrong"] == "o4" and row["error"] == ""
    assert int(row["carried_forward"]) == counts["carried-forward"] > 5
    assert int(row["right"]) == counts["right"]
    score = sum(points(n) * {"right": 1, "carried-forward": 0.5, "wrong": 0}[v]
                for n, v in expected.items())
    assert float(row["score"]) == pytest.approx(score)


def test_named_mistake(graded):
    row = graded[1]["s3"]
    assert (row["right"], row["wrong"], row["blank"]) == ("3", "1", str(len(ASKED) - 4))
    assert row["first_wrong"] == "delta6" and row["mistakes"] == "missing-derivative"
    assert float(row["score"]) == 3


def test_garbage_and_missing_are_rows_with_errors(graded):
    rows = graded[1]
    assert rows["s4"]["error"].startswith("unreadable file")
    assert rows["s5"]["error"] == "no file"
    for k in ("s4", "s5"):
        assert rows[k]["score"] == "0" and float(rows[k]["max_score"]) > 0


def test_unknown_names_only(assigned, tmp_path):
    (tmp_path / "s1.csv").write_text("quantity,value\nfoo,0.5\nbar,0.25\n")
    done = backprop("grade", assigned / "out", tmp_path, "--out", tmp_path / "g.csv")
    assert done.returncode == 0
    rows = {r["id"]: r for r in csv.DictReader((tmp_path / "g.csv").open())}
    assert rows["s1"]["error"].startswith("unknown names only")


def test_feedback_pages_explain_in_the_students_numbers(assigned, graded):
    page = (assigned / "feedback" / "s3.html").read_text()
    assert "missing-derivative" in page and "s3" in page
    assert "o6·(1 − o6)" in page  # the rule broken, in the explanation
    # every number asked has its row; those not handed in are blank
    assert page.count('<tr class="bp-') == len(ASKED)
    assert page.count('<tr class="bp-blank">') == len(ASKED) - 4
    slip = (assigned / "feedback" / "s2.html").read_text()
    assert "carried-forward" in slip and "consistent with your earlier values" in slip
    assert "no file" in (assigned / "feedback" / "s5.html").read_text()


def test_grade_verdicts_agree_with_check(assigned, graded):
    """Each graded student: the gradebook's counts are check --json's on the same file."""
    rows = graded[1]
    for k in (1, 2, 3):
        done = backprop("check", assigned / "out" / f"s{k}" / "spec.toml",
                        assigned / "submissions" / f"s{k}.csv", "--json")
        report = json.loads(done.stdout)
        assert int(rows[f"s{k}"]["right"]) == report["right"]
        assert int(rows[f"s{k}"]["wrong"]) == report["wrong"]
        assert int(rows[f"s{k}"]["carried_forward"]) == report["carried_forward"]


def test_grade_bad_usage(assigned, tmp_path):
    done = backprop("grade", tmp_path, tmp_path, "--out", tmp_path / "g.csv")
    assert done.returncode == 2 and "not a folder written by backprop assign" in done.stderr
    done = backprop("grade", assigned / "out", tmp_path / "none", "--out", tmp_path / "g.csv")
    assert done.returncode == 2 and "not a folder of submissions" in done.stderr


def test_roster_problems_named(tmp_path):
    (tmp_path / "t.toml").write_text(TEMPLATE)
    for text, message in (("name\nAnn\n", "no column id"), ("id\n../x\n", "cannot name a file"),
                          ("id\na\na\n", "also on line 2"),
                          ("id\n" + "x/" * 500 + "\n",  # its repr: 1,002 characters, 40 shown
                           "'" + "x/" * 19 + "x… (1,002 characters) cannot name a file")):
        (tmp_path / "r.csv").write_text(text)
        done = backprop("assign", tmp_path / "t.toml", "--roster", tmp_path / "r.csv", "--out",
                        tmp_path / "out")
        assert done.returncode == 2 and message in done.stderr, done.stderr
        assert len(done.stderr) < 400  # a 1,000-character id is not echoed whole


def test_hand_in_page_holds_no_right_value(assigned):
    """The page source has none of the right values, to 3 significant figures, except where a
    right value is one of the given numbers (a weight not changed by its update)."""
    check_no_answers(assigned / "out" / "s1")


def check_no_answers(folder):
    import re

    spec = load(folder / "spec.toml")
    given = {f"{v:.3g}" for v in [*spec.weights.values(), spec.lr,
                                  *(x for e in spec.examples for x in (*e.x, *e.t))]}
    for page in ("exercise.html", "worksheet.html"):
        html = (folder / page).read_text()
        for r in lab.step(spec):
            for w in r.quantities:
                shown = f"{abs(w.value):.3g}"
                if w.value == 0 or shown in given or f"{w.value:.3g}" in given:
                    continue
                found = re.search(r"(?<![\d.])" + re.escape(shown) + r"(?![\d]|[a-z%])", html)
                assert found is None, (page, w.answer_name, shown,
                                       html[found.start() - 80:found.end() + 20])
        assert "interval" not in html and "BPGrader" not in html and '"expr"' not in html


def test_step_hand_in_flag(tmp_path):
    spec = tmp_path / "lecture.toml"
    spec.write_text(lab.spec.lecture_text())
    done = backprop("step", spec, "--html", tmp_path / "lecture.html", "--exercise",
                    "--hand-in", "--student", "ann")
    assert done.returncode == 0, done.stderr
    (tmp_path / "spec.toml").write_text(lab.spec.lecture_text())
    (tmp_path / "exercise.html").write_text((tmp_path / "lecture.html").read_text())
    (tmp_path / "worksheet.html").write_text("")
    check_no_answers(tmp_path)
    assert '"ann.csv"' in (tmp_path / "lecture.html").read_text()
    done = backprop("step", spec, "--html", tmp_path / "x.html", "--hand-in")
    assert done.returncode == 2 and "--exercise" in done.stderr


def test_pictures_drawn_once_per_shape_say_each_students_numbers():
    """The second student's picture (the first's layout, its labels rewritten) has the same
    texts as a picture drawn for them alone."""
    import re

    from viz.class_pages import NetworkPictures, network_svg

    template = loads_template(TEMPLATE.replace('x = [1, 0, 1]', 'x = [1, 0.5, 1]'))
    runs = template.runs(["a", "b", "c"])
    pictures = NetworkPictures()
    texts = [re.findall(r"<text[^>]*>([^<]*)</text>", pictures(r)) for r in runs.values()]
    alone = [re.findall(r"<text[^>]*>([^<]*)</text>", network_svg(r)) for r in runs.values()]
    assert texts == alone
    assert texts[0] != texts[1]
    assert "x2 = 0.5" in texts[1]


def test_the_docs_template_and_roster_assign_as_the_page_says(tmp_path):
    root = Path(__file__).resolve().parent.parent
    done = backprop("assign", root / "docs/specs/homework_template.toml", "--roster",
                    root / "docs/specs/roster.csv", "--out", tmp_path / "class")
    assert done.returncode == 0, done.stderr
    page = (root / "docs/classes.md").read_text()
    for name in ("spec.toml", "exercise.html", "worksheet.html"):
        assert (tmp_path / "class" / "ada" / name).is_file() and f"<id>/{name}" in page
    for name in ("key.csv", "answers-template.csv", "template.toml", "roster.csv"):
        assert (tmp_path / "class" / name).is_file() and name in page


def test_no_two_students_alike_when_the_ranges_barely_allow():
    """Six networks (w56 from 0.1 to 0.6) for five students: first draws collide, redraws make
    all five different, and each one's numbers are still on the grid."""
    text = TEMPLATE
    for name in ("w14", "w15", "w34", "w46"):
        text = text.replace(f"{name} = {{ from = -0.5, to = 0.5, step = 0.1 }}", f"{name} = 0.3")
    text = text.replace("w56 = { from = -0.5, to = 0.5, step = 0.1 }",
                        "w56 = { from = 0.1, to = 0.6, step = 0.1 }")
    template = loads_template(text)
    assert template.count == 6
    ids = [f"s{k}" for k in range(1, 6)]
    specs = template.variants(ids)
    w56 = [specs[s].weights["w56"] for s in ids]
    assert len(set(w56)) == 5 and set(w56) <= {0.1, 0.2, 0.3, 0.4, 0.5, 0.6}
    firsts = [template.variant(s).weights["w56"] for s in ids]  # each drawn alone
    assert len(set(firsts)) < 5  # five draws from six values collided
