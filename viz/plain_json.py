"""JSON has no NaN or infinity: such numbers are written as null, by the command line's
``--json`` and by the live app alike."""

from __future__ import annotations

import math
from typing import Any


def finite_or_null(x: Any) -> tuple[Any, bool]:
    """``x`` with every NaN or infinite float (in nested dicts, lists and tuples) replaced by
    None, and whether any was replaced."""
    replaced = False

    def clean(v: Any) -> Any:
        nonlocal replaced
        if isinstance(v, float) and not math.isfinite(v):
            replaced = True
            return None
        if isinstance(v, dict):
            return {k: clean(item) for k, item in v.items()}
        if isinstance(v, list | tuple):
            return [clean(item) for item in v]
        return v

    return clean(x), replaced
