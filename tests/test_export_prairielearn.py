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
from planted_lecture import LECTURE, ORDER, check_json, csv_text, missing_derivative, right

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
    assert main(["export", "prairielearn", str(LECTURE), "--out", str(out), "--name",
                 "lecture step"]) == 0
    numpy_only = tmp_path_factory.mktemp("numpy-only")
    for name in ("numpy", "numpy.libs"):
        if (Path(numpy.__file__).parent.parent / name).exists():
            (numpy_only / name).symlink_to(Path(numpy.__file__).parent.parent / name)
    return out, numpy_only


def run_question(course, submit: dict[str, str] | None) -> dict:
    out, numpy_only = course
    question = out / "questions" / "lecture-step"
    done = subprocess.run([sys.executable, "-I", "-S", "-c", RUNNER, str(numpy_only),
                           str(question), str(out)],
                          input=json.dumps({"params": {}, "correct_answers": {},
                                            "variant_seed": 4217, "to_submit": submit}),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)



def test_the_question_folder_has_prairielearns_files(course):
    out, _ = course
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
    assert "−0.3" not in html and "0.2" not in re.sub(r"<[^>]*>", "", html)
    shared = out / "serverFilesCourse" / "backprop_lab"
    assert {p.name for p in shared.iterdir()} >= {"autograd_core", "nn", "lab"}
    assert not (shared / "viz").exists()


def test_a_second_export_keeps_the_questions_uuid(course, tmp_path):
    out, _ = course
    before = json.loads((out / "questions" / "lecture-step" / "info.json").read_text())["uuid"]
    assert main(["export", "prairielearn", str(LECTURE), "--out", str(out), "--name",
                 "lecture step"]) == 0
    again = json.loads((out / "questions" / "lecture-step" / "info.json").read_text())["uuid"]
    assert again == before
    other = tmp_path / "other"
    assert main(["export", "prairielearn", str(LECTURE), "--out", str(other)]) == 0
    fresh = json.loads((other / "questions" / "worked_example" / "info.json").read_text())
    assert fresh["uuid"] != before


def test_generate_draws_the_numbers_and_the_right_answers(course):
    data = run_question(course, None)
    assert data["loaded"] == []
    params, correct = data["params"], data["correct_answers"]
    assert (params["w46"], params["x1"], params["t"], params["lr"]) == ("−0.3", "1", "1", "0.9")
    expected = right()
    assert list(correct) == ORDER
    for k in ORDER:
        assert correct[k] == pytest.approx(expected[k], rel=1e-9, abs=1e-12)
    json.dumps(data)  # PrairieLearn stores data as JSON


@pytest.mark.parametrize("planted", [right, missing_derivative], ids=["right", "mistake"])
def test_grade_gives_the_scores_and_feedback_of_check(course, tmp_path, planted):
    values = planted()
    text = csv_text(values)
    submit = {field(k): f"{v:.5g}" for k, v in values.items()}
    data = run_question(course, submit)
    assert data["loaded"] == []
    report = check_json(tmp_path, text)
    items = {i["quantity"]: i for i in report["items"]}
    partial = data["partial_scores"]
    assert list(partial) == ORDER
    for k in ORDER:
        credit = 1.0 if items[k]["verdict"] in ("right", "carried-forward") else 0.0
        assert partial[k]["score"] == credit, k
        assert items[k]["verdict"] in partial[k]["feedback"]
        assert items[k]["explanation"] in partial[k]["feedback"]
        assert data["feedback"][k] == partial[k]["feedback"]
    points = report["right"] + report["carried_forward"]
    assert data["score"] == pytest.approx(points / len(ORDER))
    if planted is missing_derivative:
        assert partial["delta6"]["score"] == 0
        assert "missing-derivative" in partial["delta6"]["feedback"]
        assert "carried-forward" in partial["grad_w46"]["feedback"]
        assert data["score"] == pytest.approx((len(ORDER) - 1) / len(ORDER))
    else:
        assert data["score"] == 1.0


def test_a_blank_field_scores_zero_and_the_rest_is_graded(course):
    submit = {field(k): f"{v:.5g}" for k, v in right().items()}
    submit["o6"] = ""
    data = run_question(course, submit)
    assert data["partial_scores"]["o6"]["score"] == 0
    assert "blank" in data["partial_scores"]["o6"]["feedback"]
    assert data["partial_scores"]["delta6"]["score"] == 1
    assert data["score"] == pytest.approx((len(ORDER) - 1) / len(ORDER))
