"""A small feed-forward network and its training examples, described in a file (TOML or JSON).

A spec names everything a worked example states: the units (``inputs``, ``layers``), the
activations, the loss, the learning rate η, every weight and bias by the lecture's names
(w{from}{to}, b{unit}; w{from}_{to} once a unit number reaches 10), the examples (x, t), how
many passes (``epochs``) and whether to update per example or once per pass. `load` reads and
checks a file; `Spec.model()` builds the network; `lab.step` runs the updates.
"""

from __future__ import annotations

import difflib
import json
import math
import numbers
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from os import PathLike
from typing import Any

from nn._checks import plain_name
from nn._files import DuplicateKeyError, json_value, long_number, read_text, toml_value
from nn.activations import ACTIVATIONS
from nn.layers import MLP
from nn.limits import MAX_SPEC_PARAMETERS, MAX_SPEC_WORK, check_sizes
from nn.losses import loss_name

from .precision import Precision

UPDATES = ("per-example", "per-epoch")
# A hand calculation, and a stepper with a few frames per parameter, stop being readable long
# before these: they keep a hostile or mistaken file from building a network no one can check.
MAX_PARAMETERS = MAX_SPEC_PARAMETERS
MAX_UPDATES = 100
MAX_WORK = MAX_SPEC_WORK
MAX_FILE_BYTES = 1_000_000
KEYS = ("title", "inputs", "layers", "activation", "output_activation", "loss", "lr", "epochs",
        "update", "weights", "examples", "names", "frozen", "grading")
REQUIRED = ("inputs", "layers", "lr", "weights", "examples")
EXAMPLE_KEYS = ("x", "t")


@dataclass(frozen=True)
class Example:
    """One training example: the inputs x (one per input unit), the targets t (one per output)."""

    x: tuple[float, ...]
    t: tuple[float, ...]


@dataclass(frozen=True)
class Spec:
    """A checked network description; parameters are keyed by the lecture's names (w14, b4)."""

    inputs: int
    layers: tuple[int, ...]
    lr: float
    weights: Mapping[str, float]
    examples: tuple[Example, ...]
    title: str = ""
    activation: tuple[str, ...] = ()
    output_activation: str = "sigmoid"
    loss: str = "squared"
    epochs: int = 1
    update: str = "per-example"
    names: Mapping[str, str] = field(default_factory=dict)
    frozen: frozenset[str] = frozenset()
    precision: Precision = Precision()

    def display(self, name: str) -> str:
        """The name a parameter is shown by: the book's (``[names]``) or the lecture's."""
        return self.names.get(name, name)

    def model(self) -> MLP:
        """The network with the spec's weights, its parameters labelled by their display names."""
        model = _shape(self)
        model.load_state_dict(self.weights)
        for name, p in model.named_parameters():
            p.label = self.display(name)
        return model

    def with_settings(self, **settings: Any) -> Spec:
        """The same network with other settings (e.g. ``loss="half-squared"``, ``lr=0.5``),
        checked as a file's would be."""
        unknown = sorted(set(settings) - set(KEYS))
        if unknown:
            raise ValueError(f"unknown spec setting {', '.join(unknown)}; "
                             f"allowed: {', '.join(KEYS)}")
        return from_dict({**self.to_dict(), **settings}, source="the spec")

    def to_dict(self) -> dict[str, Any]:
        """The spec as the keys of its file (JSON-ready)."""
        return {"title": self.title, "inputs": self.inputs, "layers": list(self.layers),
                "activation": list(self.activation), "output_activation": self.output_activation,
                "loss": self.loss, "lr": self.lr, "epochs": self.epochs, "update": self.update,
                "weights": dict(self.weights),
                "examples": [{"x": list(e.x), "t": list(e.t)} for e in self.examples],
                "names": dict(self.names), "frozen": sorted(self.frozen),
                "grading": self.precision.to_dict()}


def _shape(spec: Spec) -> MLP:
    return MLP(spec.inputs, list(spec.layers), activation=list(spec.activation),
               output_activation=spec.output_activation)


class SpecError(ValueError):
    """A spec's key that cannot be read: ``key`` names it (``lr``, ``examples[2].t``) and
    ``reason`` says why, without the file and line the message starts with."""

    def __init__(self, message: str, key: str, reason: str) -> None:
        super().__init__(message)
        self.key, self.reason = key, reason


class _Source:
    """Where a key stands in the file's text, for messages (TOML and JSON have no positions once
    parsed: the first line that assigns the key is a good guess)."""

    def __init__(self, name: str, text: str | None) -> None:
        self.name, self.lines = name, (text or "").splitlines()

    def error(self, key: str, message: str, find: str | None = None,
              occurrence: int = 1) -> SpecError:
        """A `SpecError` naming the key and the line of the ``occurrence``-th assignment of
        ``find`` (default: the key itself), e.g. the t of the second example."""
        name = re.escape(find or key)
        pattern = re.compile(rf'(^|[{{,\s])"?{name}"?\s*[=:]|^\s*\[\[?{name}\]')
        lines = [k for k, text in enumerate(self.lines, 1) if pattern.search(text)]
        where = (f"{self.name}, line {lines[occurrence - 1]}" if len(lines) >= occurrence
                 else self.name)
        return SpecError(f"{where}: {key}: {message}", key, message)


def _finite(x: object) -> float | None:
    """x as a float if it is a finite real number (a 400-digit integer is not), else None."""
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        return None
    try:
        value = float(x)
    except OverflowError:
        return None
    return value if math.isfinite(value) else None


def _number(src: _Source, key: str, x: object) -> float:
    value = _finite(x)
    if value is None:
        raise src.error(key, f"must be a finite number, got {_shown(x)}")
    return value


def _shown(x: object) -> str:
    text = repr(x)
    return f"{type(x).__name__} {text if len(text) <= 40 else text[:37] + '...'}"


def _whole(src: _Source, key: str, x: object, least: int) -> int:
    if isinstance(x, bool) or not isinstance(x, numbers.Integral):
        raise src.error(key, f"must be a whole number, got {_shown(x)}")
    if x < least:
        raise src.error(key, f"must be at least {least}, got {x}")
    return int(x)


def _numbers(src: _Source, example: int, key: str, xs: object, n: int,
             meaning: str) -> tuple[float, ...]:
    """An example's x or t: ``n`` numbers (one number alone may stand for a list of one)."""
    where = f"examples[{example}].{key}"

    def error(message: str) -> ValueError:
        return src.error(where, message, find=key, occurrence=example)

    if isinstance(xs, numbers.Real) and not isinstance(xs, bool) and n == 1:
        xs = [xs]
    count = f"{n} number{'s' if n > 1 else ''} ({meaning})"
    if not isinstance(xs, list):
        raise error(f"must be a list of {count}, got {_shown(xs)}")
    if len(xs) != n:
        raise error(f"must have {count}, got {len(xs)}")
    values = tuple(_finite(x) for x in xs)
    if None in values:
        k = values.index(None)
        raise error(f"item {k + 1} must be a finite number, got {_shown(xs[k])}")
    return values


def _choice(src: _Source, key: str, x: object, allowed: Sequence[str]) -> str:
    if not isinstance(x, str) or x.strip().lower().replace("_", "-") not in allowed:
        raise src.error(key, f"unknown {key} {x!r}; choose one of {', '.join(allowed)}")
    return x.strip().lower().replace("_", "-")


def _plain(src: _Source, key: str, what: str, name: str) -> str:
    """``name`` composed (NFC); refused, naming ``key``, if it holds an invisible or bidi
    character (`nn._checks.plain_name`)."""
    try:
        return plain_name(what, name)
    except ValueError as e:
        raise src.error(key, str(e)) from None


def _keys(src: _Source, where: str, data: Mapping[str, Any], allowed: Sequence[str]) -> None:
    extra = [k for k in data if k not in allowed]
    for key in extra:  # "w14" and a zero-width space would read as "unknown key w14"
        _plain(src, str(key), "the key", str(key))
    if extra:
        shown = ", ".join(map(str, extra[:5])) + (f" and {len(extra) - 5} more"
                                                  if len(extra) > 5 else "")
        raise src.error(str(extra[0]), f"unknown key{'s' if len(extra) > 1 else ''} {shown} "
                        f"in {where} (a typo?); allowed: {', '.join(allowed)}")


def _activation(src: _Source, key: str, x: object) -> str:
    names = [n.replace("_", "-") for n in ACTIVATIONS]
    return _choice(src, key, x, names).replace("-", "_")


def from_dict(data: object, source: str = "the spec", text: str | None = None) -> Spec:
    """A checked `Spec` from a file's keys; ValueError/TypeError naming the key (and its line,
    when ``text`` is the file's text) for anything missing, extra or wrong."""
    src = _Source(source, text)
    table = _table(src, data)
    inputs, layers = _sizes(src, table)
    hidden, output = _activations(src, table, len(layers) - 1)
    settings = _settings(src, table)
    expected = _shape_names(inputs, layers, hidden, output)
    weights = _weights(src, table["weights"], expected, f"{inputs}-{'-'.join(map(str, layers))}")
    examples = table["examples"]
    if not isinstance(examples, list) or not examples:
        raise src.error("examples", "must list one or more examples, each with x and t")
    try:  # before a single example is read: a file of 50,000 examples is refused at once
        check_work(settings["epochs"], len(examples), len(expected), settings["update"])
    except ValueError as e:
        raise src.error("epochs", str(e)) from None
    names = _names(src, table.get("names", {}), expected)
    return Spec(inputs=inputs, layers=layers, weights=weights,
                examples=_examples(src, examples, inputs, layers[-1]), activation=hidden,
                output_activation=output, names=names,
                frozen=_frozen(src, table.get("frozen", []), expected, names),
                precision=_grading(src, table.get("grading", {})), **settings)


def check_work(epochs: int, examples: int, parameters: int, update: str) -> None:
    """ValueError for a run past a spec's limits: more than `MAX_UPDATES` updates (epochs, times
    the examples for per-example updates), or more than `MAX_WORK` gradients computed
    (epochs × examples × parameters: each example's pass computes every parameter's ∂E/∂p,
    whether the update comes after it or once per epoch)."""
    updates = epochs * (examples if update == "per-example" else 1)
    if updates > MAX_UPDATES:
        raise ValueError(f"{epochs} epochs of {examples} examples make {updates} updates, more "
                         f"than the {MAX_UPDATES} a spec may step through")
    work = epochs * examples * parameters
    if work > MAX_WORK:
        raise ValueError(f"{epochs} epochs of {examples:,} examples with {parameters} parameters "
                         f"compute {work:,} gradients (epochs × examples × parameters), more "
                         f"than the {MAX_WORK:,} a spec may ask for")


def _table(src: _Source, data: object) -> Mapping[str, Any]:
    """``data`` as a spec's table: only known keys, the required ones all there."""
    if not isinstance(data, Mapping):
        raise TypeError(f"{src.name}: a spec is a table of keys (inputs, layers, ...), "
                        f"got {type(data).__name__}")
    _keys(src, "the spec", data, KEYS)
    missing = [k for k in REQUIRED if k not in data]
    if missing:
        raise ValueError(f"{src.name}: missing key{'s' if len(missing) > 1 else ''} "
                         f"{', '.join(missing)} (a spec needs {', '.join(REQUIRED)})")
    return data


def _sizes(src: _Source, data: Mapping[str, Any]) -> tuple[int, tuple[int, ...]]:
    """The number of inputs and the layer sizes, within the limits of a spec."""
    inputs = _whole(src, "inputs", data["inputs"], 1)
    layers = data["layers"]
    if not isinstance(layers, list) or not layers:
        raise src.error("layers", "must be a list of layer sizes, hidden layers then the output "
                        f"layer (e.g. [2, 1]), got {_shown(layers)}")
    layers = tuple(_whole(src, f"layers[{k}]", n, 1) for k, n in enumerate(layers))
    try:  # the shared check (nn/limits.py), with the tighter limit of a spec
        check_sizes(inputs, layers, MAX_PARAMETERS, (
            "a spec may have", "beyond that a hand calculation (and its step-by-step page) is "
            "no longer readable"))
    except ValueError as e:
        raise src.error("layers", str(e)) from None
    return inputs, layers


def _activations(src: _Source, data: Mapping[str, Any], hidden_layers: int
                 ) -> tuple[tuple[str, ...], str]:
    """The hidden layers' activations (one name for all, or one per layer) and the output's."""
    hidden = data.get("activation", "sigmoid")
    if isinstance(hidden, list):
        if len(hidden) != hidden_layers:
            raise src.error("activation", f"lists {len(hidden)} names for {hidden_layers} "
                            "hidden layers: give one name, or one per hidden layer")
        acts = tuple(_activation(src, f"activation[{k}]", a) for k, a in enumerate(hidden))
    else:
        acts = (_activation(src, "activation", hidden),) * hidden_layers
    return acts, _activation(src, "output_activation", data.get("output_activation", "sigmoid"))


def _settings(src: _Source, data: Mapping[str, Any]) -> dict[str, Any]:
    """The training settings and the title: loss, lr, epochs, update, title."""
    try:
        loss = loss_name(data.get("loss", "squared"))
    except (TypeError, ValueError) as e:
        raise src.error("loss", str(e)) from None
    lr = _number(src, "lr", data["lr"])
    if lr <= 0:
        raise src.error("lr", f"the learning rate must be above 0, got {lr:g}")
    title = data.get("title", "")
    if not isinstance(title, str):
        raise src.error("title", f"must be text, got {_shown(title)}")
    return {"loss": loss, "lr": lr, "epochs": _whole(src, "epochs", data.get("epochs", 1), 1),
            "update": _choice(src, "update", data.get("update", "per-example"), UPDATES),
            "title": title}


def _weights(src: _Source, weights: object, expected: Sequence[str], shape: str
             ) -> dict[str, float]:
    """Every parameter's number, named as the network ``shape`` ("3-2-1") names them."""
    if not isinstance(weights, Mapping):
        raise src.error("weights", f"must be a table of name = number, got {_shown(weights)}")
    absent = [n for n in expected if n not in weights]
    unknown = [_plain(src, str(n), "the parameter name", str(n)) for n in weights
               if n not in expected]
    if absent or unknown:
        network = (f"this {shape} network has {len(expected)} weights and biases: "
                   f"{_listing(expected)}")
        if unknown:
            close = difflib.get_close_matches(unknown[0], absent or expected, n=1, cutoff=0.5)
            hint = f" (did you mean {close[0]}?)" if close else ""
            more = f"; {len(unknown) - 1} more not in it" if len(unknown) > 1 else ""
            missing = f"; missing: {', '.join(absent[:8])}" if absent else ""
            raise src.error(unknown[0], f"not a parameter of this network{hint}"
                            f"{more}{missing} ({network})")
        raise src.error("weights", f"missing {', '.join(absent[:8])}"
                        f"{' ...' if len(absent) > 8 else ''} ({network})")
    return {n: _number(src, n, weights[n]) for n in expected}


def _examples(src: _Source, examples: list[Any], inputs: int, outputs: int
              ) -> tuple[Example, ...]:
    """Each example's x (one number per input unit) and t (one per output unit)."""
    checked = []
    for k, ex in enumerate(examples, 1):
        if not isinstance(ex, Mapping):
            raise src.error("examples", f"example {k} must be a table with x and t, "
                            f"got {_shown(ex)}")
        _keys(src, f"example {k}", ex, EXAMPLE_KEYS)
        for key in EXAMPLE_KEYS:
            if key not in ex:
                raise src.error("examples", f"example {k} has no {key}")
        checked.append(Example(_numbers(src, k, "x", ex["x"], inputs, "one per input unit"),
                               _numbers(src, k, "t", ex["t"], outputs,
                                        "one target per output unit")))
    return tuple(checked)


def _listing(names: Sequence[str]) -> str:
    return ", ".join(names) if len(names) <= 12 else f"{', '.join(names[:10])}, ..., {names[-1]}"


def _shape_names(inputs: int, layers: tuple[int, ...], hidden: tuple[str, ...],
                 output: str) -> list[str]:
    """The lecture's names of every parameter of such a network, as `MLP` names them."""
    model = MLP(inputs, list(layers), activation=list(hidden), output_activation=output)
    return [name for name, _ in model.named_parameters()]


def _names(src: _Source, names: object, expected: Sequence[str]) -> dict[str, str]:
    if not isinstance(names, Mapping):
        raise src.error("names", f"must be a table of parameter = \"book's name\", "
                        f"got {_shown(names)}")
    _keys(src, "[names]", names, expected)
    shown: dict[str, str] = {}
    for name, book in names.items():
        if isinstance(book, str):  # "δ" typed two ways is one name; a zero-width space is none
            book = _plain(src, name, "the display name", book)
        if not isinstance(book, str) or not re.fullmatch(r"[^\s\x00-\x1f\x7f]{1,24}", book):
            raise src.error(name, "a display name must be 1 to 24 characters without spaces, "
                            f"got {_shown(book)}")
        shown[name] = book
    display = [shown.get(n, n) for n in expected]
    clash = sorted({d for d in display if display.count(d) > 1})
    if clash:
        raise src.error("names", f"the display name {clash[0]} is given to two parameters "
                        "(display names must be unique; tied parameters are not supported)")
    return shown


def _frozen(src: _Source, frozen: object, expected: Sequence[str],
            names: Mapping[str, str]) -> frozenset[str]:
    if not isinstance(frozen, list) or not all(isinstance(n, str) for n in frozen):
        raise src.error("frozen", f"must be a list of parameter names, got {_shown(frozen)}")
    frozen = [_plain(src, "frozen", "the name", n) for n in frozen]
    lecture = {names.get(n, n): n for n in expected} | {n: n for n in expected}
    unknown = [n for n in frozen if n not in lecture]
    if unknown:
        raise src.error("frozen", f"{unknown[0]} is not a parameter of this network")
    return frozenset(lecture[n] for n in frozen)


GRADING_KEYS = ("significant_figures", "absolute_tolerance", "relative_tolerance")


def _grading(src: _Source, table: object) -> Precision:
    """``[grading]``: one of significant_figures (1 to 10), absolute_tolerance or
    relative_tolerance (a positive number); none: 3 significant figures."""
    if not isinstance(table, Mapping):
        raise src.error("grading", f"must be a table, got {_shown(table)}")
    _keys(src, "grading", table, GRADING_KEYS)
    given = [k for k in GRADING_KEYS if k in table]
    if len(given) > 1:
        raise src.error("grading", f"give one of {', '.join(GRADING_KEYS)}, not "
                        f"{' and '.join(given)}")
    if not given:
        return Precision()
    key = given[0]
    if key == "significant_figures":
        n = _whole(src, key, table[key], 1)
        if n > 10:
            raise src.error(key, f"must be at most 10 (a float holds about 16), got {n}")
        return Precision(significant_figures=n)
    x = _number(src, key, table[key])
    if x <= 0:
        raise src.error(key, f"must be a positive number, got {x:g}")
    if key == "absolute_tolerance":
        return Precision(significant_figures=None, absolute=x)
    return Precision(significant_figures=None, relative=x)


def loads(text: str, fmt: str = "toml", source: str = "the spec") -> Spec:
    """A checked `Spec` from the text of a TOML or JSON file."""
    if fmt not in ("toml", "json"):
        raise ValueError(f"a spec is TOML or JSON, not {fmt!r}")
    try:
        data = toml_value(text) if fmt == "toml" else json_value(text)
    except tomllib.TOMLDecodeError as e:
        # a decimal comma (0,4), as some spreadsheets and countries write numbers
        comma = " (numbers take a decimal point: 0.4, not 0,4)" if re.search(
            r"=\s*[-+]?\d+,\d", text) else ""
        raise ValueError(f"{source}: not valid TOML: {e}{comma}") from None
    except json.JSONDecodeError as e:
        raise ValueError(f"{source}, line {e.lineno}: not valid JSON: {e.msg}") from None
    except RecursionError:
        raise ValueError(f"{source}: its {fmt.upper()} is nested too deeply to be a spec"
                         ) from None
    except DuplicateKeyError as e:
        raise ValueError(f"{source}: {e}") from None
    except ValueError as e:  # a whole number longer than Python reads
        raise ValueError(f"{source}, {long_number(text) or e}") from None
    return from_dict(data, source, text)


def load(path: str | PathLike[str]) -> Spec:
    """The checked spec in the file ``path`` (``.toml``, or ``.json`` with the same keys)."""
    path, text = read_text(path, "a spec file", (".toml", ".json"), MAX_FILE_BYTES)
    fmt = path.suffix.lower().lstrip(".")
    return loads(text, fmt, str(path))


def lecture_text() -> str:
    """The text of the lecture's worked example as a spec file: a start to copy and edit."""
    return resources.files("lab").joinpath("specs/worked_example.toml").read_text(encoding="utf-8")


def lecture() -> Spec:
    """The lecture's worked example as a spec (the file shipped in ``lab/specs/``)."""
    return loads(lecture_text(), "toml", "the lecture's spec")
