"""lab.answers.parse and lab.answers.read on their own: what a student's file says, read as the
student wrote it (exponents, headers, unknown names, the size limit), with the numbers and line
numbers written out here by hand."""

import pytest

from lab import answers, spec, step


@pytest.fixture(scope="module")
def run():
    return step(spec.lecture())


def one(run, text, fmt="csv"):
    """The only answer in ``text``: its quantity's name and the Answer."""
    (q, a), = answers.parse(text, run, fmt).items()
    return q.text(suffix=False), a


@pytest.mark.parametrize("written, value, decimals", [
    ("3.318e-1", 0.3318, 4),     # 3.318 × 10⁻¹: three decimals, one more place from the exponent
    ("3318E-4", 0.3318, 4),      # no point: four places from the exponent
    ("1.2e-3", 0.0012, 4),
    ("0.5e+1", 5.0, 0),          # 5, a decimal shifted away: no decimals written
    ("-4.739e-01", -0.4739, 4),
])
def test_numbers_in_exponent_notation_keep_their_value_and_decimals(run, written, value,
                                                                   decimals):
    name, answer = one(run, f"o6,{written}\n")
    assert name == "o6"
    assert answer.value == pytest.approx(value, rel=1e-15) and answer.decimals == decimals


def test_a_toml_number_in_exponent_notation_is_read_as_written(run):
    name, answer = one(run, "o6 = 4.739e-1\n", "toml")
    assert (name, answer.value, answer.decimals) == ("o6", 0.4739, 4)


def test_only_the_first_line_may_be_a_header(run):
    assert one(run, "quantity,value\no6,0.474\n")[0] == "o6"
    with pytest.raises(answers.AnswersError, match=r"^line 2: unknown quantity 'quantity'"):
        answers.parse("o6,0.474\nquantity,value\n", run)


def test_an_unknown_name_after_the_first_line_is_named_not_skipped(run):
    with pytest.raises(answers.AnswersError, match=r"^line 3: unknown quantity 'o9'"):
        answers.parse("o4,0.332\no5,0.525\no9,0.1\n", run)
    # on the first line too, when its value is a number (so it is no header)
    with pytest.raises(answers.AnswersError, match=r"^line 1: unknown quantity 'o9'"):
        answers.parse("o9,0.1\no4,0.332\n", run)


def test_an_answers_file_of_100_000_bytes_is_read_and_one_byte_more_is_not(run, tmp_path):
    # "100 kB" (lab/answers.py's docstring): o6 and comment lines up to exactly 100,000 bytes
    head = "o6,0.474\n"
    at_limit = tmp_path / "at.csv"
    at_limit.write_text(head + "#" * (100_000 - len(head) - 1) + "\n", encoding="ascii")
    assert at_limit.stat().st_size == 100_000
    assert [q.text() for q in answers.read(at_limit, run)] == ["o6@1"]
    over = tmp_path / "over.csv"
    over.write_text(head + "#" * (100_001 - len(head) - 1) + "\n", encoding="ascii")
    with pytest.raises(ValueError, match="may be at most 100,000 bytes"):
        answers.read(over, run)
