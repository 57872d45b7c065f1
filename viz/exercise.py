"""Exercise mode of the stepper: which number each frame asks for, with everything the page needs
to answer a prediction precomputed in Python (the page only compares numbers).

A frame asks for the number its sentence computes: for a network, the quantity of `lab.grading`
whose sentence it is (``i4 = …``, ``δ6 = …``, ``w14 ← …``), with the catalogued wrong values and
the values carried forward from an earlier wrong one; for a formula's graph, each row of its
evaluation trace: the primal values, then the adjoints contribution by contribution.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from autograd_core import Constant, Value, topological_order, trace
from lab.grading import Prompt, prompts
from lab.replay import Quantity
from lab.stepping import StepRecord

from .steps import Frame

Question = dict[str, Any]


# what the stepper puts before a sentence: "Step k (epoch e, example m): " when a run has several
# updates, "(example m) " / "(all examples) " inside a per-epoch update
_LEAD = re.compile(r"^(Step \d+ \(.*?\): )?(\((example \d+|all examples)\) )?")


def _sentence_start(q: Quantity) -> str:
    """How the stepper's sentence of ``q`` begins (after a "Step k (…): " prefix)."""
    return {"E": "E = ", "i": f"i{q.name} = ", "o": f"o{q.name} = ", "delta": f"δ{q.name} = ",
            "grad": f"∂E/∂{q.name} = ", "new": f"{q.name} ← "}[q.kind]


def _question(p: Prompt, index: int) -> Question:
    return {"index": index, "name": p.symbol, "formula": p.formula, "numbers": p.with_numbers,
            "answer": p.answer, "wrong": [list(w) for w in p.wrong], "carried": p.carried}


def network_questions(records: Sequence[StepRecord],
                      frames: Sequence[Frame]) -> list[Question | None]:
    """One question per frame of `viz.steps` on these updates (None where the frame computes
    nothing to predict: the inputs, the summary), in order; ValueError if the frames and the
    run's numbers fall out of step."""
    def asked(q: Quantity) -> bool:
        record = records[q.step - 1]
        # a per-epoch update shows each example's gradient, not the sum a prompt asks for; a
        # frozen parameter's frame says it keeps its value
        return not (q.kind == "grad" and record.example is None
                    or q.kind == "new" and q.name in record.frozen)

    todo = [(k, p) for k, p in enumerate(prompts(records)) if asked(p.quantity)]
    out: list[Question | None] = []
    for frame in frames:
        text = _LEAD.sub("", frame.text)
        if todo and text.startswith(_sentence_start(todo[0][1].quantity)):
            k, p = todo.pop(0)
            out.append(_question(p, k))
        else:
            out.append(None)
    if todo:
        raise ValueError(f"the stepper has no frame for {todo[0][1].name}")
    return out


def graph_questions(output: Value, frames: Sequence[Frame]) -> list[Question | None]:
    """One question per frame of `viz.steps` on a Value, following its evaluation trace: each
    primal vᵢ in order, then each row of the adjoint trace (a contribution v̄ₚ += v̄ᵢ·∂vᵢ/∂vₚ,
    asking for v̄ₚ after it)."""
    tr = trace(output)
    leaves = sum(not v.parents and not isinstance(v, Constant)
                 for v in topological_order(output))
    # the rows the stepper gives a frame each: not the inputs, not "y = vₗ", not v̄ₗ = 1
    rows = [("forward", r) for r in tr.primal[leaves:-1]] + [("backward", r)
                                                             for r in tr.adjoint[1:]]
    out: list[Question | None] = []
    for k, frame in enumerate(frames):
        phase, row = rows[0] if rows else ("", {})
        if frame.phase == phase and frame.text.startswith(f"{row['var']} = {row['expr']} = "):
            rows.pop(0)
            parts = frame.text.split(" = ")  # name = formula … = with the numbers = value
            out.append({"index": k, "name": row["var"], "formula": " = ".join(parts[:-2]),
                        "numbers": " = ".join(parts[:-1]), "answer": row["value"],
                        "wrong": [], "carried": {}})
        else:
            out.append(None)
    if rows:
        raise ValueError(f"the stepper has no frame for the trace row {rows[0][1]['var']}")
    return out
