"""Checks of the settings training takes (rates, counts, fractions), with messages a student reads.

Shared by the layers, optimizers, schedules, training loop, perceptron and data sets.
"""

from __future__ import annotations

import math
import numbers
import unicodedata

import numpy as np


def finite_number(name: str, x: object) -> float:
    """x as a float; TypeError unless it is a finite real number (bool excluded)."""
    if isinstance(x, bool) or not isinstance(x, numbers.Real) or not math.isfinite(x):
        raise TypeError(f"{name} must be a finite number, got {x!r}")
    return float(x)


def positive(name: str, x: object) -> float:
    """x as a float, which must be above 0."""
    x = finite_number(name, x)
    if x <= 0:
        raise ValueError(f"{name} must be positive, got {x}")
    return x


def learning_rate(lr: object, name: str = "the learning rate") -> float:
    """η as a float; ValueError unless it is a finite number above 0 (one message for any bad η,
    as the worked example and the stepper give it)."""
    if isinstance(lr, bool) or not isinstance(lr, numbers.Real) or not math.isfinite(lr) \
            or lr <= 0:
        raise ValueError(f"{name} must be a positive number, got {lr!r}")
    return float(lr)


def fraction(name: str, x: object, meaning: str) -> float:
    """x as a float in [0, 1); ``meaning`` says in words what the number is."""
    x = finite_number(name, x)
    if not 0.0 <= x < 1.0:
        raise ValueError(f"{name} must be at least 0 and below 1 ({meaning}), got {x}")
    return x


def whole_number(name: str, n: object, least: int) -> int:
    """n as an int, at least ``least``."""
    if isinstance(n, bool) or not isinstance(n, numbers.Integral):
        raise TypeError(f"{name} must be a whole number, got {short_repr(n)}")
    if n < least:
        raise ValueError(f"{name} must be at least {least}, got {n}")
    return int(n)


def short_repr(x: object, width: int = 40) -> str:
    """repr(x), cut to ``width`` characters with its length said: a message stays one line
    even when the value is a file's worth of text."""
    text = repr(x)
    return text if len(text) <= width else f"{text[:width]}… ({len(text):,} characters)"


# control, format (zero-width, bidi), private-use, unassigned, surrogate, line/paragraph breaks
_UNSEEN = {"Cc", "Cf", "Co", "Cn", "Cs", "Zl", "Zp"}


def plain_name(what: str, name: str) -> str:
    """``name`` in Unicode's composed form (NFC), so that "é" typed as one character or as
    e + ◌́ is one name. ValueError if it holds a character no one sees or one that turns the
    direction of text (a zero-width space, a bidi control): two names that look the same must
    be the same name."""
    for k, ch in enumerate(name):
        if unicodedata.category(ch) in _UNSEEN:
            label = unicodedata.name(ch, "a control character")
            raise ValueError(f"{what} {short_repr(name)} holds U+{ord(ch):04X} {label} "
                             f"(character {k + 1}), which is invisible or turns the direction "
                             "of text; a name must read as it is written")
    return unicodedata.normalize("NFC", name)


def flag(name: str, x: object) -> bool:
    """x itself if it is True or False (a string such as "no" would count as true)."""
    if not isinstance(x, bool | np.bool_):
        raise TypeError(f"{name} must be True or False, got {x!r}")
    return bool(x)


def seeded_rng(seed: object) -> np.random.Generator:
    """numpy's Generator for a whole-number ``seed`` ≥ 0 (a Generator passes through, so that
    a model's layers draw one stream): the same seed, the same numbers."""
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(whole_number("seed", seed, 0))
