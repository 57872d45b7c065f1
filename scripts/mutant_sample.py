"""Measure the share of a random sample of mutants that the tests kill.

Usage: python scripts/mutant_sample.py SEED [--size 50] [--timeout 300] [--only MODULE ...]
       python scripts/mutant_sample.py SEED --list   (the sample, without running anything)
       python scripts/mutant_sample.py 0 --at "lab/answers.py 92:43" ...   (these mutants only)

Each target module (the teaching and app code, `nn`'s compiled mode and the compiler) is parsed
with ``ast`` and every mutation point listed (a comparison swapped, < ↔ <=, == ↔ !=, in ↔ not in;
an arithmetic operator swapped, + ↔ -, * ↔ /; and ↔ or; a ``not`` removed; a number c → c + 1; a
returned value → None). SEED draws the sample. One mutant at a time is written over the module
(the whole module re-written by ``ast.unparse``), only the test files mapped to that module run
(``pytest -x -q -p no:randomly``), and the original bytes and time stamp are put back in a
``finally`` and checked with ``git diff --quiet``. A test failure kills the mutant; a run past the
timeout is counted on its own line, never as killed. Mutants read as equivalent (they cannot
change behaviour) are listed in EQUIVALENT with the reason and counted neither way. The killed
share is killed / (killed + survived).
"""

from __future__ import annotations

import argparse
import ast
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# module → the test files that import it or run the command line on it; left out: the tests
# in Chromium (test_exercise_agreement, the app's browser tests: two minutes and more a run)
_CLASS = ["test_class_assign", "test_export_gradescope", "test_export_prairielearn"]
_FIT = ["test_train_history", "test_batched_nn", "test_bench_compiled"]
TESTS = {
    "lab/answers.py": ["test_answers_files", "test_cli_check", "test_exercise_check",
                       "test_hostile_files", "test_cli_errors", "test_grading_mistakes",
                       "test_exercise_questions", "test_docs_mistakes", *_CLASS],
    "lab/grading.py": ["test_grading_mistakes", "test_grading_rounding", "test_exercise_check",
                       "test_exercise_questions", "test_docs_mistakes", "test_cli_check",
                       *_CLASS],
    "lab/mistakes.py": ["test_grading_mistakes", "test_docs_mistakes", "test_exercise_check",
                        "test_exercise_questions", *_CLASS],
    "lab/numbers.py": ["test_viz_numbers", "test_answers_files", "test_cli_check",
                       "test_exercise_check", "test_grader_js", "test_cli_trace", *_CLASS],
    "lab/precision.py": ["test_grading_mistakes", "test_grading_rounding", "test_exercise_check",
                         "test_cli_check", "test_spec_files", *_CLASS],
    "viz/app/training.py": ["test_app_training", "test_app_api", "test_app_hostile"],
    "viz/app/server.py": ["test_app_api", "test_app_hostile", "test_app_training",
                          "test_graphviz_check"],
    "viz/app/fields.py": ["test_app_api", "test_app_hostile", "test_app_training"],
    "nn/compiled.py": ["test_compile", "test_fit_compiled", "test_train", *_FIT],
    "autograd_core/compile.py": ["test_compile", "test_fit_compiled", "test_train", *_FIT],
}
# (module, code, mutation) → why the mutant cannot change behaviour; ``code`` is a piece of its
# line that covers the mutant's column, so that an entry follows its code when lines move
EQUIVALENT: dict[tuple[str, str, str], str] = {
    ("lab/numbers.py", 't.count(",") == 1 and', "and → or"): "the comma becomes a point also "
    "when the text has a point or several commas; either way it then has two points or more, "
    "which PATTERN refuses as it refuses the commas: the same message",
    **dict.fromkeys([("nn/compiled.py", "k + 1}", "+ → -"), ("nn/compiled.py", '1}")', "1 → 2")],
                    "the recorded inputs' labels are shown nowhere: the program is fit's own, and "
                    "its errors name ops and examples, never an input"),
    ("lab/grading.py", "return False", "return value → None"): "the value returned is False, "
    "and its one caller reads it as `not _trivial(…)`: None reads the same",
    ("nn/compiled.py", "r < n:", "cmp0: < → <="): "with r = n the recorded loss has just "
    "checked every target on the real predictions; a second call on stand-ins of the same shape "
    "checks the same targets again and its result is thrown away",
    ("nn/compiled.py", "0.5)) for _ in outputs", "0.5 → 1.5"): "the stand-in predictions meet "
    "only the loss's checks of its targets: the two losses that also check a predicted "
    "probability's range (binary cross-entropy, KL divergence) record every example and never "
    "reach this line",
    ("nn/compiled.py", "1, 0.5))  # inside the domain", "1 → 2"): "the probe's number of "
    "entries does not change which op of the rule table an activation adds: on one example or "
    "two, the same op with the same parameters",
    ("lab/mistakes.py", "i is not None and sheet.worked[k].expr", "and → or"): "every unit's "
    "output has its net input in the sheet, so i is never None; where o = i (a linear unit) "
    "putting i for o gives the right value itself, which the grader never names as a mistake",
    ("lab/answers.py", "len(cells) > 2 and not cells[-1]", "cmp0: > → >="): "a row of a name "
    "and one empty cell (\"o6,\") and the name alone (\"o6\") are read alike: a blank answer",
    ("lab/mistakes.py", "isinstance(i.expr, Op) and i.expr.op ==", "and → or"): "an assertion of "
    "an invariant that holds (a net input is a linear node): weakened, it still passes",
    ("autograd_core/compile.py", "maxlen=0)", "0 → 1"): "the deque only drives the map and is "
    "thrown away: keeping its last item instead of none changes nothing",
    ("viz/app/training.py", "time.monotonic() < end", "cmp0: < → <="): "the clock read equal "
    "to the end of the update's time to the last digit is a moment no caller can aim at; "
    "either way one more step or none, then the update",
    ("viz/app/training.py", "done += 1", "1 → 2"): "done is read only as done == 0 (no "
    "update yet): counting by twos, it is as far from 0 after the first update",
    ("autograd_core/compile.py", "set(map(type, self.params)) <= {Value}", "cmp0: <= → <"):
    "the check at C speed only lets plain leaf Values skip the loop; with < every list goes "
    "through the loop, which finds the same parameters wrong (none of plain leaf Values)",
    ("autograd_core/compile.py", "len(block) == units * n_in", "* → /"): "the check by "
    "identity only spares a look-up per weight: failing, the look-ups give the same rows",
    ("viz/app/training.py", "np.maximum(hi - lo, 1e-9)", "1e-09 → 1.000000001"): "the guard "
    "against a data set of no width: every data set the page offers spreads its points over "
    "both axes (random draws), so hi − lo is never below either bound",
    ("lab/answers.py", "line or 0", "0 → 1"): "a fallback never taken: every key TOML reads is "
    "found on its line (`_key_lines`; a property test in test_answers_files writes keys "
    "quoted, literal and bare, with quotes, escapes and line separators of other kinds), so "
    "line is never None here",
    ("lab/precision.py", "0.5 * 10.0 ** -n, 0.0", "0.0 → 1.0"): "the relative part r·|x| of "
    "the band: for 0 it is 0 whatever r is, and a right value that is not finite matches no "
    "answer (`matches`; on the page its interval is NaN or unbounded on one side either way)",
    ("lab/answers.py", "m.groups()[:3]", "3 → 4"): "the pattern's alternation sets exactly one "
    "of its first three groups, so the fourth is never reached",
    ("viz/app/server.py", "time.monotonic() > end:", "cmp0: > → >="): "the clock read equal to "
    "the stream's end to the last digit is a moment no request can aim at; either way the "
    "stream ends after the next update",
}


SWAPS: dict[type, type] = {
    ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq, ast.In: ast.NotIn, ast.NotIn: ast.In, ast.Is: ast.IsNot,
    ast.IsNot: ast.Is, ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult,
    ast.And: ast.Or, ast.Or: ast.And,
}
SYMBOL = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!=",
          ast.In: "in", ast.NotIn: "not in", ast.Is: "is", ast.IsNot: "is not", ast.Add: "+",
          ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.And: "and", ast.Or: "or"}


@dataclass(frozen=True)
class Mutant:
    """The ``index``-th mutation point of ``module`` (in ``ast.walk`` order), at ``line:col``."""

    module: str
    index: int
    line: int
    col: int
    what: str


def equivalence(m: Mutant, line: str) -> str:
    """Why mutant ``m`` (on source line ``line``) cannot change behaviour, or '' if EQUIVALENT
    does not list it: an entry's code is a piece of the line that covers the mutant's column."""
    def covers(code: str) -> bool:
        starts = [k for k in range(len(line)) if line.startswith(code, k)]
        return any(k <= m.col < k + len(code) for k in starts)

    return next((reason for (module, code, what), reason in EQUIVALENT.items()
                 if (module, what) == (m.module, m.what) and covers(code)), "")


def _points(tree: ast.AST) -> Iterator[tuple[ast.AST, tuple[int, int], str]]:
    """(node, (line, column), description) for every mutation point, in a fixed order."""
    docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                  if isinstance(n, (ast.Module, ast.FunctionDef, ast.ClassDef)) and n.body
                  and isinstance(n.body[0], ast.Expr)}
    for node in ast.walk(tree):
        line = getattr(node, "lineno", 0), getattr(node, "col_offset", 0)
        if isinstance(node, ast.Compare):
            for k, op in enumerate(node.ops):
                if type(op) in SWAPS:
                    yield node, line, f"cmp{k}: {SYMBOL[type(op)]} → {SYMBOL[SWAPS[type(op)]]}"
        elif isinstance(node, (ast.BinOp, ast.BoolOp)) and type(node.op) in SWAPS:
            yield node, line, f"{SYMBOL[type(node.op)]} → {SYMBOL[SWAPS[type(node.op)]]}"
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            yield node, line, "not removed"
        elif (isinstance(node, ast.Constant) and type(node.value) in (int, float)
              and id(node) not in docstrings):
            yield node, line, f"{node.value!r} → {node.value + 1!r}"
        elif isinstance(node, ast.Return) and node.value is not None and not (
                isinstance(node.value, ast.Constant) and node.value.value is None):
            yield node, line, "return value → None"


def _mutate(node: ast.AST, what: str) -> ast.AST | None:
    """Change ``node`` in place; a node to put in its parent's place instead (``not`` removed)."""
    if isinstance(node, ast.Compare):
        k = int(what[3:what.index(":")])
        node.ops[k] = SWAPS[type(node.ops[k])]()
    elif isinstance(node, (ast.BinOp, ast.BoolOp)):
        node.op = SWAPS[type(node.op)]()
    elif isinstance(node, ast.UnaryOp):
        return node.operand
    elif isinstance(node, ast.Constant):
        node.value += 1
    elif isinstance(node, ast.Return):
        node.value = ast.Constant(None)
    return None


def mutants(module: str) -> list[Mutant]:
    """Every mutation point of ``module`` (a path relative to the repository)."""
    tree = ast.parse((ROOT / module).read_text(encoding="utf-8"))
    return [Mutant(module, i, *at, what) for i, (_, at, what) in enumerate(_points(tree))]


def mutated_source(m: Mutant) -> str:
    """The module's source with mutant ``m`` applied."""
    tree = ast.parse((ROOT / m.module).read_text(encoding="utf-8"))
    target = list(_points(tree))[m.index][0]
    replacement = _mutate(target, m.what)
    if replacement is not None:  # put the operand where the `not` expression was
        for parent in ast.walk(tree):
            for field, value in ast.iter_fields(parent):
                if value is target:
                    setattr(parent, field, replacement)
                elif isinstance(value, list):
                    value[:] = [replacement if v is target else v for v in value]
    return ast.unparse(ast.fix_missing_locations(tree))


def _clean(module: str) -> bool:
    return subprocess.run(["git", "diff", "--quiet", "--", module], cwd=ROOT).returncode == 0


def run(m: Mutant, timeout: float) -> str:
    """'killed', 'survived' or 'timeout': the mapped tests run against mutant ``m``."""
    path = ROOT / m.module
    original, stat = path.read_bytes(), path.stat()
    tests = [f"tests/{t}.py" for t in TESTS[m.module]]
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    try:
        path.write_text(mutated_source(m), encoding="utf-8")
        try:
            done = subprocess.run([sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:randomly",
                                   "-p", "no:cacheprovider", *tests], cwd=ROOT, env=env,
                                  capture_output=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return "timeout"
        return "survived" if done.returncode == 0 else "killed"
    finally:
        path.write_bytes(original)
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        if not _clean(m.module):
            sys.exit(f"{m.module} differs from git after restoring it: stopped")


def main(argv: list[str] | None = None) -> int:
    """Draw the sample, run it, print one line per mutant and the killed share."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("seed", type=int)
    parser.add_argument("--size", type=int, default=50)
    parser.add_argument("--timeout", type=float, default=300.0)
    parser.add_argument("--only", nargs="+", choices=sorted(TESTS), help="modules to sample")
    parser.add_argument("--list", action="store_true", help="print the sample, run nothing")
    parser.add_argument("--at", nargs="+", default=[],
                        help='run the mutants at these places ("module line:col"), no sample')
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped"))  # still restores the module
    modules = args.only or sorted(TESTS)
    dirty = [m for m in modules if not _clean(m)]
    if dirty:
        print(f"uncommitted changes in {', '.join(dirty)}: commit them first", file=sys.stderr)
        return 2
    everything = [m for module in modules for m in mutants(module)]
    if args.at:
        sample = [m for m in everything if f"{m.module} {m.line}:{m.col}" in args.at]
    else:
        sample = random.Random(args.seed).sample(everything, min(args.size, len(everything)))
    sample.sort(key=lambda m: (m.module, m.line, m.index))
    drawn = "chosen by --at" if args.at else f"drawn with seed {args.seed}"
    print(f"{len(sample)} of {len(everything)} mutants in {len(modules)} modules, {drawn}")
    counts = {"killed": 0, "survived": 0, "timeout": 0, "equivalent": 0}
    lines = {module: (ROOT / module).read_text(encoding="utf-8").splitlines() for module in modules}
    for m in sample:
        where = f"{m.module} {m.line}:{m.col} {m.what}"
        reason = equivalence(m, lines[m.module][m.line - 1])
        start = time.monotonic()
        run_it = not (reason or args.list)
        verdict = "equivalent" if reason else run(m, args.timeout) if run_it else "listed"
        counts[verdict] = counts.get(verdict, 0) + 1
        note = f"  ({reason})" if reason else f"  {time.monotonic() - start:.0f} s" * run_it
        print(f"{where:60} {verdict}{note}", flush=True)
    judged = counts["killed"] + counts["survived"]
    share = f"{counts['killed'] / judged:.0%}" if judged else "n/a"
    print(f"killed {counts['killed']} of {judged} ({share}); timeouts {counts['timeout']}, "
          f"equivalent {counts['equivalent']} (counted neither way)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
