"""The Formula and Step views: the page's fields → a subject computed by the engine → its frames
(`viz.steps`), its tables and a summary. The page gets the sentences and tables at once and each
frame's picture when it is shown, so that an edit answers without running ``dot`` per frame.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from autograd_core import parse
from viz.assignments import assignments
from viz.drawing import svg_element
from viz.steps import Steps, steps

from . import fields, limits

DEFAULT_FORMULA = "ln(x1) + x1*x2 - sin(x2)"  # the survey's example (Baydin et al. 2018)
DEFAULT_AT = "x1=2, x2=5"

Subject = Callable[[fields.Query], tuple[Steps, dict[str, Any]]]


def formula(query: fields.Query) -> tuple[Steps, dict[str, Any]]:
    """``f`` (a formula, read by the safe parser) at ``at`` ("x1=2, x2=5"): its forward and
    backward frames, its traces, and y with ∂y/∂x for each input."""
    expr = fields.text(query, "f", DEFAULT_FORMULA, limits.MAX_FORMULA_CHARS)
    at = fields.text(query, "at", DEFAULT_AT, limits.MAX_FORMULA_CHARS)
    output, inputs = parse(expr, **assignments(at.replace(",", " ").split(), where="the values"))
    frames = steps(output, max_nodes=limits.MAX_FORMULA_NODES)  # runs the backward pass
    gradients = {name: x.grad for name, x in inputs.items()}
    text = ", ".join([f"y = {output.data:.6g}", *(f"∂y/∂{name} = {g:.6g}"
                                                  for name, g in gradients.items())])
    return frames, {"output": output.data, "gradients": gradients, "text": text}


VIEWS: dict[str, Subject] = {"formula": formula}


@lru_cache(maxsize=32)
def _computed(view: str, items: tuple[tuple[str, str], ...]) -> tuple[Steps, dict[str, Any]]:
    # the summary and then each frame shown ask for the same subject: compute it once
    return VIEWS[view](dict(items))


def _subject(view: str, query: fields.Query) -> tuple[Steps, dict[str, Any]]:
    if view not in VIEWS:
        raise ValueError(f"there is no view {view!r}; the views are {', '.join(VIEWS)}")
    return _computed(view, tuple(sorted(query.items())))


def describe(view: str, query: fields.Query) -> dict[str, Any]:
    """The frames' sentences, the tables (HTML) and the summary of the view's subject."""
    frames, summary = _subject(view, query)
    return {"title": frames.title, "tables": frames.tables, "summary": summary,
            "frames": [{"number": f.number, "phase": f.phase, "text": f.text} for f in frames]}


def frame_svg(view: str, query: fields.Query, number: int) -> str:
    """The picture of frame ``number`` (from 1) as SVG."""
    frames, _ = _subject(view, query)
    if not 1 <= number <= len(frames):
        raise ValueError(f"there is no frame {number}: this has frames 1 to {len(frames)}")
    return svg_element(frames[number - 1].picture.svg())
