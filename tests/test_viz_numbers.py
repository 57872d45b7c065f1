"""drawing.number: one rule for every number on a page, `digits` decimals but at least `digits`
significant figures, so a small gradient never prints as 0 beside a true 0; the true minus sign."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lab.numbers import UnreadableNumber, assignments, exact, read_number
from viz.drawing import check_digits, number


@pytest.mark.parametrize("x, shown", [
    (10.693147, "10.693"),   # ln 2 + 10: three decimals, as the trace table shows it
    (0.3318122, "0.332"),    # o4 = σ(−0.7) on the slide
    (-0.0130841, "−0.0131"), # δ5: three significant figures, not −0.013
    (-0.00044, "−0.00044"),  # not "0", not "−0"
    (0.7, "0.7"),            # trailing zeros dropped
    (-0.5, "−0.5"),          # the true minus sign (U+2212), as on the slides
    (0.0, "0"),
    (-0.0, "0"),
    (2.0, "2"),
    (-1e-9, "−1×10⁻⁹"),      # far below the decimals: a power of ten, not a row of zeros
    (4.4e-7, "4.4×10⁻⁷"),
    (1e-5, "0.00001"),        # 10⁻⁵ itself is still written out; below it, a power of ten
    (9.9e-6, "9.9×10⁻⁶"),
    (999_999_999.0, "999999999"),  # nine digits are still written out; from 10⁹, a power of ten
    (1e9, "1×10⁹"),
    (-2.5e12, "−2.5×10¹²"),
    (4e300, "4×10³⁰⁰"),      # 4x³ at x = 10¹⁰⁰: not 301 digits, most of them a float's noise
    (1.23456e15, "1.23×10¹⁵"),
])
def test_numbers_show_three_decimals_and_at_least_three_significant_figures(x, shown):
    assert number(x, 3) == shown


def test_more_digits_show_more_of_the_same_number():
    assert number(10.693147, 5) == "10.69315"
    assert number(-0.00044123, 1) == "−0.0004"  # one significant figure


def test_one_digit_of_a_tiny_number_is_one_significant_figure():
    assert number(4.4e-7, 1) == "4×10⁻⁷"  # 4.4 to one figure is 4
    assert number(-2.6e-9, 2) == "−2.6×10⁻⁹"


@pytest.mark.parametrize("bad", [0, 18, 2.5, "3", True])
def test_digits_outside_1_to_17_are_refused_naming_the_range(bad):
    with pytest.raises(ValueError, match="whole number from 1 to 17"):
        check_digits(bad)


def test_a_formulas_own_numbers_are_written_in_their_shortest_form_with_the_true_minus():
    assert [exact(x) for x in (2.0, 0.5, -0.25, 0.001)] == ["2", "0.5", "−0.25", "0.001"]


def test_at_pairs_give_each_name_its_number_and_refuse_a_name_given_twice():
    # `--at x1=2 --at "w = -0.5"`: the spaces around a name and its number are not part of them
    assert assignments(["x1=2", " w = -0.5"]) == {"x1": 2.0, "w": -0.5}
    # read as an answers file is: a decimal comma, the true minus, a power of ten
    assert assignments(["x=1,5", "y=−2", "z=4.4×10⁻⁷"]) == {"x": 1.5, "y": -2.0, "z": 4.4e-7}
    with pytest.raises(ValueError, match="x1 is given twice in --at"):
        assignments(["x1=2", "x1=3"])
    with pytest.raises(ValueError, match="NAME=VALUE pairs, got 'x1'"):
        assignments(["x1"])



def test_a_number_of_64_characters_is_read_and_one_of_65_is_too_long():
    # 64 characters: the limit of the one number reader, an answers file's and a page field's
    assert read_number("0." + "1" * 62) == pytest.approx(1 / 9, rel=1e-15)
    with pytest.raises(UnreadableNumber, match=r"too long \(65 characters\)"):
        read_number("0." + "1" * 63)


def test_numbers_are_shown_to_three_places_unless_asked_otherwise():
    # as the command line's --digits default: 3 decimals, and 3 significant figures at least
    assert (number(0.47517), number(-0.0091982), number(10.6934)) == ("0.475", "−0.0092", "10.693")


@pytest.mark.parametrize("text, value", [
    ("4.4×10⁻⁷", 4.4e-7),      # as the pages write a small number
    ("−2.5×10¹²", -2.5e12),
    ("4×10³⁰⁰", 4e300),
    ("1,5 × 10⁻³", 1.5e-3),    # a decimal comma and spaces, as anywhere else
    ("1.5x10^-3", 1.5e-3),     # as a keyboard writes it
    ("2X10^+4", 2e4),
    ("3·10²", 300.0),
])
def test_a_number_times_a_power_of_ten_is_read_as_the_pages_write_it(text, value):
    assert read_number(text) == value


@pytest.mark.parametrize("text", ["×10⁻⁷", "4×10", "4×10⁻", "1e5×10³", "4×10⁻⁷5", "0x10"])
def test_a_power_of_ten_without_its_number_or_its_exponent_is_unreadable(text):
    with pytest.raises(UnreadableNumber, match="not a number"):
        read_number(text)


@settings(deadline=None)  # a busy machine may stall one example past hypothesis's 200 ms
@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e300, max_value=1e300),
       st.integers(1, 8))
def test_every_number_a_page_shows_reads_back_within_its_last_figure(x, digits):
    # what the pages write, a student may copy into a field or an answers file
    shown = number(x, digits)
    read = read_number(shown)
    size = 0 if x == 0 else math.floor(math.log10(abs(x)))
    figures = 10.0 ** (size - digits + 1)  # the place of its digits-th significant figure
    # written out, digits decimals unless that is fewer figures; else digits figures × 10ⁿ
    last = min(10.0 ** -digits, figures) if 1e-5 <= abs(x) < 1e9 else figures
    assert abs(read - x) <= 0.5 * last * (1 + 1e-9) + abs(x) * 1e-15, shown
