"""The PrairieLearn question: exported with `backprop export prairielearn`, its server.py imported
in a fresh Python process (`python -I -S`: no site-packages, no user site, no PYTHONPATH) whose
path holds only the standard library, numpy and the exported folders; generate() and grade() get
a data dictionary shaped as PrairieLearn's docs (docs/question/server.md) describe it. Partial
scores and feedback are compared with `backprop check` on the same numbers, and with the planted
numbers' own verdicts."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import uuid
from pathlib import Path

import numpy
import pytest
from planted_lecture import (
    LECTURE,
    ORDER,
    TEMPLATE,
    check_json,
    csv_text,
    missing_derivative,
    points,
    right,
)

import lab
from lab.prairielearn import field
from viz.cli import main

RUNNER = r"""
import importlib.util, json, sys
numpy_only, question, course = sys.argv[1:4]
sys.path[:0] = [numpy_only]          # numpy: the one package PrairieLearn's Python must have
for name in ("graphviz", "tqdm", "matplotlib", "starlette", "viz", "lab", "nn"):
    assert importlib.util.find_spec(name) is None, name + " is reachable"
spec = importlib.util.spec_from_file_location("server", question + "/server.py")
server = importlib.util.module_from_spec(spec)
spec.loader.exec_module(server)
data = json.loads(sys.stdin.read())
options = {"question_path": question, "server_files_course_path": course + "/serverFilesCourse",
           "client_files_question_path": question + "/clientFilesQuestion"}
data["options"] = options
server.generate(data)
submitted = data.pop("to_submit")
if submitted is not None:
    # what pl-number-input leaves for grade(): the raw text, the parsed number, its own scores
    data["raw_submitted_answers"] = submitted
    # a blank field (allow-blank) is None; text that is not a number is a format error in
    # PrairieLearn, which then does not call grade() at all
    data["submitted_answers"] = {k: float(v) if v.strip() else None for k, v in submitted.items()}
    data["format_errors"] = {}
    data["partial_scores"] = {k: {"score": 0.0, "weight": 1} for k in data["correct_answers"]}
    data["score"] = 0.0
    data["feedback"] = {}
    server.grade(data)
loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("graphviz", "tqdm", "matplotlib"))
data["loaded"] = loaded
del data["options"]
print(json.dumps(data))
"""


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    out = tmp_path_factory.mktemp("course")
    template = tmp_path_factory.mktemp("template") / "homework.toml"
    template.write_text(TEMPLATE)
    assert main(["export", "prairielearn", str(template), "--out", str(out), "--name",
                 "lecture step"]) == 0
    numpy_only = tmp_path_factory.mktemp("numpy-only")
    for name in ("numpy", "numpy.libs"):
        if (Path(numpy.__file__).parent.parent / name).exists():
            (numpy_only / name).symlink_to(Path(numpy.__file__).parent.parent / name)
    return out, numpy_only, template


def run_question(course, submit: dict[str, str] | None, seed: int = 4217) -> dict:
    out, numpy_only, _ = course
    question = out / "questions" / "lecture-step"
    done = subprocess.run([sys.executable, "-I", "-S", "-c", RUNNER, str(numpy_only),
                           str(question), str(out)],
                          input=json.dumps({"params": {}, "correct_answers": {},
                                            "variant_seed": seed, "to_submit": submit}),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)



def test_the_question_folder_has_prairielearns_files(course):
    out, _, _ = course
    q = out / "questions" / "lecture-step"
    info = json.loads((q / "info.json").read_text())
    assert str(uuid.UUID(info["uuid"])) == info["uuid"]
    assert info["type"] == "v3" and info["title"] and info["topic"]
    html = (q / "question.html").read_text()
    inputs = re.findall(r'<pl-number-input answers-name="([^"]+)" label="([^"]+)"', html)
    assert [name for name, _ in inputs] == ORDER
    assert dict(inputs)["delta6"] == "δ6 =" and dict(inputs)["grad_w14"] == "∂E/∂w14 ="
    # the drawing's numbers are the variant's: placeholders, no number of the template left
    assert "<svg" in html and "{{params.w46}}" in html and "{{params.x1}}" in html
    assert not re.search(r"\d\.\d", re.sub(r"<[^>]*>", "", html))  # no number of its own
    shared = out / "serverFilesCourse" / "backprop_lab"
    assert {p.name for p in shared.iterdir()} >= {"autograd_core", "nn", "lab"}
    assert not (shared / "viz").exists()


def test_a_second_export_keeps_the_questions_uuid(course, tmp_path):
    out, _, template = course
    before = json.loads((out / "questions" / "lecture-step" / "info.json").read_text())["uuid"]
    assert main(["export", "prairielearn", str(template), "--out", str(out), "--name",
                 "lecture step"]) == 0
    again = json.loads((out / "questions" / "lecture-step" / "info.json").read_text())["uuid"]
    assert again == before
    other = tmp_path / "other"
    assert main(["export", "prairielearn", str(LECTURE), "--out", str(other)]) == 0  # a spec
    fresh = json.loads((other / "questions" / "worked_example" / "info.json").read_text())
    assert fresh["uuid"] != before


def variant(data: dict):
    return lab.spec.from_dict(data["params"]["spec"])


def test_generate_draws_the_numbers_and_the_right_answers(course):
    data = run_question(course, None)
    assert data["loaded"] == []
    params, correct = data["params"], data["correct_answers"]
    mine = variant(data)
    assert mine.weights == run_question(course, None)["params"]["spec"]["weights"]  # same seed
    assert mine.weights != variant(run_question(course, None, seed=99)).weights
    w46 = mine.weights["w46"]
    assert params["w46"] == f"{w46:g}".replace("-", "−") and w46 in (-0.5, -0.4, -0.3, -0.2, -0.1)
    assert (params["x1"], params["t"], params["lr"]) == ("1", "1", "0.9")
    expected = right(mine)
    assert list(correct) == ORDER
    for k in ORDER:
        assert correct[k] == pytest.approx(expected[k], rel=1e-9, abs=1e-12)
    json.dumps(data)  # PrairieLearn stores data as JSON


@pytest.mark.parametrize("planted", [right, missing_derivative], ids=["right", "mistake"])
def test_grade_gives_the_scores_and_feedback_of_check(course, tmp_path, planted):
    mine = variant(run_question(course, None))
    values = planted(mine)
    text = csv_text(values)
    submit = {field(k): f"{v:.5g}" for k, v in values.items()}
    data = run_question(course, submit)
    assert data["loaded"] == []
    report = check_json(tmp_path, text, mine)
    items = {i["quantity"]: i for i in report["items"]}
    partial = data["partial_scores"]
    assert list(partial) == ORDER
    share = {"right": 1.0, "carried-forward": 0.5}  # TEMPLATE's carried_forward_share
    for k in ORDER:
        assert partial[k]["score"] == share.get(items[k]["verdict"], 0.0), k
        assert partial[k]["weight"] == points(k)
        assert f": {items[k]['verdict']}" in partial[k]["feedback"]
        assert items[k]["explanation"] in partial[k]["feedback"]
        assert data["feedback"][k] == partial[k]["feedback"]
    full = sum(points(k) for k in ORDER)
    earned = sum(points(i["quantity"]) * share.get(i["verdict"], 0.0) for i in report["items"])
    assert data["score"] == pytest.approx(earned / full)
    if planted is missing_derivative:
        assert partial["delta6"]["score"] == 0
        assert "missing-derivative" in partial["delta6"]["feedback"]
        assert "carried-forward" in partial["grad_w46"]["feedback"]
        # by hand: a number equal to the right one earns its points, one that follows from
        # the slip half of them, δ6 none
        ok = right(mine)
        by_hand = sum(0.0 if k == "delta6" else points(k) * (1.0 if values[k] == ok[k] else 0.5)
                      for k in ORDER)
        assert data["score"] == pytest.approx(by_hand / full)
    else:
        assert data["score"] == 1.0


def test_a_blank_field_scores_zero_and_the_rest_is_graded(course):
    submit = {field(k): f"{v:.5g}" for k, v in right(variant(run_question(course, None))).items()}
    submit["o6"] = ""
    data = run_question(course, submit)
    assert data["partial_scores"]["o6"]["score"] == 0
    assert "blank" in data["partial_scores"]["o6"]["feedback"]
    assert data["partial_scores"]["delta6"]["score"] == 1
    assert data["score"] == pytest.approx(1 - 1 / sum(points(k) for k in ORDER))
