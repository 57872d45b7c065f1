"""Planted hand-ins for the lecture's worked example, every number computed by hand (plain
floats, `test_grading_mistakes.lecture`), never by the grader: one all right, one with a named
mistake (δ6 without the sigmoid's derivative) whose later numbers follow from it, one garbage.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from test_grading_mistakes import LECTURE_W, lecture

LECTURE = Path(__file__).parent.parent / "lab" / "specs" / "worked_example.toml"
LR = 0.9
ORDER = ["i4", "o4", "i5", "o5", "i6", "o6", "E", "delta6", "grad_w46", "grad_w56", "grad_b6",
         "delta5", "grad_w15", "grad_w25", "grad_w35", "grad_b5", "delta4", "grad_w14",
         "grad_w24", "grad_w34", "grad_b4", "new_w46", "new_w56", "new_b6", "new_w15",
         "new_w25", "new_w35", "new_b5", "new_w14", "new_w24", "new_w34", "new_b4"]
GARBAGE = "Dear teacher,\nI could not do the homework this week.\n"


def numbers(mine: dict[str, float] | None = None) -> dict[str, float]:
    """Every asked number, the student's own slips put in and the rest following from them."""
    v = lecture(mine)
    for name, w in LECTURE_W.items():
        v[f"new_{name}"] = w - LR * v[f"grad_{name}"]
    return {k: v[k] for k in ORDER}


def right() -> dict[str, float]:
    return numbers()


def missing_derivative() -> dict[str, float]:
    """δ6 = 2(t − o6), the sigmoid's derivative left out; everything after uses it."""
    o6 = numbers()["o6"]
    return numbers({"delta6": 2 * (1 - o6)})


def csv_text(values: dict[str, float]) -> str:
    return "quantity,value\n" + "".join(f"{k},{v:.5g}\n" for k, v in values.items())


def check_json(tmp: Path, text: str) -> dict:
    """`backprop check --json` on the lecture with ``text`` as the answers file (its exit
    status 3 means "not all right")."""
    path = tmp / "answers.csv"
    path.write_text(text)
    done = subprocess.run([sys.executable, "-m", "viz.cli", "check", str(LECTURE), str(path),
                           "--json"], capture_output=True, text=True)
    assert done.returncode in (0, 3), done.stderr
    return json.loads(done.stdout)
