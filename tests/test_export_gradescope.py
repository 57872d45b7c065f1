"""The Gradescope autograder: exported with `backprop export gradescope`, its run_autograder run
for real (bash) against a fake /autograder folder (BACKPROP_AUTOGRADER_ROOT), with the wheel from
the zip as the only code of ours (unpacked, as pip installs a pure-Python wheel) and numpy as the
only other package (python -S: no site-packages). The results.json is checked against the fields
Gradescope documents (https://gradescope-autograders.readthedocs.io/en/latest/specs/) and its
scores against `backprop check` on the same files and against the planted numbers."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy
import pytest
from planted_lecture import (
    GARBAGE,
    ORDER,
    TEMPLATE,
    check_json,
    csv_text,
    missing_derivative,
    points,
    right,
)

from lab.gradescope import ROOT_VARIABLE
from lab.templates import load_template
from viz.cli import main
from viz.export_gradescope import SETUP_SH

ROSTER = ("id,name,email,gradescope_id\ns1,Ada,ada@uni.edu,1001\ns2,Ben,ben@uni.edu,\n"
          "s3,Cy,cy@uni.edu,\n")
# the fields of Gradescope's results.json (specs page): top level, and per test
TOP = {"score", "execution_time", "output", "visibility", "stdout_visibility", "extra_data",
       "tests", "leaderboard"}
TEST = {"score", "max_score", "name", "number", "output", "tags", "visibility", "extra_data"}
VISIBILITY = {"hidden", "after_due_date", "after_published", "visible"}


@pytest.fixture(scope="module")
def autograder(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("gradescope")
    (tmp / "roster.csv").write_text(ROSTER)
    (tmp / "homework.toml").write_text(TEMPLATE)
    out = tmp / "autograder.zip"
    assert main(["export", "gradescope", str(tmp / "homework.toml"), "--out", str(out),
                 "--roster", str(tmp / "roster.csv")]) == 0
    return out


@pytest.fixture(scope="module")
def variants(tmp_path_factory):
    """Each student's network, as `backprop assign` draws it for the roster."""
    path = tmp_path_factory.mktemp("template") / "homework.toml"
    path.write_text(TEMPLATE)
    return load_template(path).variants(["s1", "s2"])


def expected_score(planted: dict[str, float], right_values: dict[str, float]) -> float:
    """TEMPLATE's points by hand: a number equal to the right one earns its points, one that
    differs (it follows from the student's slip) half of them; δ6, the slip, none."""
    return sum(0.0 if k == "delta6" else points(k) * (1.0 if planted[k] == right_values[k]
                                                       else 0.5) for k in ORDER)


@pytest.fixture(scope="module")
def interpreter(autograder, tmp_path_factory):
    """A `python` that sees only the standard library, numpy and the zip's wheel."""
    tmp = tmp_path_factory.mktemp("env")
    site = tmp / "site"
    with zipfile.ZipFile(autograder) as z:
        wheel = next(n for n in z.namelist() if n.endswith(".whl"))
        z.extract(wheel, tmp)
    with zipfile.ZipFile(tmp / wheel) as w:
        w.extractall(site)
    numpy_dir = Path(numpy.__file__).parent
    for name in ("numpy", "numpy.libs"):
        if (numpy_dir.parent / name).exists():
            (site / name).symlink_to(numpy_dir.parent / name)
    python = tmp / "bin" / "python"
    python.parent.mkdir()
    python.write_text(f'#!/bin/sh\nPYTHONPATH="{site}" exec "{sys.executable}" -S "$@"\n')
    python.chmod(0o755)
    return python


def run_autograder(autograder, interpreter, root: Path, files: dict[str, str | bytes],
                   user: dict | None) -> dict:
    """Lay out /autograder as Gradescope does, run run_autograder, return results.json."""
    with zipfile.ZipFile(autograder) as z:
        z.extractall(root / "source")
    shutil.copy(root / "source" / "run_autograder", root / "run_autograder")
    (root / "venv" / "bin").mkdir(parents=True)
    (root / "venv" / "bin" / "python").symlink_to(interpreter)
    (root / "submission").mkdir()
    for name, content in files.items():
        mode = "wb" if isinstance(content, bytes) else "w"
        with open(root / "submission" / name, mode) as f:
            f.write(content)
    if user is not None:
        (root / "submission_metadata.json").write_text(json.dumps(
            {"id": 1, "created_at": "2026-12-07T00:00:00Z", "users": [user],
             "previous_submissions": []}))
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["BACKPROP_AUTOGRADER_ROOT"] = str(root)
    done = subprocess.run(["bash", str(root / "run_autograder")], cwd=root, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return json.loads((root / "results" / "results.json").read_text())


def assert_gradescope_schema(results: dict) -> None:
    assert set(results) <= TOP
    assert isinstance(results["score"], float | int)
    assert isinstance(results["output"], str) and results["output"]
    assert results["visibility"] in VISIBILITY and results["stdout_visibility"] in VISIBILITY
    for t in results["tests"]:
        assert set(t) <= TEST
        assert isinstance(t["name"], str) and isinstance(t["output"], str)
        assert isinstance(t["score"], float | int) and isinstance(t["max_score"], float | int)
        assert 0 <= t["score"] <= t["max_score"]
        assert t["visibility"] in VISIBILITY and isinstance(t["number"], str)



def test_the_zip_has_gradescopes_files_at_its_root(autograder):
    with zipfile.ZipFile(autograder) as z:
        names = set(z.namelist())
        mode = {i.filename: i.external_attr >> 16 for i in z.infolist()}
        setup = z.read("setup.sh").decode()
    assert {"setup.sh", "run_autograder", "assignment.json", "template.toml",
            "roster.csv"} <= names
    assert any(n.startswith("backprop_lab-") and n.endswith(".whl") for n in names)
    assert mode["setup.sh"] & 0o111 and mode["run_autograder"] & 0o111
    assert subprocess.run(["bash", "-n"], input=setup, text=True).returncode == 0
    # only Python (the interpreter on an image without 3.11) and Python packages are fetched
    assert "curl" not in setup and "wget" not in setup and "git " not in setup
    assert 'pip install "$ROOT"/source/backprop_lab-*.whl' in setup


def weighted(report: dict) -> float:
    """`backprop check`'s verdicts weighted by TEMPLATE's points and carried-forward share."""
    share = {"right": 1.0, "carried-forward": 0.5}
    return sum(points(i["quantity"]) * share.get(i["verdict"], 0.0) for i in report["items"])


def test_a_right_hand_in_scores_full_marks(autograder, interpreter, variants, tmp_path):
    assert variants["s1"].weights != variants["s2"].weights  # numbers of their own
    text = csv_text(right(variants["s1"]))
    results = run_autograder(autograder, interpreter, tmp_path,
                             {"answers.csv": text}, {"id": 1001, "email": "ada@uni.edu"})
    assert_gradescope_schema(results)
    assert [t["name"].split("(")[1].rstrip(")") for t in results["tests"]] == ORDER
    full = sum(points(k) for k in ORDER)
    assert results["score"] == full == sum(t["max_score"] for t in results["tests"]) == 35
    assert results["score"] == weighted(check_json(tmp_path, text, variants["s1"]))


def test_a_named_mistake_loses_its_point_and_later_numbers_carry_forward(
        autograder, interpreter, variants, tmp_path):
    planted = missing_derivative(variants["s2"])
    text = csv_text(planted)
    # Ben has no Gradescope id in the roster: he is found by his email
    results = run_autograder(autograder, interpreter, tmp_path,
                             {"ben.csv": text}, {"id": 2002, "email": "Ben@uni.edu"})
    assert_gradescope_schema(results)
    tests = {t["name"].split("(")[1].rstrip(")"): t for t in results["tests"]}
    assert tests["delta6"]["score"] == 0
    assert "missing-derivative" in tests["delta6"]["output"]
    after = ORDER[ORDER.index("delta6") + 1:]
    # every number computed from δ6 follows from the student's own δ6: full credit
    assert any("carried-forward" in tests[k]["output"] for k in after)
    assert tests["delta5"]["score"] == 1 and tests["delta5"]["max_score"] == 2  # half of 2
    assert tests["o6"]["score"] == 1 and tests["new_w25"]["score"] == 1  # untouched by δ6
    assert results["score"] == pytest.approx(expected_score(planted, right(variants["s2"])))
    report = check_json(tmp_path, text, variants["s2"])
    assert results["score"] == pytest.approx(weighted(report))
    by_name = {i["quantity"]: i for i in report["items"]}
    for k in ORDER:  # the same verdict and explanation as `backprop check`
        assert f": {by_name[k]['verdict']}" in tests[k]["output"]
        assert by_name[k]["explanation"] in tests[k]["output"]


def test_an_unreadable_file_scores_zero_with_a_message(autograder, interpreter, tmp_path):
    results = run_autograder(autograder, interpreter, tmp_path,
                             {"answers.csv": GARBAGE}, {"id": 1001, "email": "ada@uni.edu"})
    assert_gradescope_schema(results)
    assert results["score"] == 0
    assert "no answers could be read" in results["output"]
    assert len(results["tests"]) == len(ORDER)
    assert sum(t["max_score"] for t in results["tests"]) == 35
    assert all(t["score"] == 0 and "not graded" in t["output"] for t in results["tests"])


@pytest.mark.parametrize("files, user, message", [
    ({}, {"id": 1001}, "no answers file was submitted"),
    ({"a.csv": "o6,0.47\n", "b.csv": "o6,0.47\n"}, {"id": 1001}, "several answers files"),
    ({"answers.csv": b"\xff\xfe\x00binary"}, {"id": 1001}, "not a text file"),
    ({"answers.csv": "o6,0.47\n"}, {"id": 9, "name": "Eve"}, "Eve is not on the assignment's"),
    ({"answers.csv": "o6,0.47\n"}, None, "names no student"),
])
def test_a_submission_that_cannot_be_graded_scores_zero(autograder, interpreter, tmp_path,
                                                         files, user, message):
    results = run_autograder(autograder, interpreter, tmp_path, files, user)
    assert_gradescope_schema(results)
    assert results["score"] == 0 and message in results["output"]


@pytest.mark.parametrize("roster, message", [
    ("name,email\nAda,ada@uni.edu\n", "a column id"),
    ("id,name\ns1,Ada\n", "gradescope_id or email"),
])
def test_a_roster_that_cannot_find_students_is_refused(tmp_path, capsys, roster, message):
    (tmp_path / "roster.csv").write_text(roster)
    (tmp_path / "homework.toml").write_text(TEMPLATE)
    assert main(["export", "gradescope", str(tmp_path / "homework.toml"), "--out",
                 str(tmp_path / "a.zip"), "--roster", str(tmp_path / "roster.csv")]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and not (tmp_path / "a.zip").exists()


def test_the_scores_are_those_backprop_grade_gives(autograder, interpreter, variants, tmp_path):
    """The same two hand-ins (right; a named mistake carried forward) and a garbage file,
    graded on Gradescope and by `backprop assign` + `backprop grade` for the class."""
    hand_ins = {"s1": csv_text(right(variants["s1"])),
                "s2": csv_text(missing_derivative(variants["s2"])), "s3": GARBAGE}
    users = {"s1": {"id": 1001}, "s2": {"id": 2002, "email": "ben@uni.edu"},
             "s3": {"id": 3003, "email": "cy@uni.edu"}}
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER)
    (tmp_path / "homework.toml").write_text(TEMPLATE)
    assert main(["assign", str(tmp_path / "homework.toml"), "--roster", str(roster), "--out",
                 str(tmp_path / "class")]) == 0
    (tmp_path / "in").mkdir()
    for student, text in hand_ins.items():
        (tmp_path / "in" / f"{student}.csv").write_text(text)
    assert main(["grade", str(tmp_path / "class"), str(tmp_path / "in"), "--out",
                 str(tmp_path / "gradebook.csv")]) == 0
    with open(tmp_path / "gradebook.csv", newline="") as f:
        book = {row["id"]: row for row in csv.DictReader(f)}
    for student, text in hand_ins.items():
        results = run_autograder(autograder, interpreter, tmp_path / f"gs-{student}",
                                 {f"{student}.csv": text}, users[student])
        assert results["score"] == pytest.approx(float(book[student]["score"]), abs=1e-3)
        assert sum(t["max_score"] for t in results["tests"]) == float(book[student]["max_score"])
        if student == "s3":  # graded as unreadable, not refused as unknown
            assert "no answers could be read" in results["output"]
    assert float(book["s1"]["score"]) == 35 and book["s2"]["mistakes"] == "missing-derivative"
    assert book["s3"]["error"] and float(book["s3"]["score"]) == 0


# A stand-in for an interpreter: it logs its arguments; "-c" programs (the version check and
# "import ensurepip") succeed or fail as the environment says; "-m venv DIR" makes DIR/bin/python
# as another such stand-in. apt-get logs its arguments and succeeds.
FAKE_PYTHON = """#!/bin/bash
echo "$(basename "$0") $*" >> "$LOG"
if [ "$1" = -c ]; then
  case "$2" in
    *version_info*) [ "$VERSION_OK" = yes ]; exit ;;
    *ensurepip*) [ "$ENSUREPIP" = yes ]; exit ;;
  esac
fi
if [ "$1 $2" = "-m venv" ]; then
  mkdir -p "$3/bin" && cp "$0" "$3/bin/python"
fi
"""


@pytest.mark.parametrize("version_ok, ensurepip, expected", [
    # Ubuntu 22.04 (Gradescope's default image): Python 3.10, so 3.11 from the archive
    ("no", "no", ["apt-get update -y", "apt-get install -y python3.11 python3.11-venv",
                  "python3.11 -m venv {root}/venv"]),
    # Ubuntu 24.04: Python 3.12 without its venv package
    ("yes", "no", ["apt-get update -y", "apt-get install -y python3-venv",
                   "python3 -m venv {root}/venv"]),
    # an image whose python3 is 3.11 or later with ensurepip: nothing from apt
    ("yes", "yes", ["python3 -m venv {root}/venv"]),
])
def test_setup_sh_takes_the_branch_of_the_images_python(tmp_path, version_ok, ensurepip,
                                                        expected):
    bin_dir, root, log = tmp_path / "bin", tmp_path / "autograder", tmp_path / "log"
    bin_dir.mkdir()
    (root / "source").mkdir(parents=True)
    for name in ("python3", "python3.11"):
        (bin_dir / name).write_text(FAKE_PYTHON)
        (bin_dir / name).chmod(0o755)
    (bin_dir / "apt-get").write_text('#!/bin/bash\necho "apt-get $*" >> "$LOG"\n')
    (bin_dir / "apt-get").chmod(0o755)
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "LOG": str(log), "VERSION_OK": version_ok,
           "ENSUREPIP": ensurepip, ROOT_VARIABLE: str(root)}
    done = subprocess.run(["bash", "-c", SETUP_SH], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    calls = [c for c in log.read_text().splitlines() if " -c " not in c]
    assert calls == [c.format(root=root) for c in expected] + [
        "python -m pip install --upgrade pip",
        f"python -m pip install {root}/source/backprop_lab-*.whl"]
