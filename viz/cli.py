"""The ``backprop`` command line: ``backprop trace``, ``backprop worked-example``, ``backprop draw``.

Usage errors exit with status 2 and one line on standard error; ``--json`` prints one JSON object
on standard output and nothing else there.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from autograd_core import parse, trace
from nn.examples import WORKED_LOSSES, worked_example_step
from viz.tables import worked_example_tables


class UsageError(Exception):
    """A user's mistake: reported in one line, exit status 2."""


def _assignments(pairs: Sequence[str]) -> dict[str, float]:
    values: dict[str, float] = {}
    for pair in pairs:
        name, sep, text = pair.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"--at takes NAME=VALUE pairs, got {pair!r}")
        try:
            values[name.strip()] = float(text)
        except ValueError:
            raise UsageError(f"the value of {name.strip()} must be a number, got {text!r}") from None
    return values


def cmd_trace(args: argparse.Namespace) -> None:
    """Primal and adjoint traces of a formula, and the gradient of each input."""
    try:
        output, inputs = parse(args.expr, **_assignments(args.at))
    except (ValueError, TypeError) as e:
        raise UsageError(str(e)) from None
    t = trace(output, inputs=list(inputs.values()), digits=args.digits)
    if args.json:
        print(json.dumps(t.to_dict(), ensure_ascii=False))
    else:
        print(t.to_text())


def cmd_worked_example(args: argparse.Namespace) -> None:
    """The slide's 3-2-1 network: one forward pass, backward pass and update, as tables."""
    try:
        step = worked_example_step(loss=args.loss, lr=args.lr)
    except ValueError as e:
        raise UsageError(str(e)) from None
    if args.json:
        print(json.dumps(step.to_dict()))
    else:
        print("\n\n".join(t.to_text() for t in worked_example_tables(step)))


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``backprop`` with all its subcommands."""
    parser = argparse.ArgumentParser(
        prog="backprop", description="Run, trace and draw backpropagation, step by step.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("trace", help="primal and adjoint evaluation traces of a formula")
    p.add_argument("expr", help='a formula, e.g. "ln(x1) + x1*x2 - sin(x2)"')
    p.add_argument("--at", nargs="+", default=[], metavar="NAME=VALUE", help="input values")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--digits", type=int, default=3, help="decimals shown (default 3)")
    p.set_defaults(run=cmd_trace)
    p = sub.add_parser("worked-example",
                       help="the lecture's worked example: forward, errors and updates")
    p.add_argument("--loss", choices=list(WORKED_LOSSES), default="squared",
                   help="(t - o)^2 as the lecture, or 1/2 (t - o)^2 as textbooks (default squared)")
    p.add_argument("--lr", type=float, default=0.9, help="learning rate (default 0.9)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(run=cmd_worked_example)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``backprop`` script; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        args.run(args)
    except UsageError as e:
        print(f"backprop {args.command}: error: {e}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"backprop {args.command}: error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
