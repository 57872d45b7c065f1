"""The page's fields as the server reads them from a query string: each checked, and a bad one
named in a ValueError that the page shows beside the field (answered with status 400)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from lab.numbers import number_from_text

Query = Mapping[str, str]


def text(query: Query, name: str, default: str, max_chars: int) -> str:
    """The field as text, at most ``max_chars`` characters long."""
    value = query.get(name, default)
    if len(value) > max_chars:
        raise ValueError(f"{name} is {len(value)} characters long; the limit here is "
                         f"{max_chars}")
    return value


def number(query: Query, name: str, default: float, least: float | None = None,
           most: float | None = None) -> float:
    """The field as a finite float in [least, most]."""
    if name not in query:
        return default
    x = number_from_text(name, query[name])
    if (least is not None and x < least) or (most is not None and x > most):
        raise ValueError(f"{name} must be between {least:g} and {most:g}, got {x:g}")
    return x


def whole(query: Query, name: str, default: int, least: int, most: int) -> int:
    """The field as a whole number in [least, most]."""
    if name not in query:
        return default
    try:
        n = int(query[name])
    except ValueError:
        raise ValueError(f"{name} must be a whole number, got {query[name]!r}") from None
    if not least <= n <= most:
        raise ValueError(f"{name} must be from {least} to {most}, got {n}")
    return n


def choice(query: Query, name: str, default: str, options: Sequence[str]) -> str:
    """The field as one of ``options``."""
    value = query.get(name, default)
    if value not in options:
        raise ValueError(f"unknown {name} {value!r}: choose one of {', '.join(options)}")
    return value


def layer_sizes(query: Query, name: str, default: Sequence[int], most_units: int,
                most_layers: int) -> list[int]:
    """The hidden layers as comma-separated numbers of units, e.g. "8,8" for two hidden layers
    of 8 units; empty for none. The messages speak of layers and units, as the field does."""
    if name not in query:
        return list(default)
    parts = [p.strip() for p in query[name].split(",") if p.strip()]
    if len(parts) > most_layers:
        raise ValueError(f"at most {most_layers} hidden layers, got {len(parts)}: give the "
                         "units of each layer, separated by commas (e.g. 8,8)")
    sizes = []
    for p in parts:
        try:
            n = int(p)
        except ValueError:
            raise ValueError(f"hidden layers are numbers of units separated by commas "
                             f"(e.g. 8,8), got {p!r}") from None
        if not 1 <= n <= most_units:
            raise ValueError(f"each hidden layer has 1 to {most_units} units, got {n}")
        sizes.append(n)
    return sizes
