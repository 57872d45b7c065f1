"""Exercise mode of the stepper: which number each frame asks for, and the grader's data the page
needs to judge it (`lab.grading.page_data`); nothing here reads a frame's sentence.

A network's frame carries the key of the record it computes (`Frame.quantity`): it asks for that
number when the record is asked. A formula's graph asks for each row of its evaluation trace:
the primal values, then the adjoints contribution by contribution (right or wrong, with no
carried-forward values).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from autograd_core import Value, trace
from lab.grading import page_data
from lab.numbers import READER
from lab.precision import Precision, interval
from lab.stepping import StepRecord

if TYPE_CHECKING:
    from .steps import Frame


def network_exercise(records: Sequence[StepRecord], precision: Precision,
                     frames: Sequence[Frame]) -> dict[str, Any]:
    """The page's data for the frames of some updates: the number reader, the precision rule,
    every quantity's grading data, and per frame the key it asks for (None: it asks nothing)."""
    data = page_data(records, precision)
    asked = {f["key"] for f in data["fields"] if f["asked"]}
    return {"reader": READER, **data,
            "frames": [f.quantity if f.quantity in asked else None for f in frames]}


def graph_exercise(output: Value, frames: Sequence[Frame]) -> dict[str, Any]:
    """The page's data for a formula's frames: one field per row of its evaluation trace that a
    frame computes (the frame names its row), judged right or wrong."""
    tr = trace(output)
    rows = {"primal": tr.primal, "adjoint": tr.adjoint}
    precision = Precision()
    fields = []
    for frame in frames:
        if frame.quantity is None:
            continue
        table, _, k = frame.quantity.partition(":")
        row = rows[table][int(k)]
        band = precision.band(row["value"])
        fields.append({"key": frame.quantity, "name": row["var"], "display": row["var"],
                       "where": "", "asked": True, "expr": row["value"], "band": list(band),
                       "interval": list(interval(row["value"], band)),
                       "coarse": precision.coarse(row["value"]), "trivial_right": True,
                       "guards": [], "mistakes": [], "formula": f"{row['var']} = {row['expr']}",
                       "numbers": frame.text.rsplit(" = ", 1)[0]})
    return {"reader": READER, "precision": precision.describe(), "fields": fields,
            "frames": [f.quantity for f in frames]}
