"""The precision rule: when a student's number counts as the right one (or as the one their own
numbers give). One band per number, computed here and handed to the exercise page as data."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Precision:
    """When a number is right: within half a unit of the right value's ``significant_figures``-th
    significant figure (3: 0.475 and 0.4752 for 0.47517, not 0.47 or 0.5), or within an
    ``absolute`` or ``relative`` tolerance instead."""

    significant_figures: int | None = 3
    absolute: float | None = None
    relative: float | None = None

    def band(self, right: float) -> tuple[float, float]:
        """(a, r): y matches x when |y − x| ≤ a + r·|x|, the same band for the right value and
        for the values a student's own numbers give."""
        if self.absolute is not None:
            return self.absolute, 0.0
        if self.relative is not None:
            return 1e-12, self.relative
        n = self.significant_figures or 3
        if right == 0 or not math.isfinite(right):
            return 0.5 * 10.0 ** -n, 0.0
        half = 0.5 * 10.0 ** (math.floor(math.log10(abs(right))) - n + 1)
        return 1e-12, half / abs(right) * (1 + 1e-9)  # 1e-9: an exact half (1.01 for 1.015) in

    def above(self, right: float) -> tuple[float, float] | None:
        """(top, h) for a value the student's numbers give that has reached the decade above
        the right value's (0.01004 for 0.009918): from |x| ≥ top, half a unit of that decade's
        last figure h; None under a tolerance (no decades), or for a right value of 0."""
        n = self.significant_figures
        if n is None or self.absolute is not None or self.relative is not None \
                or right == 0 or not math.isfinite(right):
            return None
        decade = math.floor(math.log10(abs(right))) + 1
        return 10.0 ** decade, 0.5 * 10.0 ** (decade - n + 1) * (1 + 1e-9)

    def coarse(self, right: float) -> list[float]:
        """``right`` rounded to each smaller number of significant figures (a number written
        with too few of them); none under a tolerance, which is not a count of figures."""
        n = self.significant_figures
        tolerance = self.absolute is not None or self.relative is not None
        if n is None or tolerance or right == 0 or not math.isfinite(right):
            return []
        return sorted({float(f"{right:.{k - 1}e}") for k in range(1, n)})

    def to_dict(self) -> dict[str, float]:
        """The rule as a spec's ``[grading]`` table writes it."""
        if self.absolute is not None:
            return {"absolute_tolerance": self.absolute}
        if self.relative is not None:
            return {"relative_tolerance": self.relative}
        return {"significant_figures": self.significant_figures or 3}

    def describe(self) -> str:
        """The rule in words, for the page and the checker's summary."""
        if self.absolute is not None:
            return f"within ±{self.absolute:g} of the right value"
        if self.relative is not None:
            return f"within {self.relative:.3g} × the right value"
        return (f"to {self.significant_figures} significant figures (within half a unit of the "
                "right value's last one)")


def interval(x: float, band: tuple[float, float]) -> tuple[float, float]:
    """The numbers that agree with ``x`` under ``band``: [x − h, x + h], h = a + r·|x|."""
    a, r = band
    h = a + r * abs(x)
    return x - h, x + h


def follows(y: float, own: float, right: float, band: tuple[float, float],
            above: tuple[float, float] | None = None) -> bool:
    """Whether ``y`` agrees with ``own``, what the student's earlier numbers give: within
    a + r·max(|own|, |right|) of it, never less than the right value's band (rounded inputs
    move ``own`` a little below the right value as often as above it), and within the half
    unit of the decade above where ``own`` has reached it (`Precision.above`)."""
    if not math.isfinite(own):
        return False
    a, r = band
    h = a + r * max(abs(own), abs(right))
    if above is not None and abs(own) >= above[0]:
        h = max(h, above[1])
    return own - h <= y <= own + h


def matches(y: float, x: float, band: tuple[float, float]) -> bool:
    """Whether the student's ``y`` agrees with ``x`` under ``band`` (the page tests the same
    interval in the same way)."""
    if not math.isfinite(x):
        return False
    lo, hi = interval(x, band)
    return lo <= y <= hi
