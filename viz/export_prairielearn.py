"""``backprop export prairielearn``: a PrairieLearn question in a course folder.

Writes ``questions/<name>/`` (``info.json`` with a fresh uuid, ``question.html``, ``server.py``,
the template) and ``serverFilesCourse/backprop_lab/`` (the packages grading needs:
autograd_core, nn, lab; pure Python over numpy, which PrairieLearn's Python has). The page is
rendered by PrairieLearn's Mustache: the network is drawn once here with a placeholder for
each number (``{{params.w14}}``), which the variant's numbers fill in.
"""

from __future__ import annotations

import json
import re
import shutil
import uuid
from html import escape
from os import PathLike
from pathlib import Path

import autograd_core
import lab
import nn
from lab.marking import asked_quantities
from lab.prairielearn import field, shown_numbers
from lab.stepping import step
from lab.variants import load_variant

from .drawing import number, svg_element
from .network import draw_network

SHARED = "backprop_lab"
PACKAGES = (autograd_core, nn, lab)

SERVER_PY = '''"""A backprop-lab question: generate() draws a variant of template{suffix},
grade() grades all the inputs together (carried-forward credit, mistakes named). The code is
in the course's serverFilesCourse/{shared}/ (pure Python and numpy)."""

import os
import sys


def _lab(data):
    shared = os.path.join(data["options"]["server_files_course_path"], "{shared}")
    if shared not in sys.path:
        sys.path.insert(0, shared)
    from lab import prairielearn

    return prairielearn


def generate(data):
    template = os.path.join(data["options"]["question_path"], "template{suffix}")
    _lab(data).generate(data, template)


def grade(data):
    _lab(data).grade(data)
'''


def _name(text: str) -> str:
    name = re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-")
    if not name:
        raise ValueError(f"a question name needs letters or digits, got {text!r}")
    return name


def _picture(variant: lab.spec.Spec) -> str:
    """The network as inline SVG with a Mustache placeholder in place of every number: drawn
    with stand-in numbers (distinct, as wide as real ones) that are then replaced."""
    names = list(shown_numbers(variant))
    stand_in = {n: 10.0 + k + 0.25 for k, n in enumerate(names)}  # "10.25": a number's width
    first = variant.examples[0]
    xs = [stand_in[f"x{i}"] for i in range(1, len(first.x) + 1)]
    outputs = [n for n in names if re.fullmatch(r"t\d+", n)]
    ts = [stand_in[n] for n in outputs]
    model = variant.model()
    params = {}
    for p in variant.weights:  # the model's labels are the display names (the book's, if set)
        params[p] = params[variant.display(p)] = stand_in[p]
    target = ts if len(ts) > 1 else stand_in["t"]
    svg = svg_element(draw_network(model, inputs=xs, target=target, params=params, forward={},
                                   errors={}).svg())
    for n, x in stand_in.items():
        svg = svg.replace(f"= {number(x)}<", "= {{params." + n + "}}<")
    # as wide as the page allows, never so small on a phone that it cannot be read (it scrolls)
    return svg.replace("<svg ", '<svg style="max-width:100%;min-width:600px;height:auto" ', 1)


def _question_html(variant: lab.spec.Spec, fields: list[tuple[str, str]]) -> str:
    inputs = "\n".join(f'<pl-number-input answers-name="{name}" label="{escape(display)} ="'
                       ' allow-blank="true" show-help-text="false"></pl-number-input>'
                       for name, display in fields)
    feedback = "\n".join(f"  {{{{#feedback.{name}}}}}<li>{{{{feedback.{name}}}}}</li>"
                         f"{{{{/feedback.{name}}}}}" for name, _ in fields)
    loss = {"squared": "E = Σ (t − o)²", "half-squared": "E = ½ Σ (t − o)²"}.get(
        variant.loss, f"the {variant.loss} loss")
    return f"""<pl-question-panel>
<p>One step of backpropagation on the network below ({escape(variant.update)} update,
{escape(loss)}, learning rate η = {{{{params.lr}}}}). Work out each number by hand, in the order
asked, and give it {{{{params.precision}}}}. A number you compute from one of your own earlier
numbers earns its credit if it follows from yours.</p>
<div style="overflow-x:auto">{_picture(variant)}</div>
</pl-question-panel>

{inputs}

<pl-submission-panel>
<ul>
{feedback}
</ul>
</pl-submission-panel>
"""


def _vendor(shared: Path) -> None:
    """Copy the packages grading needs (sources only) into ``shared``, replacing old copies."""
    shared.mkdir(parents=True, exist_ok=True)
    for package in PACKAGES:
        src = Path(package.__file__).parent
        target = shared / src.name
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(src, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


def export_prairielearn(template: str | PathLike[str], course: str | PathLike[str],
                        name: str | None = None) -> Path:
    """Write the question for ``template`` into the course folder ``course`` and return the
    question's folder (an existing one of the same name keeps its uuid)."""
    template, course = Path(template), Path(course)
    chosen = load_variant(template, "export-check")
    variant = chosen.spec
    wanted = asked_quantities(step(variant), chosen.asked)
    if not wanted:
        raise ValueError(f"{template} asks for no quantity: nothing to grade")
    qid = _name(name or template.stem)
    folder = course / "questions" / qid
    folder.mkdir(parents=True, exist_ok=True)
    info_path = folder / "info.json"
    old = json.loads(info_path.read_text(encoding="utf-8")) if info_path.is_file() else {}
    info = {"uuid": old.get("uuid") or str(uuid.uuid4()),
            "title": variant.title or "One step of backpropagation",
            "topic": "Backpropagation", "tags": ["backprop-lab"], "type": "v3"}
    info_path.write_text(json.dumps(info, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    suffix = template.suffix.lower()
    shutil.copyfile(template, folder / f"template{suffix}")
    (folder / "server.py").write_text(SERVER_PY.format(suffix=suffix, shared=SHARED),
                                      encoding="utf-8")
    fields = [(field(w.answer_name), w.display) for w in wanted]
    (folder / "question.html").write_text(_question_html(variant, fields), encoding="utf-8")
    _vendor(course / "serverFilesCourse" / SHARED)
    return folder
