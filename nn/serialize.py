"""`load(path)`: rebuild a model saved by `Module.save` (JSON: format, version, kind, config,
state). Never unpickles; a truncated, foreign or oversized file gives a ValueError saying so."""

from __future__ import annotations

import json
from os import PathLike

from ._checks import short_repr
from ._files import json_value, read_text
from .layers import MLP, Layer, Neuron
from .limits import MAX_MODEL_FILE_BYTES
from .module import FORMAT, VERSION, Module

KINDS: dict[str, type[Module]] = {"Neuron": Neuron, "Layer": Layer, "MLP": MLP}


def _json(path: str | PathLike, text: str, what: str) -> object:
    """The JSON value in ``text``, or a ValueError saying why ``path`` is not a ``what``."""
    try:
        return json_value(text)
    except json.JSONDecodeError as e:
        raise ValueError(f"{path} is not a {what}: its JSON is broken or truncated "
                         f"({e.msg} at line {e.lineno})") from None
    except RecursionError:
        raise ValueError(f"{path} is not a {what}: its JSON is nested too deeply") from None
    except ValueError as e:  # a key given twice; a whole number longer than Python reads
        raise ValueError(f"{path} is not a {what}: {e}") from None


def load(path: str | PathLike) -> Module:
    """The model stored in the JSON file ``path`` (at most `MAX_MODEL_FILE_BYTES`), with its
    saved parameters. The sizes it declares are checked before any weight is made."""
    what = "backprop-lab model file"
    data = _json(path, read_text(path, f"a {what}", None, MAX_MODEL_FILE_BYTES)[1], what)
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError(f"{path} is not a backprop-lab model file (no \"format\": \"{FORMAT}\")")
    if data.get("version") != VERSION:
        raise ValueError(f"{path} has model-file version {short_repr(data.get('version'))}; "
                         f"this backprop-lab reads version {VERSION}")
    kind, config, state = data.get("kind"), data.get("config"), data.get("state")
    if not isinstance(kind, str) or kind not in KINDS:
        raise ValueError(f"{path} holds an unknown kind of model {short_repr(kind)}; "
                         f"known: {', '.join(KINDS)}")
    if not isinstance(config, dict) or not isinstance(state, dict):
        raise ValueError(f"{path} is incomplete: it needs a \"config\" and a \"state\" object")
    try:
        model = KINDS[kind](**config)
    except (TypeError, ValueError) as e:
        raise ValueError(f"{path} has a bad {kind} config {short_repr(config, 80)}: "
                         f"{str(e)[:300]}"
                         ) from None
    model.load_state_dict(state)
    return model
