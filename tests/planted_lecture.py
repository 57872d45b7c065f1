"""Planted hand-ins for the lecture's worked example, every number computed by hand (plain
floats, `test_grading_mistakes.by_hand`), never by the grader: one all right, one with a named
mistake (δ6 without the sigmoid's derivative) whose later numbers follow from it, one garbage.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from test_grading_mistakes import LECTURE_W, by_hand

from lab.spec_toml import dumps

LECTURE = Path(__file__).parent.parent / "lab" / "specs" / "worked_example.toml"
LR = 0.9
ORDER = ["i4", "o4", "i5", "o5", "i6", "o6", "E", "delta6", "grad_w46", "grad_w56", "grad_b6",
         "delta5", "grad_w15", "grad_w25", "grad_w35", "grad_b5", "delta4", "grad_w14",
         "grad_w24", "grad_w34", "grad_b4", "new_w46", "new_w56", "new_b6", "new_w15",
         "new_w25", "new_w35", "new_b5", "new_w14", "new_w24", "new_w34", "new_b4"]
# the lecture with ranges for the output unit's weights and bias, δs worth 2 points, and half
# the points for a carried-forward number
TEMPLATE = (LECTURE.read_text()
            .replace("w46 = -0.3", "w46 = { from = -0.5, to = -0.1, step = 0.1 }")
            .replace("w56 = -0.2", "w56 = { from = -0.4, to = 0.4, step = 0.2 }")
            .replace("b6 = 0.1", "b6 = { from = -0.3, to = 0.3, step = 0.1 }")
            + "\n[grading]\ncarried_forward_share = 0.5\npoints = { deltas = 2, default = 1 }\n"
            + "\n[assignment]\ntitle = \"Homework 3\"\nseed = 2026\n")
GARBAGE = "Dear teacher,\nI could not do the homework this week.\n"


def numbers(mine: dict[str, float] | None = None, spec=None) -> dict[str, float]:
    """Every asked number of the lecture's network, or of a variant of it (``spec``: its
    weights, example and η read, the arithmetic done here by hand), the student's own slips
    put in and the rest following from them."""
    w, x, t, lr = LECTURE_W, (1.0, 0.0, 1.0), 1.0, LR
    if spec is not None:
        w, x, t, lr = dict(spec.weights), spec.examples[0].x, spec.examples[0].t[0], spec.lr
    v = by_hand(w, x, t, [4, 5], "sigmoid", mine)
    for name, value in w.items():
        v[f"new_{name}"] = value - lr * v[f"grad_{name}"]
    return {k: v[k] for k in ORDER}


def right(spec=None) -> dict[str, float]:
    return numbers(spec=spec)


def missing_derivative(spec=None) -> dict[str, float]:
    """δ6 = 2(t − o6), the sigmoid's derivative left out; everything after uses it."""
    t = 1.0 if spec is None else spec.examples[0].t[0]
    return numbers({"delta6": 2 * (t - right(spec)["o6"])}, spec)


def csv_text(values: dict[str, float]) -> str:
    return "quantity,value\n" + "".join(f"{k},{v:.5g}\n" for k, v in values.items())


def points(name: str) -> float:
    """A quantity's points under TEMPLATE's [grading]."""
    return 2.0 if name.startswith("delta") else 1.0


def check_json(tmp: Path, text: str, spec=None) -> dict:
    """`backprop check --json` on the lecture (or ``spec``, written as a spec file) with
    ``text`` as the answers file (its exit status 3 means "not all right")."""
    path = tmp / "answers.csv"
    path.write_text(text)
    spec_path = LECTURE
    if spec is not None:
        spec_path = tmp / "variant.toml"
        spec_path.write_text(dumps(spec))
    done = subprocess.run([sys.executable, "-m", "viz.cli", "check", str(spec_path), str(path),
                           "--json"], capture_output=True, text=True)
    assert done.returncode in (0, 3), done.stderr
    return json.loads(done.stdout)
