"""`parse`: a formula in text becomes a graph of Values through a whitelist, never through eval.
Anything outside the whitelist is a ValueError whose message points (with ^) at the part.
"""

from __future__ import annotations

import math

import pytest

from autograd_core import parse


def pointed_at(message: str) -> str:
    """The part of the formula that the ^ marks under it in an error message (a long formula is
    shown cut, "…" at either end: then the part ends where the cut text does)."""
    lines = message.splitlines()
    formula, marks = lines[-2], lines[-1]
    start = marks.index("^")
    return formula[start: marks.rindex("^") + 1].removesuffix("…")


def test_the_surveys_formula_gives_its_value_and_gradient():
    y, inputs = parse("ln(x1) + x1*x2 - sin(x2)", x1=2, x2=5)
    y.backward()
    assert y.data == pytest.approx(math.log(2) + 2 * 5 - math.sin(5), abs=1e-12)
    assert inputs["x1"].grad == pytest.approx(1 / 2 + 5)  # 1/x₁ + x₂
    assert inputs["x2"].grad == pytest.approx(2 - math.cos(5))  # x₁ − cos x₂
    assert inputs["x1"].label == "x1" and inputs["x2"].label == "x2"


@pytest.mark.parametrize("text, expected", [
    ("-x + 2", -3.0 + 2),
    ("+x", 3.0),
    ("2 - x", 2 - 3.0),
    ("1 / x", 1 / 3.0),
    ("2 ** x ** 2", 2.0 ** 9),  # ** groups to the right, as in math: 2^(x²)
    ("x ** 0.5", math.sqrt(3.0)),
    ("log(x) - ln(x)", 0.0),
    ("sigmoid(x)", 1 / (1 + math.exp(-3.0))),
    ("softplus(-x)", math.log(1 + math.exp(-3.0))),
    ("leaky_relu(-x, 0.1)", -0.3),
    ("leaky_relu(-x, alpha=0.1)", -0.3),
    ("elu(-x, 2)", 2 * (math.exp(-3.0) - 1)),
    ("abs(-x) + relu(-x) + sqrt(x * x)", 6.0),
    ("tanh(x) * cos(x) / exp(x)", math.tanh(3) * math.cos(3) / math.exp(3)),
    ("  x * 2  ", 6.0),
])
def test_the_whitelisted_syntax_computes_what_the_formula_says(text, expected):
    y, _ = parse(text, x=3)
    assert y.data == pytest.approx(expected, rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("text, part, words", [
    ("x.real", "x.real", "attribute access"),
    ("x.__class__", "x.__class__", "attribute access"),
    ("x[0]", "x[0]", "subscript"),
    ("(lambda: 1)()", "lambda: 1", "only the engine's functions"),
    ("__x + 1", "__x", "names starting with '__'"),
    ("__import__('os').system('true')", "__import__('os').system", "only the engine's functions"),
    ("__import__('os')", "__import__", "names starting with '__'"),
    ("x + 'abc'", "'abc'", "only real numbers"),
    ("foo(x)", "foo", "unknown function 'foo'"),
    ("getattr(x, 'a')", "getattr", "unknown function"),
    ("x + y", "y", "no value given for 'y'"),
    ("x // 2", "x // 2", "floor division"),
    ("x < 1", "x < 1", "comparison"),
    ("[x]", "[x]", "list"),
    ("True + x", "True", "only real numbers"),
    ("sin(x, 2)", "sin(x, 2)", "wrong arguments for sin"),
    ("elu(x, beta=1)", "elu(x, beta=1)", "wrong arguments for elu"),
    ("elu(x, alpha=x)", "x", "alpha must be a number"),
    ("ln + x", "ln", "is a function: call it"),
    ("~x", "~x", "bitwise not ~"),
    ("x ^ 2", "x ^ 2", "for powers write **"),
    ("(y := x)", "y := x", "assignment :="),
    ("sin(*[x])", "*[x]", "unpacking *"),
    # a long formula is shown cut to 70 characters around the part
    ("1" + "0" * 309 + " * x", "1" + "0" * 69, "too large for a float"),
    ("1e999 * x", "1e999", "too large for a float"),  # Python reads it as inf; --at refuses inf
])
def test_anything_outside_the_whitelist_is_refused_pointing_at_the_part(text, part, words):
    with pytest.raises(ValueError) as error:
        parse(text, x=1.5)
    assert words in str(error.value)
    assert pointed_at(str(error.value)) == part


def test_a_value_given_for_a_name_the_formula_does_not_use_is_refused_by_name():
    with pytest.raises(ValueError, match="value given for y, which the formula does not use"):
        parse("x * 2", x=1, y=2)


def test_text_that_is_not_python_syntax_is_a_value_error_not_a_syntax_error():
    with pytest.raises(ValueError, match="cannot read the formula: '\\(' was never closed"):
        parse("ln(x", x=1)


def test_a_value_that_is_not_a_number_is_a_type_error():
    with pytest.raises(TypeError, match="got str: 'a'"):
        parse("x", x="a")


def test_the_formula_must_be_a_string():
    with pytest.raises(TypeError, match="formula as a string, got int"):
        parse(3)


def test_a_domain_error_in_the_formula_names_the_op():
    with pytest.raises(ValueError, match="log"):
        parse("ln(x - 1)", x=1)


def test_nothing_in_the_text_is_ever_run(tmp_path):
    marker = tmp_path / "ran"
    with pytest.raises(ValueError):
        parse(f"__import__('pathlib').Path('{marker}').touch()")
    assert not marker.exists()


def test_a_syntax_error_points_at_the_column_where_reading_stopped():
    with pytest.raises(ValueError) as error:
        parse("x1 * * 2", x1=1.0)
    lines = str(error.value).splitlines()
    assert lines[1].strip() == "x1 * * 2"
    assert lines[2].index("^") == lines[1].index("*") + 2  # the second '*', after "  " indent


@pytest.mark.parametrize("text", ["x +", "2 * x -"])
def test_a_formula_that_ends_too_early_points_at_its_end(text):
    with pytest.raises(ValueError) as error:
        parse(text, x=1.0)
    lines = str(error.value).splitlines()
    assert lines[2].index("^") == len("  " + text)  # just past the last character


@pytest.mark.parametrize("text", ["", "   "])
def test_an_empty_formula_says_it_is_empty(text):
    with pytest.raises(ValueError, match="the formula is empty"):
        parse(text)


@pytest.mark.parametrize("text", [
    "+".join(["x"] * 1000),  # x + x + … + x: 999 additions nested to the left
    "-" * 1000 + "x",  # 1,000 unary minus signs
    "**".join(["x"] * 300),  # x**x**…**x nested to the right
])
def test_a_formula_nested_a_thousand_deep_is_read_without_recursion(text):
    y, inputs = parse(text, x=1.0)
    y.backward()
    n = text.count("x")
    if "**" in text:
        assert y.data == 1.0  # 1 to any power
    elif text.startswith("-"):
        assert (y.data, inputs["x"].grad) == (1.0, 1.0)  # an even number of minus signs
    else:
        assert (y.data, inputs["x"].grad) == (float(n), float(n))  # d/dx (n·x) = n


@pytest.mark.parametrize(("text", "words"), [
    ("-" * 9_000 + "x", "too deeply nested"), ("+".join(["x"] * 4_000), "too deeply nested"),
    ("(" * 3_000 + "x" + ")" * 3_000, "too many nested parentheses"),  # Python's own words
])
def test_a_formula_nested_past_what_python_reads_is_refused_as_too_deeply_nested(text, words):
    with pytest.raises(ValueError, match=words):
        parse(text, x=1.0)


def test_a_formula_past_the_length_limit_is_refused_by_its_length():
    with pytest.raises(ValueError, match="100,001 characters, more than the 10,000"):
        parse("-" * 100_000 + "x", x=1.0)


def test_the_caret_counts_characters_not_utf8_bytes():
    # "µµ" is 2 characters but 4 bytes; ast's columns are bytes
    with pytest.raises(ValueError) as error:
        parse("µµ + [x]", µµ=1.0, x=1.0)
    assert "at column 6" in str(error.value)
    assert pointed_at(str(error.value)) == "[x]"


def test_a_syntax_error_in_a_long_formula_shows_it_once_and_cut():
    text = "x + " * 2_000 + "* x"  # 8,003 characters
    with pytest.raises(ValueError) as error:
        parse(text, x=1.0)
    message = str(error.value)
    assert len(message) < 300 and message.count("x + x") < 40
    assert pointed_at(message) == "*"


def test_a_variable_may_be_named_text():
    # parse's own argument is positional-only, so `text` is free for the formula
    y, inputs = parse("text * 2", text=3.0)
    assert y.data == 6.0 and list(inputs) == ["text"]


def test_names_are_matched_as_python_reads_them_nfkc():
    # the micro sign µ (U+00B5) in a formula is read as the Greek letter μ (U+03BC)
    y, inputs = parse("\u00b5 * 2", **{"\u00b5": 1.5})
    assert y.data == 3.0 and list(inputs) == ["\u03bc"]
    with pytest.raises(ValueError, match="are the same name"):
        parse("\u00b5", **{"\u00b5": 1.0, "\u03bc": 2.0})
