"""A 3-2-1 sigmoid network with E = (t − o6)² and one example, worked in plain floats for any
weights (no engine): the oracle the class-assignment tests compare with.

Forward: i_j = Σᵢ w_ij·o_i + b_j, o_j = σ(i_j). Backward: δ6 = 2(t − o6)·o6(1 − o6),
δ_h = o_h(1 − o_h)·w_h6·δ6, ∂E/∂w_ij = −δ_j·o_i. Update: w ← w − η·∂E/∂w.
"""

import math
import re
import subprocess
import sys

import lab

RANGE = "{ from = -0.5, to = 0.5, step = 0.1 }"


def _template() -> str:
    """The lecture's spec file with five weights as ranges, and the grading and assignment."""
    text = lab.spec.lecture_text().replace("The lecture's worked example", "Homework 3")
    for name in ("w14", "w15", "w34", "w46", "w56"):
        text = re.sub(rf"^{name} = \S+", f"{name} = {RANGE}", text, flags=re.M)
    return text + """
[grading]
significant_figures = 3
points = { deltas = 2 }
carried_forward_share = 0.5

[assignment]
title = "Homework 3"
ask = ["outputs", "deltas", "new_weights"]
seed = 2026
"""


TEMPLATE = _template()
ASKED = ["o4", "o5", "o6", "delta6", "new_w46", "new_w56", "new_b6", "delta4", "new_w14",
         "new_w24", "new_w34", "new_b4", "delta5", "new_w15", "new_w25", "new_w35", "new_b5"]


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def by_hand(w: dict, x: list, t: float, lr: float, slip: dict | None = None) -> dict:
    """Every asked number by its answers-file name; ``slip`` replaces a number by the student's
    own (the later ones then follow from it, as a student's would)."""
    slip = slip or {}
    n = {}

    def put(name, value):
        n[name] = slip.get(name, value)
        return n[name]

    o = {1: x[0], 2: x[1], 3: x[2]}
    o[4] = put("o4", sigmoid(o[1] * w["w14"] + o[2] * w["w24"] + o[3] * w["w34"] + w["b4"]))
    o[5] = put("o5", sigmoid(o[1] * w["w15"] + o[2] * w["w25"] + o[3] * w["w35"] + w["b5"]))
    o[6] = put("o6", sigmoid(o[4] * w["w46"] + o[5] * w["w56"] + w["b6"]))
    d6 = put("delta6", 2 * (t - o[6]) * o[6] * (1 - o[6]))
    for src in (4, 5):
        put(f"new_w{src}6", w[f"w{src}6"] + lr * d6 * o[src])
    put("new_b6", w["b6"] + lr * d6)
    for h in (4, 5):
        d = put(f"delta{h}", o[h] * (1 - o[h]) * w[f"w{h}6"] * d6)
        for i in (1, 2, 3):
            put(f"new_w{i}{h}", w[f"w{i}{h}"] + lr * d * o[i])
        put(f"new_b{h}", w[f"b{h}"] + lr * d)
    return n


def right_at_3(y: float, r: float) -> bool:
    """y is right for r to 3 significant figures: within half a unit of r's third one."""
    if r == 0:
        return abs(y) <= 0.5e-3
    return abs(y - r) <= 0.5 * 10 ** (math.floor(math.log10(abs(r))) - 2) * (1 + 1e-9)


def backprop(*args):
    """The command line, run as a user runs it: (status, stdout, stderr) in a CompletedProcess."""
    return subprocess.run([sys.executable, "-m", "viz.cli", *map(str, args)], capture_output=True,
                          text=True, timeout=300)


def assign_class(root, roster: str):
    """The template and ``roster`` (CSV text) written into ``root`` and assigned into root/out."""
    (root / "template.toml").write_text(TEMPLATE)
    (root / "roster.csv").write_text(roster)
    done = backprop("assign", root / "template.toml", "--roster", root / "roster.csv", "--out",
                    root / "out")
    assert done.returncode == 0, done.stderr
    return root / "out"
