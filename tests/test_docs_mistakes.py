"""docs/mistakes.md lists every mistake id the grader has, and each of its examples, as an
answers file, gets the id and the explanation the page shows."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_grading_mistakes import TANH

import lab
from lab.answers import parse
from lab.grading import check
from lab.mistakes import CATALOGUE, TOO_FEW_FIGURES

PAGE = (Path(__file__).resolve().parent.parent / "docs" / "mistakes.md").read_text("utf-8")
ROWS = re.findall(r"^\| `([\w-]+)` \| ([^|]+) \| `([^`]+)` \| ([^|]+) \|$", PAGE, re.M)


def test_the_page_lists_every_mistake_id_once():
    assert sorted(r[0] for r in ROWS) == sorted([m.id for m in CATALOGUE] + [TOO_FEW_FIGURES])


@pytest.mark.parametrize(("mistake", "rule", "example", "said"), ROWS, ids=[r[0] for r in ROWS])
def test_each_example_on_the_page_gets_its_id_and_explanation(mistake, rule, example, said):
    spec = lab.spec.loads(TANH) if "*tanh*" in rule else lab.spec.lecture()
    run = lab.step(spec)
    item = check(run, parse(example, run)).items[0]
    assert (item.verdict, item.mistake) == ("wrong", mistake)
    assert item.explanation.startswith(said.strip())
