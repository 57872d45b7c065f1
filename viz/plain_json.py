"""JSON has no NaN or infinity: such numbers are written as null, by the command line's
``--json`` and by the live app alike."""

from __future__ import annotations

import json
import math
import re
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


# Inside <script> the HTML parser ends the element at "</script", and "<!--" followed by
# "<script" puts it in a state where even that does not end it; "&" and ">" take part in neither
# but are escaped with "<" so that no markup can form. U+2028 and U+2029 end a line in older
# JavaScript. Each is written as its \u escape, which JSON.parse reads back unchanged.
_UNSAFE_IN_SCRIPT = re.compile("[<>&\u2028\u2029]")


def script_json(obj: Any) -> str:
    """``obj`` as JSON that is safe as the text of an HTML ``<script>`` element: no character of
    it can end the element or start markup, whatever strings ``obj`` holds; NaN and infinities
    are refused (ValueError), as JSON has none."""
    text = json.dumps(obj, ensure_ascii=False, allow_nan=False)
    return _UNSAFE_IN_SCRIPT.sub(lambda c: f"\\u{ord(c[0]):04x}", text)
