"""A student's numbers and marking rules from an assignment's template: the one place the
platform exports (Gradescope, PrairieLearn) turn a template file and a student id into what
they grade against, as `lab.templates` draws it for ``backprop assign``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from os import PathLike

from .quantities import Worked
from .spec import Spec
from .templates import Template, load_template


@dataclass(frozen=True)
class Variant:
    """One student's ``spec``, which quantities are ``asked``, each one's ``points`` and the
    share of them a verdict earns (``credit``: 1 right, the template's carried-forward share,
    0 otherwise)."""

    spec: Spec
    asked: Callable[[Worked], bool]
    points: Callable[[Worked], float]
    credit: Callable[[str], float]


def of_template(template: Template, spec: Spec) -> Variant:
    """``spec`` (a variant of ``template``) with the template's marking rules."""
    return Variant(spec, template.asked, template.points_for, template.credit)


def load_variant(path: str | PathLike[str], student: str,
                 roster: Sequence[str] | None = None) -> Variant:
    """``student``'s variant of the template at ``path``: drawn from the seed and the id, and,
    when the class's ``roster`` (ids in order) is given, exactly as ``backprop assign`` drew it
    for that roster (a student whose draw repeated an earlier one's numbers drew again)."""
    template = load_template(path)
    if roster and student in roster:
        ids = list(roster)
        spec = template.variants(ids[:ids.index(student) + 1])[student]
    else:
        spec = template.variant(student)
    return of_template(template, spec)
