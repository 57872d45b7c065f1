"""A `Spec` written back as a spec file in TOML: the plain file `lab.spec.load` reads (every number
given, no ranges), as ``backprop assign`` writes one per student."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from .spec import Spec

_BARE = re.compile(r"[A-Za-z0-9_-]+")


def _key(name: str) -> str:
    return name if _BARE.fullmatch(name) else json.dumps(name, ensure_ascii=False)


def _value(x: Any) -> str:
    if isinstance(x, bool):
        return "true" if x else "false"
    if isinstance(x, int):
        return str(x)
    if isinstance(x, float):
        text = repr(x)
        return text if any(c in text for c in ".en") else text + ".0"
    if isinstance(x, str):
        return json.dumps(x, ensure_ascii=False)  # a JSON string is a TOML basic string
    if isinstance(x, list | tuple):
        return "[" + ", ".join(_value(v) for v in x) + "]"
    raise TypeError(f"cannot write {type(x).__name__} in a spec file")


def _table(name: str, items: Mapping[str, Any]) -> list[str]:
    return ["", f"[{name}]", *(f"{_key(k)} = {_value(v)}" for k, v in items.items())]


def dumps(spec: Spec) -> str:
    """The spec as the text of a TOML spec file (`lab.spec.loads` gives the same spec back)."""
    data = spec.to_dict()
    lines = [f"{k} = {_value(data[k])}" for k in ("title", "inputs", "layers", "activation",
                                                  "output_activation", "loss", "lr", "epochs",
                                                  "update")]
    if data["frozen"]:
        lines.append(f"frozen = {_value(data['frozen'])}")
    lines += _table("weights", data["weights"])
    if data["names"]:
        lines += _table("names", data["names"])
    lines += _table("grading", data["grading"])
    for example in data["examples"]:
        lines += ["", "[[examples]]", f"x = {_value(example['x'])}", f"t = {_value(example['t'])}"]
    return "\n".join(lines) + "\n"
