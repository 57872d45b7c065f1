"""Numbers typed as text (``--at x1=2 x2=5`` on the command line, the fields of the live page),
read into floats with one message per mistake."""

from __future__ import annotations

import math
from collections.abc import Sequence


def number_from_text(name: str, text: str) -> float:
    """``text`` as a finite float; ValueError naming ``name`` otherwise ("1e400", "nan", "two")."""
    try:
        x = float(text)
    except ValueError:
        raise ValueError(f"the value of {name} must be a number, got {text!r}") from None
    if not math.isfinite(x):
        raise ValueError(f"the value of {name} must be a finite number, got {text!r}")
    return x


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
