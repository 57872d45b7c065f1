"""`load(path)`: rebuild a model saved by `Module.save` (JSON: format, version, kind, config,
state). Never unpickles; a truncated or foreign file gives a ValueError saying so."""

from __future__ import annotations

import json
from os import PathLike

from .layers import MLP, Layer, Neuron
from .module import FORMAT, VERSION, Module

KINDS: dict[str, type[Module]] = {"Neuron": Neuron, "Layer": Layer, "MLP": MLP}


def load(path: str | PathLike) -> Module:
    """The model stored in the JSON file ``path``, with its saved parameters."""
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except UnicodeDecodeError:
        raise ValueError(f"{path} is not a backprop-lab model file: it is not text "
                         "(a model file is JSON)") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise ValueError(f"{path} is not a backprop-lab model file: its JSON is broken or "
                         f"truncated ({e.msg} at line {e.lineno})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError(f"{path} is not a backprop-lab model file (no \"format\": \"{FORMAT}\")")
    if data.get("version") != VERSION:
        raise ValueError(f"{path} has model-file version {data.get('version')!r}; "
                         f"this backprop-lab reads version {VERSION}")
    kind, config, state = data.get("kind"), data.get("config"), data.get("state")
    if kind not in KINDS:
        raise ValueError(f"{path} holds an unknown kind of model {kind!r}; "
                         f"known: {', '.join(KINDS)}")
    if not isinstance(config, dict) or not isinstance(state, dict):
        raise ValueError(f"{path} is incomplete: it needs a \"config\" and a \"state\" object")
    try:
        model = KINDS[kind](**config)
    except (TypeError, ValueError) as e:
        raise ValueError(f"{path} has a bad {kind} config {config!r}: {e}") from None
    model.load_state_dict(state)
    return model
