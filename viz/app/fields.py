"""The page's fields as the server reads them from a query string: each checked, and a bad one
named in a `FieldError` (a ValueError that knows its field), which the server answers with status
400 and the field's name, and the page shows beside that field."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from lab.numbers import number_from_text

Query = Mapping[str, str]


class FieldError(ValueError):
    """A field of the page that cannot be read; ``field`` is its name in the query."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


def text(query: Query, name: str, default: str, max_chars: int) -> str:
    """The field as text, at most ``max_chars`` characters long."""
    value = query.get(name, default)
    if len(value) > max_chars:
        raise FieldError(f"{name} is {len(value)} characters long; the limit here is "
                         f"{max_chars}", field=name)
    return value


def number(query: Query, name: str, default: float, least: float | None = None,
           most: float | None = None) -> float:
    """The field as a finite float in [least, most]."""
    if name not in query:
        return default
    try:
        x = number_from_text(name, query[name])
    except ValueError as e:
        raise FieldError(str(e), field=name) from None
    if (least is not None and x < least) or (most is not None and x > most):
        raise FieldError(f"{name} must be between {least:g} and {most:g}, got {x:g}", field=name)
    return x


def whole(query: Query, name: str, default: int, least: int, most: int) -> int:
    """The field as a whole number in [least, most]."""
    if name not in query:
        return default
    try:
        n = int(query[name])
    except ValueError:
        raise FieldError(f"{name} must be a whole number, got {query[name]!r}",
                         field=name) from None
    if not least <= n <= most:
        raise FieldError(f"{name} must be from {least} to {most}, got {n}", field=name)
    return n


def choice(query: Query, name: str, default: str, options: Sequence[str]) -> str:
    """The field as one of ``options``."""
    value = query.get(name, default)
    if value not in options:
        raise FieldError(f"unknown {name} {value!r}: choose one of {', '.join(options)}",
                         field=name)
    return value


def layer_sizes(query: Query, name: str, default: Sequence[int], most_units: int,
                most_layers: int) -> list[int]:
    """The hidden layers as comma-separated numbers of units, e.g. "8,8" for two hidden layers
    of 8 units, at least one. The messages speak of layers and units, as the field does."""
    if name not in query:
        return list(default)
    parts = [p.strip() for p in query[name].split(",")]
    if parts == [""]:
        raise FieldError("give the units of at least one hidden layer, e.g. 8, or 8,8 for two "
                         "layers of 8", field=name)
    if "" in parts:
        raise FieldError(f"{query[name].strip()!r} has an empty place between commas: give "
                         "the units of each hidden layer, e.g. 8,8", field=name)
    if len(parts) > most_layers:
        raise FieldError(f"at most {most_layers} hidden layers, got {len(parts)}: give the "
                         "units of each layer, separated by commas (e.g. 8,8)", field=name)
    sizes = []
    for p in parts:
        try:
            n = int(p)
        except ValueError:
            raise FieldError(f"hidden layers are numbers of units separated by commas "
                             f"(e.g. 8,8), got {p!r}", field=name) from None
        if not 1 <= n <= most_units:
            raise FieldError(f"each hidden layer has 1 to {most_units} units, got {n}", field=name)
        sizes.append(n)
    return sizes


def points(query: Query, name: str, classes: int, most: int) -> str:
    """The user's own points as "x1,x2,class;…" (x1 and x2 in [−1, 1], class from 0 to
    ``classes`` − 1), at most ``most`` of them; returned in the same form, numbers rounded."""
    given = query.get(name, "").strip()
    if not given:
        return ""
    rows = given.split(";")
    if len(rows) > most:
        raise FieldError(f"at most {most} points, got {len(rows)}: clear some", field=name)
    kept = []
    for k, row in enumerate(rows, 1):
        parts = row.split(",")
        if len(parts) != 3:
            raise FieldError(f"point {k} must be x1,x2,class, got {row!r}", field=name)
        try:
            x1, x2 = (number_from_text(name, p) for p in parts[:2])
            c = int(parts[2])
        except ValueError:
            raise FieldError(f"point {k} must be two numbers and a class, got {row!r}",
                             field=name) from None
        if not (-1 <= x1 <= 1 and -1 <= x2 <= 1):
            raise FieldError(f"point {k} lies outside the plot [−1, 1]²: {row!r}", field=name)
        if not 0 <= c < classes:
            raise FieldError(f"point {k} has class {c}, but there are {classes} classes "
                             f"(0 to {classes - 1}): raise Classes or clear the points",
                             field=name)
        kept.append(f"{x1:.3f},{x2:.3f},{c}")
    return ";".join(kept)
