"""Numbers as text, both ways: the one reader of what a student types (an answers file, a field
of the exercise page, ``--at x1=2`` on the command line) and the one format numbers are shown in.

What a student may type: a decimal point or a decimal comma ("0,474", ",5"), an exponent
("1.5e-3", "1,5e-3", and as the pages write it, "1.5×10⁻³", or "1.5x10^-3"), the true minus
sign "−", spaces inside ("0.4 7", a no-break or thin space too). The page gets `READER` as
data and applies the same steps in the same order, so a field and an answers file accept
exactly the same text and refuse it with the same message.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

import numpy as np

from autograd_core.batch import Broadcast

# the steps, in order: drop every space, "−" → "-", one comma and no point → a decimal point,
# a power of ten at the end ("×10⁻³", "x10^-3") → "e-3" (its superscripts as SUPERSCRIPTS
# reads them); then the whole text must match PATTERN (case-insensitive) and be finite
SPACES = r"[ \t\r\n\u00a0\u2007\u2009\u202f]"  # spelled out: JavaScript's \s is wider
MINUSES = r"[\u2212\u2013]"
TIMES_TEN = r"[×x*·]10(?:\^([+-]?[0-9]+)|([⁺⁻]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+))$"
SUPERSCRIPTS = {"⁺": "+", "⁻": "-", **{s: str(d) for d, s in enumerate("⁰¹²³⁴⁵⁶⁷⁸⁹")}}
PATTERN = r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)(e[+-]?[0-9]+)?"  # ASCII digits in both languages
MAX_LENGTH = 64  # more characters than any hand-calculated number has
MESSAGES = {"empty": "no number given", "long": "not a number: too long ({n} characters)",
            "unreadable": "not a number: {text} (write e.g. 0.474, −0.0175 or 1.5e-3)",
            "infinite": "not a finite number: {text}"}
READER: dict[str, Any] = {"spaces": SPACES, "minuses": MINUSES, "times_ten": TIMES_TEN,
                          "superscripts": SUPERSCRIPTS, "pattern": PATTERN,
                          "max_length": MAX_LENGTH, "messages": MESSAGES}
_SPACES, _MINUSES, _PATTERN = re.compile(SPACES), re.compile(MINUSES), re.compile(PATTERN, re.I)
_TIMES_TEN, _RAISED = re.compile(TIMES_TEN, re.I), str.maketrans(SUPERSCRIPTS)


class UnreadableNumber(ValueError):
    """Text that is not a number a student could mean; ``reason`` is one of `MESSAGES`' keys."""

    def __init__(self, reason: str, text: str) -> None:
        shown = text.strip()
        super().__init__(MESSAGES[reason].format(text=repr(shown[:MAX_LENGTH]), n=len(shown)))
        self.reason = reason


def read_number(text: str) -> float:
    """The number a student typed: "0,474" → 0.474, "−1.5e-3" → −0.0015, "0.4 7" → 0.47,
    "4.4×10⁻⁷" → 4.4e-7; `UnreadableNumber` for "", "two", "1.2.3", "1e999"."""
    t = _SPACES.sub("", text)
    if not t:
        raise UnreadableNumber("empty", text)
    if len(t) > MAX_LENGTH:
        raise UnreadableNumber("long", text)
    t = _MINUSES.sub("-", t)
    if t.count(",") == 1 and "." not in t:
        t = t.replace(",", ".")
    t = _TIMES_TEN.sub(lambda m: "e" + (m[1] or m[2].translate(_RAISED)), t)
    if not _PATTERN.fullmatch(t):
        raise UnreadableNumber("unreadable", text)
    x = float(t)
    if not math.isfinite(x):
        raise UnreadableNumber("infinite", text)
    return x


def number_from_text(name: str, text: str) -> float:
    """``text`` read by `read_number` (a field of the live app, ``--at x=2``); a ValueError
    naming ``name`` otherwise ("1e400", "nan", "two")."""
    try:
        return read_number(text)
    except UnreadableNumber as e:
        shown = repr(text) if len(text) <= MAX_LENGTH else f"{len(text):,} characters"
        try:
            infinite = e.reason == "infinite" or not math.isfinite(float(text))  # nan, inf
        except ValueError:
            infinite = False
        kind = "a finite number" if infinite else "a number"
        raise ValueError(f"the value of {name} must be {kind}, got {shown}") from None


def assignments(pairs: Sequence[str], where: str = "--at") -> dict[str, float]:
    """NAME=VALUE pairs as a dict name → value; ValueError for a pair without "=", a name given
    twice or a value that is not a finite number (``where`` names the field in the message)."""
    values: dict[str, float] = {}
    for pair in pairs:
        name, sep, text = pair.partition("=")
        if not sep or not name.strip():
            raise ValueError(f"{where} takes NAME=VALUE pairs, got {pair!r}")
        name = name.strip()
        if name in values:
            raise ValueError(f"{name} is given twice in {where}")
        values[name] = number_from_text(name, text.strip())
    return values


DEFAULT_DIGITS = 3
MAX_DIGITS = 17  # a float holds about 17 significant digits; more would be noise
# Outside these sizes a number is written as 4.4×10⁻⁷ or 4×10³⁰⁰: its decimals, or its digits
# (past the 17 a float holds, noise), would fill a node.
_SMALLEST_PLAIN, _LARGEST_PLAIN = 1e-5, 1e9
_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def number(x: float | np.ndarray | Broadcast, digits: int = DEFAULT_DIGITS) -> str:
    """``x`` with ``digits`` decimals but at least ``digits`` significant figures (10.693, 0.332,
    −0.0131, −0.00044, never "0" for a number that is not 0), trailing zeros dropped, and the
    true minus sign; below 10⁻⁵ or from 10⁹ up, ``digits`` significant figures times a power
    of ten (4.4×10⁻⁷, 4×10³⁰⁰).

    A batch (one number per example, or a `Broadcast` local derivative) shows its mean and size.
    """
    if isinstance(x, Broadcast):
        x = x.local
    if isinstance(x, np.ndarray):
        return f"{number(float(np.mean(x)), digits)} (mean of {x.size})"
    x = float(x)
    if x == 0 or not math.isfinite(x):
        return "0" if x == 0 else f"{x}".replace("-", "−")
    if not _SMALLEST_PLAIN <= abs(x) < _LARGEST_PLAIN:
        mantissa, exponent = f"{x:.{max(digits - 1, 0)}e}".split("e")
        return f"{_trimmed(mantissa)}×10{str(int(exponent)).translate(_SUPERSCRIPT)}".replace(
            "-", "−")
    decimals = max(digits, digits - 1 - math.floor(math.log10(abs(x))))
    text = _trimmed(f"{x:.{decimals}f}")
    return "0" if text == "-0" else text.replace("-", "−")


def _trimmed(text: str) -> str:
    return text.rstrip("0").rstrip(".") if "." in text else text


def exact(x: float) -> str:
    """``x`` as Python's shortest general form (2, 0.5, 1e−06, −3) with the true minus sign: for the
    numbers a formula is written with, which are not rounded results."""
    return f"{x:g}".replace("-", "−")


def check_digits(digits: int) -> int:
    """``digits`` itself if it is a whole number from 1 to 17, else a ValueError saying so."""
    if isinstance(digits, bool) or not isinstance(digits, int) or not 1 <= digits <= MAX_DIGITS:
        raise ValueError(f"digits is how many decimals (and at least how many significant figures) "
                         f"numbers show, a whole number from 1 to {MAX_DIGITS}; got {digits!r}")
    return digits
