"""The command line's reference page, written from its own argument parser (`viz.cli.build_parser`)
and from real runs of its ``--json`` examples, so the page cannot fall behind the program.

Used by the documentation build (scripts/docs_hooks.py); ``python scripts/cli_reference.py``
prints the Markdown.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
from typing import Any

from viz.cli import build_parser, main

# Runs of each subcommand that has --json (paths from the repository's top folder, where the
# site is built): each output is shown, with the shape of its keys.
JSON_EXAMPLES: dict[str, list[list[str]]] = {
    "trace": [["trace", "ln(x1) + x1*x2 - sin(x2)", "--at", "x1=2", "x2=5", "--json"]],
    "worked-example": [["worked-example", "--json"]],
    "step": [["step", "lab/specs/worked_example.toml", "--json"],
             ["step", "docs/specs/two_examples_per_epoch.toml", "--json"]],
    "check": [["check", "lab/specs/worked_example.toml", "docs/specs/worked_example_answers.csv",
               "--json"]],
}


def subcommands(parser: argparse.ArgumentParser | None = None
                ) -> dict[str, argparse.ArgumentParser]:
    """Each subcommand's name and its parser, in the order ``backprop --help`` lists them."""
    parser = parser or build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def _summaries(parser: argparse.ArgumentParser) -> dict[str, str]:
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return {choice.dest: choice.help or "" for choice in action._choices_actions}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _argument_row(action: argparse.Action) -> str:
    name = ", ".join(f"`{s}`" for s in action.option_strings) or f"`{action.dest}`"
    if action.choices:
        takes = " \\| ".join(f"`{c}`" for c in action.choices)
    elif action.nargs == 0:
        takes = "(a switch)"
    else:
        takes = f"`{action.metavar or action.dest.upper()}`"
        if action.nargs in ("+", "*"):
            takes += " …"
    shown = action.default not in (None, False, [], argparse.SUPPRESS)
    default = f"`{action.default}`" if shown else ""
    return f"| {name} | {takes} | {default} | {_cell(action.help or '')} |"


def shape(value: Any) -> Any:
    """The skeleton of a JSON value: objects keep their keys, a list shows one item with the keys
    of all its items, and every number, string, boolean or null becomes its type's name."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        if not value:
            return []
        if all(isinstance(item, dict) for item in value):
            merged: dict[str, Any] = {}
            for item in value:
                merged.update({k: v for k, v in shape(item).items() if k not in merged})
            return [merged, "…"]
        return [shape(value[0]), "…"]
    if value is None:
        return "null"
    return {bool: "boolean", int: "number", float: "number", str: "string"}[type(value)]


def json_output(argv: list[str]) -> Any:
    """What ``backprop ARGV`` prints on standard output, read as JSON. It must exit 0, or 3 (a
    checked answer is wrong), the two statuses that print JSON."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = main(argv)
    if status not in (0, 3):
        raise RuntimeError(f"backprop {' '.join(argv)} exited with {status}")
    return json.loads(out.getvalue())


def _json_section(argv: list[str]) -> list[str]:
    output = json_output(argv)
    command = "backprop " + " ".join(f'"{a}"' if " " in a else a for a in argv)
    return ["", f"**JSON.** `{command}` prints one object of this shape:", "",
            "```json", json.dumps(shape(output), indent=2, ensure_ascii=False), "```", "",
            "<details><summary>The whole output of that command</summary>", "",
            "```json", json.dumps(output, indent=2, ensure_ascii=False), "```", "", "</details>"]


def markdown() -> str:
    """The reference of every subcommand: usage line, arguments and options, JSON output."""
    parser = build_parser()
    summaries = _summaries(parser)
    lines = ["```text", parser.format_usage().strip(), "```"]
    for name, sub in subcommands(parser).items():
        lines += ["", f"### `backprop {name}`", "", summaries.get(name, ""), "",
                  "```text", sub.format_usage().strip(), "```", "",
                  "| argument | takes | default | what it does |", "|---|---|---|---|"]
        lines += [_argument_row(a) for a in sub._actions if not isinstance(a, argparse._HelpAction)]
        for argv in JSON_EXAMPLES.get(name, []):
            lines += _json_section(argv)
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
