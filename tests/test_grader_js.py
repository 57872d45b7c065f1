"""The exercise page's grader (viz/static/grader.js) against Python, in a real Chromium: every
primitive of the rule table gives the same value in both languages (to 1e-12) on random inputs,
domain errors included, and the number reader accepts and refuses exactly the same texts."""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd_core import RULES, DomainError, scalar_math
from lab.numbers import READER, UnreadableNumber, read_number
from viz.exercise_html import GRADER

# inputs per op: (number of inputs, params, a sampler of one input)
_WIDE = (-6.0, 6.0)
_POSITIVE = (1e-3, 8.0)
SAMPLES = {"log": _POSITIVE, "sqrt": (0.0, 8.0), "pow_xy": _POSITIVE}
PARAMS = {"pow": [(2.0,), (3.0,), (0.5,), (-1.0,), (0.0,)], "leaky_relu": [(0.01,), (0.2,)],
          "elu": [(1.0,), (0.5,)]}


@pytest.fixture(scope="module")
def tab(browser):
    page = browser.new_page()
    page.set_content("<!DOCTYPE html><html><body></body></html>")
    page.add_script_tag(content=GRADER)
    yield page
    page.close()


def _python(op, args, params):
    try:
        x = RULES[op].fn(scalar_math, *args, *params)[0]
    except (DomainError, ZeroDivisionError):
        return "domain"
    return x if math.isfinite(x) else repr(x)


def _cases(op, rng):
    arity = RULES[op].arity
    lo, hi = SAMPLES.get(op, _WIDE)
    out = []
    for params in PARAMS.get(op, [()]):
        for _ in range(40):
            n = arity if arity is not None else (rng.choice([3, 5, 7]) if op == "linear"
                                                 else rng.randint(1, 5))
            out.append(([rng.uniform(lo, hi) for _ in range(n)], list(params)))
        # the edges: 0, the domain's border, a negative base
        out.append(([0.0] * (arity or 3), list(params)))
        out.append(([-2.0] + [0.0] * ((arity or 3) - 1), list(params)))
    return out


def test_the_page_evaluates_exactly_the_rule_tables_primitives(tab):
    assert sorted(tab.evaluate("Object.keys(BPGrader.OPS)")) == sorted(RULES)


@pytest.mark.parametrize("op", sorted(RULES))
def test_each_primitive_gives_the_same_value_in_javascript_and_python(tab, op):
    rng = random.Random(op)
    cases = _cases(op, rng)
    js = tab.evaluate("""([op, cases]) => cases.map(([args, params]) => {
        try { const x = BPGrader.OPS[op](params, ...args);
              return isFinite(x) ? x : String(x); }
        catch (e) { return "domain"; } })""", [op, cases])
    for (args, params), got in zip(cases, js, strict=True):
        want = _python(op, args, params)
        if isinstance(want, float):
            assert isinstance(got, int | float), (op, args, params, got, want)
            assert got == pytest.approx(want, rel=1e-12, abs=1e-12), (op, args, params)
        else:  # a domain error, or inf/nan: the same in both
            want = {"inf": "Infinity", "-inf": "-Infinity", "nan": "NaN"}.get(want, want)
            assert got == want, (op, args, params)


def test_an_expression_tree_evaluates_with_references_as_in_python(tab):
    from lab.expressions import Const, Op, Ref, evaluate, to_data
    e = Op("mul", (Op("sigmoid", (Ref("i4", "i4"),)),
                   Op("sub", (Const(1.0), Op("pow", (Ref("o4", "o4"),), (2.0,))))))
    values = {"i4": -0.7, "o4": 0.3318}
    js = tab.evaluate("([e, v]) => BPGrader.evaluate(e, k => v[k])", [to_data(e), values])
    assert js == pytest.approx(evaluate(e, values.__getitem__), rel=1e-15)


TEXTS = ["0.474", "0,474", ",5", "−0.0175", "-1.5e-3", "1,5e-3", "0.4 7", "0.4\u00a07",
         "\u202f0.47", " 2 ", "1e999", "", "   ", "two", "1.2.3", "1,2,3", "0x10", "nan",
         "inf", "+.5E2", "5.", ".", "-", "1e", "٣", "1" * 80, "\t-0,5\n", "–0.3",
         "4.4×10⁻⁷", "−2.5×10¹²", "1,5 × 10⁻³", "1.5x10^-3", "2X10^+4", "×10⁻⁷", "4×10",
         "4×10⁻", "1e5×10³", "4×10⁻⁷5", "4*10^999"]


def _python_read(text):
    try:
        return read_number(text)
    except UnreadableNumber as e:
        return e.reason


def _js_read(tab, texts):
    return tab.evaluate("""([texts, reader]) => texts.map(t => {
        const r = BPGrader.readNumber(t, reader);
        return r.problem ? (r.problem === "blank" ? "empty" : r.message) : r.value; })""",
                        [texts, READER])


def _same(py, js, text):
    if isinstance(py, float):
        assert js == py, text
    elif py == "empty":
        assert js == "empty", text
    else:
        assert isinstance(js, str), (text, js)


def test_the_number_reader_accepts_and_refuses_the_same_texts_in_both_languages(tab):
    for text, js in zip(TEXTS, _js_read(tab, TEXTS), strict=True):
        _same(_python_read(text), js, text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet="0123456789.,eE+-−– \u00a0\u2009x×^⁻¹⁰³", max_size=12),
                min_size=1, max_size=30))
def test_generated_texts_are_read_alike_in_both_languages(tab, texts):
    for text, js in zip(texts, _js_read(tab, texts), strict=True):
        _same(_python_read(text), js, text)
