"""A student's numbers from an assignment's template: the one place the platform exports
(Gradescope, PrairieLearn) turn a template file and a student id into a spec to grade against.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from os import PathLike

from . import spec
from .quantities import Worked
from .spec import Spec

Asked = Callable[[Worked], bool] | None


def load_variant(path: str | PathLike[str], student: str) -> tuple[Spec, Asked]:
    """(the student's spec, which quantities are asked) for ``student`` from the template at
    ``path``: the same student always gets the same numbers. A plain spec (no ranges) is a
    template with one variant, asking for every quantity it marks as asked."""
    if importlib.util.find_spec("lab.templates") is None:
        return spec.load(path), None  # templates with ranges not in this build: a plain spec
    from .templates import load_template

    template = load_template(path)
    return template.variant(student), template.asked
