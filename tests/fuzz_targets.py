"""Fuzz targets for hostile input, run by tests/test_fuzz.py in a child process under a memory
limit: ``python tests/fuzz_targets.py NAME [EXAMPLES]`` exits 0 when every example keeps the
contract, else prints the falsifying example and exits 1.

The contract for any input: the library raises only ValueError/TypeError (a clear refusal), the
command line exits 0, 1, 2 or 3 with no traceback and a short standard error, and each example
takes at most a few seconds and a bounded amount of memory.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
import tempfile
import tomllib
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lab
import nn
from autograd_core import parse, trace
from lab import answers, spec
from lab import grading as exercise
from lab.examples import worked_example
from viz.cli import main
from viz.graph import draw_graph

PEAK_BYTES = 300_000_000  # per example, as traced by tracemalloc (numpy's arrays included)
STDERR_BYTES = 4096

NAMES = ["x", "y", "x1", "text", "µ", "μ", "__x", "ln", "foo"]
FUNCTIONS = ["exp", "ln", "log", "sqrt", "sin", "cos", "tanh", "sigmoid", "relu", "softplus",
             "abs", "leaky_relu", "elu", "foo", "__import__", "getattr"]
NUMBERS = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.integers(-(10**400), 10**400).map(str),
    st.sampled_from(["1e999", "0", "0.0", "1e-200", "5e-324", "1e308", "2"]),
)
OPERATORS = ["+", "-", "*", "/", "**", "^", "//", "%", "@", "<", " and ", ","]


def _formulas() -> st.SearchStrategy[str]:
    leaf = st.one_of(st.sampled_from(NAMES), NUMBERS)
    grown = st.recursive(leaf, lambda e: st.one_of(
        st.tuples(e, st.sampled_from(OPERATORS), e).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        st.tuples(e, st.sampled_from(OPERATORS), e).map(lambda t: f"{t[0]}{t[1]}{t[2]}"),
        st.tuples(st.sampled_from(FUNCTIONS), e).map(lambda t: f"{t[0]}({t[1]})"),
        st.tuples(st.sampled_from(["leaky_relu", "elu"]), e, NUMBERS).map(
            lambda t: f"{t[0]}({t[1]}, alpha={t[2]})"),
        e.map(lambda s: f"-{s}"),
    ), max_leaves=40)
    deep = st.one_of(
        st.integers(1, 12_000).map(lambda n: "-" * n + "x"),
        st.integers(1, 4_000).map(lambda n: "+".join(["x"] * n)),
        st.integers(1, 4_000).map(lambda n: "**".join(["x"] * n)),
        st.integers(1, 300).map(lambda n: "(" * n + "x" + ")" * n),
    )
    noise = st.text(alphabet="xyµ0123456789+-*/().,e ^_=[]{}'\"\\\n\t\x00é", max_size=200)
    return st.one_of(grown, deep, noise)


VALUES = st.dictionaries(
    st.sampled_from(NAMES),
    st.one_of(st.floats(), st.integers(-(10**400), 10**400), st.just("a"), st.just(True)),
    max_size=4)


def _bounded(run: Callable[[], object]) -> object:
    """``run()`` within PEAK_BYTES of traced memory (AssertionError otherwise): bounded work
    shows as bounded memory, which a busy machine does not change as it changes time."""
    tracemalloc.start()
    try:
        result = run()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < PEAK_BYTES, f"allocated {peak / 1e6:.0f} MB"
    return result


def _refusal(run: Callable[[], object]) -> object:
    """``run()``'s result, or None when it refused with a ValueError/TypeError of a short
    message; any other exception propagates (a failure of the contract)."""
    try:
        return run()
    except (ValueError, TypeError) as e:
        assert len(str(e)) < STDERR_BYTES, f"a message of {len(str(e)):,} characters"
        return None


FUZZ = settings(deadline=None, database=None, print_blob=True,
                suppress_health_check=list(HealthCheck))


def formula(examples: int) -> None:
    """parse → trace → the graph's DOT text, for grown, deeply nested and noisy formulas."""
    @settings(FUZZ, max_examples=examples)
    @given(text=_formulas(), values=VALUES)
    def check(text: str, values: dict) -> None:
        def run() -> None:
            parsed = _refusal(lambda: parse(text, **values))
            if parsed is None:
                return
            output, inputs = parsed
            t = _refusal(lambda: trace(output, inputs=list(inputs.values())))
            if t is not None:
                json.dumps(t.to_dict())
                t.to_text()
                _refusal(lambda: draw_graph(output, mode="both").source)
        _bounded(run)
    check()


def _json_values() -> st.SearchStrategy[object]:
    return st.recursive(
        st.one_of(st.none(), st.booleans(), st.integers(-(10**500), 10**500), st.floats(),
                  st.text(max_size=12)),
        lambda c: st.one_of(st.lists(c, max_size=5), st.dictionaries(st.text(max_size=6), c,
                                                                      max_size=5)),
        max_leaves=20)


def _model_texts() -> st.SearchStrategy[str]:
    good = json.loads(_saved_model_text())
    paths = [("config", "n_in"), ("config", "sizes"), ("config", "activation"), ("state", "w14"),
             ("state",), ("config",), ("kind",), ("version",), ("format",),
             ("config", "sizes", 0), ("state", "junk")]

    def replace(choice: tuple[tuple, object]) -> str:
        path, value = choice
        data = json.loads(json.dumps(good))
        place = data
        for key in path[:-1]:
            place = place[key]
        place[path[-1]] = value
        return json.dumps(data)

    big_sizes = st.lists(st.integers(-5, 10**12), min_size=0, max_size=6)
    replaced = st.tuples(st.sampled_from(paths), st.one_of(_json_values(), big_sizes)).map(replace)
    text = json.dumps(good)
    truncated = st.integers(0, len(text)).map(lambda k: text[:k])
    nested = st.integers(1, 200_000).map(lambda n: "[" * n + "]" * n)
    many_keys = st.integers(0, 200_000).map(
        lambda n: json.dumps({**good, "state": {**good["state"],
                                                **{f"k{i}": 0.0 for i in range(n)}}}))
    return st.one_of(replaced, truncated, nested, many_keys, st.text(max_size=300))


def _saved_model_text() -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "m.json"
        worked_example().save(path)
        return path.read_text()


def model_file(examples: int) -> None:
    """nn.load and `backprop draw FILE` on mutated, truncated and oversized model files."""
    @settings(FUZZ, max_examples=examples)
    @given(text=_model_texts())
    def check(text: str) -> None:
        path = Path("fuzzed.json")
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        _bounded(lambda: _refusal(lambda: nn.load(path)))
        _bounded(lambda: _cli(["draw", str(path)]))
    check()


def _spec_texts() -> st.SearchStrategy[tuple[str, str]]:
    """(text, "toml" or "json"): the lecture's spec with a value replaced, lines of its TOML
    changed, or noise."""
    lines = spec.lecture_text().splitlines()
    good = tomllib.loads(spec.lecture_text())
    keys = [*spec.KEYS, "weights.w14", "examples.0.x", "examples.0.t", "examples.1"]

    def replace(choice: tuple[str, object]) -> tuple[str, str]:
        key, value = choice
        data = json.loads(json.dumps(good))
        *path, last = [int(k) if k.isdigit() else k for k in key.split(".")]
        place = data
        for k in path:
            place = place[k]
        if isinstance(place, list) and last >= len(place):
            place.append(value)
        else:
            place[last] = value
        return json.dumps(data), "json"

    def edit(choice: tuple[int, str]) -> tuple[str, str]:
        k, text = choice
        changed = list(lines)
        changed[k % len(lines)] = changed[k % len(lines)].split("=")[0] + "= " + text
        return "\n".join(changed), "toml"

    sizes = st.lists(st.integers(-3, 10**9), max_size=4)
    values = st.one_of(_json_values(), sizes, st.integers(-3, 10**6))
    toml_values = st.one_of(st.sampled_from(["[1000000, 1000000]", "1e999", "nan", "inf", "-1",
                                             "[", "\"relu\"", "10000", "[[1]]", "0"]),
                            st.text(max_size=20))
    return st.one_of(st.tuples(st.sampled_from(keys), values).map(replace),
                     st.tuples(st.integers(0, 10**6), toml_values).map(edit),
                     st.tuples(st.text(max_size=300), st.sampled_from(["toml", "json"])))


def spec_file(examples: int) -> None:
    """lab.spec.loads, lab.step and `backprop step FILE` on changed and broken spec files."""
    @settings(FUZZ, max_examples=examples)
    @given(case=_spec_texts())
    def check(case: tuple[str, str]) -> None:
        text, fmt = case

        def run() -> None:
            checked = _refusal(lambda: spec.loads(text, fmt))
            if checked is not None:
                _refusal(lambda: lab.step(checked).to_dict())
        _bounded(run)
        path = Path(f"fuzzed.{fmt}")
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        _bounded(lambda: _cli(["step", str(path), "--json"]))
    check()


QUANTITIES = ["i4", "o4", "i5", "o5", "i6", "o6", "E", "delta6", "delta4", "grad_w46", "new_w46",
              "grad_w14@2", "w14", "o6@0", "", "x", "δ6", "∂E/∂w46"]


def _answers_texts() -> st.SearchStrategy[tuple[str, str]]:
    """(text, "csv" or "toml"): rows of quantities and values, hostile ones mixed in."""
    value = st.one_of(NUMBERS, st.sampled_from(["nan", "inf", "-0", "1,5", "0.332", "3/4", ""]),
                      st.text(max_size=8))
    row = st.tuples(st.one_of(st.sampled_from(QUANTITIES), st.text(max_size=8)), value)
    csv = st.lists(row, max_size=30).map(
        lambda rows: "quantity,value\n" + "\n".join(f"{q},{v}" for q, v in rows))
    toml = st.lists(row, max_size=30).map(lambda rows: "\n".join(f"{q} = {v}" for q, v in rows))
    many = st.integers(0, 20_000).map(lambda n: "quantity,value\n" + "o6,0.4\n" * n)
    return st.one_of(st.tuples(csv, st.just("csv")), st.tuples(toml, st.just("toml")),
                     st.tuples(many, st.just("csv")),
                     st.tuples(st.text(max_size=300), st.sampled_from(["csv", "toml"])))


def answers_file(examples: int) -> None:
    """lab.answers.parse, the checker and `backprop check SPEC FILE` on hostile answers."""
    run = lab.step(spec.lecture())
    Path("spec.toml").write_text(spec.lecture_text(), encoding="utf-8")

    @settings(FUZZ, max_examples=examples)
    @given(case=_answers_texts())
    def check(case: tuple[str, str]) -> None:
        text, fmt = case

        def run_check() -> None:
            given_answers = _refusal(lambda: answers.parse(text, run, fmt))
            if given_answers is not None:
                _refusal(lambda: exercise.check(run, given_answers).to_dict())
        _bounded(run_check)
        path = Path(f"answers.{fmt}")
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        _bounded(lambda: _cli(["check", "spec.toml", str(path)]))
    check()


TOKENS = ["trace", "worked-example", "draw", "step", "--example-spec", "spec.toml", "--at", "x=1",
          "x=nan", "x=1e-200", "x=1e400",
          "µ=1", "text=2", "y=", "=3", "--json", "--svg", "a.svg", "--png", "a.png", "--html",
          "a.html", "--dot", "a.dot", "", "out/", "/dev/null", "--view", "backward", "network",
          "forward", "both", "--digits", "-1", "40", "3", "--sizes", "0", "1000", "60",
          "--activation", "bogus", "relu", "--seed", "-5", "--lr", "nan", "0.5", "1e308",
          "--loss", "half-squared", "1/x", "x**x", "-x", "--", "ln(x)", "x*x+sin(x)",
          "model.json", "/dev/zero", "-h", "µ*2", "x" * 50]


def _cli(argv: list[str]) -> None:
    """`backprop ARGV` in this process: exit 0–3, no traceback, a short standard error."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = main(argv)
        except SystemExit as e:  # argparse: --help, or a mistake in the arguments
            status = e.code
    said = err.getvalue()
    assert status in (0, 1, 2, 3), f"exit status {status!r}: {said[-500:]}"
    assert "Traceback" not in said and "internal error" not in said, said[-2000:]
    assert "out of memory" not in said, said
    assert len(said.encode()) < STDERR_BYTES, f"{len(said):,} characters on stderr"


def _commands() -> st.SearchStrategy[list[str]]:
    """Well-formed command lines with hostile values: what gets past argparse to our code."""
    flags = st.lists(st.sampled_from(["--json", "--svg", "a.svg", "--png", "a.png", "--html",
                                      "a.html", "--view", "backward", "both", "forward",
                                      "--digits", "17", "0", "--lr", "1e308", "-0.5", "nan"]),
                     max_size=4)
    pair = st.tuples(st.sampled_from(NAMES), st.one_of(NUMBERS, st.sampled_from(
        ["nan", "inf", "-1e-200", "", "a"]))).map("=".join)
    small = st.recursive(st.one_of(st.sampled_from(NAMES), NUMBERS), lambda e: st.one_of(
        st.tuples(e, st.sampled_from(OPERATORS[:5]), e).map(lambda t: f"({t[0]}{t[1]}{t[2]})"),
        st.tuples(st.sampled_from(FUNCTIONS), e).map(lambda t: f"{t[0]}({t[1]})")),
        max_leaves=12)
    formula = st.one_of(small, _formulas())
    trace_lines = st.tuples(formula, st.lists(pair, max_size=4), flags).map(
        lambda t: ["trace", *(["--at", *t[1]] if t[1] else []), *t[2], "--", t[0]])
    sizes = st.lists(st.integers(-1, 5_000).map(str), min_size=1, max_size=5)
    draw_lines = st.tuples(sizes, st.sampled_from(["relu", "tanh", "sigmoid"]), flags).map(
        lambda t: ["draw", "--sizes", *t[0], "--activation", t[1],
                   *[f for f in t[2] if f not in ("--html", "a.html", "--view")]])
    worked = flags.map(lambda f: ["worked-example", *f])
    return st.one_of(trace_lines, draw_lines, worked)


def cli_arguments(examples: int) -> None:
    """`backprop` with argument lists made of its own words, hostile values and noise."""
    worked_example().save("model.json")
    Path("spec.toml").write_text(spec.lecture_text(), encoding="utf-8")

    @settings(FUZZ, max_examples=examples)
    @given(argv=st.one_of(_commands(), st.lists(st.one_of(st.sampled_from(TOKENS),
                                                          st.text(max_size=12)), max_size=9)))
    def check(argv: list[str]) -> None:
        _bounded(lambda: _cli(argv))
    check()


TARGETS = {"formula": formula, "model_file": model_file, "spec_file": spec_file,
           "answers_file": answers_file, "cli_arguments": cli_arguments}

if __name__ == "__main__":
    name, examples = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 100
    with tempfile.TemporaryDirectory(prefix="backprop-fuzz-") as scratch:
        os.chdir(scratch)  # the files a command writes land here and go with it
        TARGETS[name](examples)
