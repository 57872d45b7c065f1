"""The ``backprop`` command line: ``backprop trace``, ``backprop worked-example``,
``backprop draw``.

Every error reaches one place, `report`, which turns it into one message on standard error and
the exit status: 2 for a mistake in the input, 1 for a failure around it (a file, ``dot``), never a
traceback. ``--json`` prints one JSON object on standard output and nothing else there; the
"wrote FILE" lines always go to standard error.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from autograd_core import AnomalyError, GradcheckError, parse, trace
from nn import ACTIVATIONS, MLP, load
from nn.examples import WORKED_INPUTS, WORKED_LOSSES, WORKED_TARGET, worked_example_step
from nn.limits import check_sizes
from viz.drawing import DotFailedError, DotNotFoundError, Drawing
from viz.graph import draw_graph
from viz.network import DEFAULT_MAX_UNITS, check_unit_count, draw_network
from viz.stepper_html import export_html
from viz.steps import steps
from viz.tables import worked_example_tables


class UsageError(Exception):
    """A user's mistake: reported in one line, exit status 2."""


MAX_MESSAGE = 1000  # characters of an error message shown: a message never floods a terminal


def report(error: BaseException) -> tuple[str | None, int]:
    """The message to print for ``error`` (None: print nothing) and the exit status: 2 for a
    mistake in what was typed or given (bad values, a bad file, a formula nested too deeply),
    1 for a failure around it (a file system refusal, ``dot`` missing or failing, memory), quietly
    1 for a reader that went away (``| head``). Anything else is a bug: one line asking to
    report it, status 1."""
    if isinstance(error, BrokenPipeError):
        return None, 1
    if isinstance(error, UsageError | ValueError | TypeError | AnomalyError | GradcheckError):
        # DomainError, GraphTooLargeError, InfiniteLossError and the JSON errors are ValueErrors
        return str(error), 2
    if isinstance(error, RecursionError):
        return "the input is nested too deeply to handle; give it in smaller parts", 2
    if isinstance(error, ArithmeticError):  # ZeroDivisionError, OverflowError: numbers to blame
        return f"a number went past what a float can hold ({error})", 2
    if isinstance(error, OSError):
        # the system's own errors read "[Errno 21] Is a directory: 'x'"; say it as "x: Is a …"
        if error.filename is not None and error.strerror:
            return f"{error.filename}: {error.strerror}", 1
        return str(error) or type(error).__name__, 1
    if isinstance(error, DotNotFoundError | DotFailedError):
        return str(error), 1
    if isinstance(error, MemoryError):
        return "ran out of memory; give a smaller input", 1
    return (f"internal error ({type(error).__name__}: {error}); please report it with the "
            "command that caused it"), 1


def _assignments(pairs: Sequence[str]) -> dict[str, float]:
    values: dict[str, float] = {}
    for pair in pairs:
        name, sep, text = pair.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"--at takes NAME=VALUE pairs, got {pair!r}")
        name = name.strip()
        if name in values:
            raise UsageError(f"{name} is given twice in --at")
        try:
            values[name] = float(text)
        except ValueError:
            raise UsageError(f"the value of {name} must be a number, got {text!r}") from None
        if not math.isfinite(values[name]):
            raise UsageError(f"the value of {name} must be a finite number, got {text!r}")
    return values


def _print_json(obj: object) -> None:
    """One strict JSON object on standard output: a NaN or infinite number becomes null (JSON
    has no such numbers), with a note on standard error."""
    replaced = False

    def clean(x: object) -> object:
        nonlocal replaced
        if isinstance(x, float) and not math.isfinite(x):
            replaced = True
            return None
        if isinstance(x, dict):
            return {k: clean(v) for k, v in x.items()}
        if isinstance(x, list | tuple):
            return [clean(v) for v in x]
        return x

    print(json.dumps(clean(obj), ensure_ascii=False, allow_nan=False))
    if replaced:
        print("backprop: note: NaN or infinite numbers are written as null", file=sys.stderr)


def cmd_trace(args: argparse.Namespace) -> None:
    """Primal and adjoint traces of a formula, and the gradient of each input."""
    output, inputs = parse(args.expr, **_assignments(args.at))
    if _picture_paths(args):
        output.backward()  # the backward picture shows the adjoints; sizes are checked here
    made = _make_pictures(args, lambda: draw_graph(output, mode=args.view),
                          lambda: steps(output))
    t = trace(output, inputs=list(inputs.values()), digits=args.digits)
    _write(made)
    if args.json:
        _print_json(t.to_dict())
    elif not made:
        print(t.to_text())


def cmd_worked_example(args: argparse.Namespace) -> None:
    """The slide's 3-2-1 network: one forward pass, backward pass and update, as tables."""
    step = worked_example_step(loss=args.loss, lr=args.lr)
    made = _make_pictures(args, lambda: _worked_view(step, args.view), lambda: steps(step))
    _write(made)
    if args.json:
        _print_json(step.to_dict())
    elif not made:
        print("\n\n".join(t.to_text() for t in worked_example_tables(step)))


def _worked_view(step, view: str) -> Drawing:
    if view == "network":
        return draw_network(step.model, inputs=WORKED_INPUTS, target=WORKED_TARGET,
                            forward=step.forward, errors=step.errors, old=step.old)
    return draw_graph(step.graph, mode=view)


_SUFFIXES = {"svg": ".svg", "png": ".png", "dot": ".dot", "html": ""}  # a page: any name


def _picture_paths(args: argparse.Namespace) -> dict[str, Path]:
    """The files asked for with --svg, --png, --dot, --html: each must be a name ending in its
    format's suffix (an empty name is a mistake, not "no file")."""
    paths = {}
    for flag, suffix in _SUFFIXES.items():
        path = getattr(args, flag, None)
        if path is None:
            continue
        if not path.strip():
            raise UsageError(f"--{flag} needs a file name, got an empty one")
        if not path.lower().endswith(suffix):
            raise UsageError(f"the file for {flag} should end in {suffix}, got {path!r}")
        paths[flag] = Path(path)
    return paths


def _make_pictures(args: argparse.Namespace, picture: Callable[[], Drawing],
                   stepper: Callable[[], object]) -> list[tuple[Path, Callable[[], Path]]]:
    """The pictures asked for, made (so a graph too large is refused before any other work) and
    paired with their files; `_write` saves them."""
    paths = _picture_paths(args)
    made = []
    drawing = picture() if paths.keys() - {"html"} else None
    for flag, path in paths.items():
        if flag == "html":
            frames = stepper()
            made.append((path, lambda frames=frames, path=path: export_html(frames, path)))
        else:
            made.append((path, lambda path=path: drawing.save(path)))
    return made


def _write(made: Sequence[tuple[Path, Callable[[], Path]]]) -> None:
    """Save each picture; "wrote FILE" goes to standard error (standard output may hold JSON)."""
    for _, save in made:
        print(f"wrote {save()}", file=sys.stderr)


def cmd_draw(args: argparse.Namespace) -> None:
    """The neuron-level diagram of a saved model (JSON) or of an MLP given by its sizes."""
    if (args.model is None) == (args.sizes is None):
        raise UsageError("give either a saved model file or --sizes (e.g. --sizes 3 2 1)")
    if args.model is not None:
        model = load(args.model)
    else:
        if len(args.sizes) < 2:
            raise UsageError("--sizes needs the number of inputs and at least one layer")
        n_in, sizes = check_sizes(args.sizes[0], args.sizes[1:])
        check_unit_count(n_in + sum(sizes), DEFAULT_MAX_UNITS)  # before a weight is made
        model = MLP(n_in, sizes, activation=args.activation, seed=args.seed)
    made = _make_pictures(args, lambda: draw_network(model), lambda: None)
    if made:
        _write(made)
    else:
        print(draw_network(model).source, end="")


def _add_picture_flags(p: argparse.ArgumentParser, views: Sequence[str], default: str) -> None:
    p.add_argument("--svg", metavar="FILE", help="write the picture as SVG")
    p.add_argument("--png", metavar="FILE", help="write the picture as PNG")
    p.add_argument("--html", metavar="FILE", help="write the step-by-step page (one HTML file)")
    p.add_argument("--view", choices=list(views), default=default,
                   help=f"what the picture shows (default {default})")


class _Parser(argparse.ArgumentParser):
    """argparse's parser (usage and status 2 on a mistake), with a hint where its own message
    would puzzle: a formula starting with "-" reads to it as an unknown option."""

    def error(self, message: str) -> None:
        if self.prog.endswith(" trace") and "required: expr" in message:
            message += ('; a formula that starts with "-" goes after "--", as in '
                        'backprop trace --at x=1 -- "-x"')
        super().error(message)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``backprop`` with all its subcommands."""
    parser = _Parser(
        prog="backprop", description="Run, trace and draw backpropagation, step by step.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("trace", help="primal and adjoint evaluation traces of a formula")
    p.add_argument("expr", help='a formula, e.g. "ln(x1) + x1*x2 - sin(x2)"')
    p.add_argument("--at", nargs="+", default=[], metavar="NAME=VALUE", help="input values")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--digits", type=int, default=3, help="decimals shown (default 3)")
    _add_picture_flags(p, ("forward", "backward", "both"), "both")
    p.set_defaults(run=cmd_trace)
    p = sub.add_parser("worked-example",
                       help="the lecture's worked example: forward, errors and updates")
    p.add_argument("--loss", choices=list(WORKED_LOSSES), default="squared",
                   help="(t - o)^2 as the lecture, or 1/2 (t - o)^2 as textbooks (default squared)")
    p.add_argument("--lr", type=float, default=0.9, help="learning rate (default 0.9)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    _add_picture_flags(p, ("forward", "backward", "network"), "network")
    p.set_defaults(run=cmd_worked_example)
    p = sub.add_parser("draw", help="draw a network: a saved model (JSON) or an MLP by sizes")
    p.add_argument("model", nargs="?", help="a model saved with model.save(path)")
    p.add_argument("--sizes", nargs="+", type=int, metavar="N", help="inputs then layer sizes")
    p.add_argument("--activation", choices=list(ACTIVATIONS), default="relu",
                   help="hidden activation for --sizes (default relu)")
    p.add_argument("--seed", type=int, default=0, help="weight seed for --sizes (default 0)")
    p.add_argument("--svg", metavar="FILE", help="write SVG")
    p.add_argument("--png", metavar="FILE", help="write PNG")
    p.add_argument("--dot", metavar="FILE", help="write the DOT source")
    p.set_defaults(run=cmd_draw)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``backprop`` script; returns the exit status."""
    args = build_parser().parse_args(argv)
    try:
        args.run(args)
        sys.stdout.flush()  # a closed pipe shows here, not at exit after the handler is gone
    except Exception as e:  # noqa: BLE001 (the one place every error is turned into a line)
        message, status = report(e)
        if message is None:  # stdout is gone: let nothing more be written to it at exit
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        else:
            if len(message) > MAX_MESSAGE:
                message = f"{message[:MAX_MESSAGE]}… ({len(message):,} characters)"
            print(f"backprop {args.command}: error: {message}", file=sys.stderr)
        return status
    return 0


if __name__ == "__main__":
    sys.exit(main())
