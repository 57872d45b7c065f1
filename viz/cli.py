"""The ``backprop`` command line: ``backprop trace``, ``backprop worked-example``,
``backprop step``, ``backprop check``, ``backprop assign``, ``backprop grade``,
``backprop draw``, ``backprop serve``.

Every error reaches one place, `error_message`, which turns it into one message on standard error
and the exit status: 0 done; 1 a failure around the input (an unwritable path, ``dot`` missing or
failing); 2 bad usage or input (a bad formula, spec or answers file, a file too large), never a
traceback; 3 from ``backprop check`` when a checked number is wrong or carried forward.
``--json`` prints one JSON object on standard output and nothing else there; the "wrote FILE"
lines always go to standard error.
"""

from __future__ import annotations

import argparse
import functools
import json
import math
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from autograd_core import (
    RULES,
    AnomalyError,
    GradcheckError,
    parse,
    topological_order,
    trace,
)
from lab import answers, spec, step
from lab.examples import WORKED_LOSSES, worked_example_step
from lab.gradebook import unmatched
from lab.grading import Report, check
from lab.numbers import assignments
from lab.stepping import StepRecord, StepRun
from nn import ACTIVATIONS, MLP, load
from nn._files import MissingFileError
from nn.limits import check_sizes
from viz.assign import assign, grade
from viz.class_pages import hand_in_page
from viz.drawing import (
    DEFAULT_DIGITS,
    DotFailedError,
    DotNotFoundError,
    Drawing,
    check_digits,
    graphviz_missing,
    writable_path,
)
from viz.graph import draw_graph
from viz.network import DEFAULT_MAX_UNITS, check_unit_count, draw_network
from viz.plain_json import finite_or_null
from viz.stepper_html import check_frame_count, expected_frames, export_html
from viz.steps import Steps, steps
from viz.tables import Table, parameter_table, worked_example_tables

MAX_PROBLEMS_SHOWN = 10  # lines of an answers file reported on stderr; --json has all


class UsageError(Exception):
    """A user's mistake: reported in one line, exit status 2."""


class WrongAnswers(Exception):  # noqa: N818 (an outcome, not a failure of the program)
    """``backprop check`` found a number wrong or carried forward: exit status 3."""


WRONG_ANSWERS = 3
MAX_MESSAGE = 1000  # characters of an error message shown: a message never floods a terminal


def error_message(error: BaseException) -> tuple[str | None, int]:
    """The message to print for ``error`` (None: print nothing) and the exit status: 2 for a
    mistake in what was typed or given (bad values, a bad file, a formula nested too deeply),
    1 for a failure around it (a file system refusal, ``dot`` missing or failing, memory), quietly
    1 for a reader that went away (``| head``), quietly 3 for wrong answers. Anything else is a
    bug: one line asking to report it, status 1."""
    if isinstance(error, BrokenPipeError):
        return None, 1
    if isinstance(error, WrongAnswers):  # the report is printed already
        return None, WRONG_ANSWERS
    if isinstance(error, UsageError | ValueError | TypeError | AnomalyError | GradcheckError
                  | MissingFileError):
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


def _json_text(obj: object) -> str:
    """One strict JSON object: a NaN or infinite number becomes null (JSON has no such numbers),
    with a note on standard error."""
    cleaned, replaced = finite_or_null(obj)
    text = json.dumps(cleaned, ensure_ascii=False, allow_nan=False)
    if replaced:
        print("backprop: note: NaN or infinite numbers are written as null", file=sys.stderr)
    return text


def _report(args: argparse.Namespace, to_json: Callable[[], object], to_text: Callable[[], str],
            picture: Callable[[], Drawing], stepper: Callable[[], Steps]) -> None:
    """What every subcommand prints: the pictures asked for (made first, so that one too large
    is refused before other work; each "wrote …" line on standard error), then the JSON, or the
    text when neither was asked for."""
    if args.exercise and not args.html:
        raise UsageError("--exercise makes an exercise page: give it with --html FILE")
    made = _make_pictures(args, picture, stepper)
    if args.json:
        data = to_json()
        if args.digits is not None:  # asked for: the JSON's numbers as the tables round them
            data = _rounded(data, check_digits(args.digits))
        shown = _json_text(data)
    else:
        shown = to_text()  # also beside pictures: the "wrote FILE" lines go to standard error
    _write(made)
    print(shown)


def _rounded(data: object, digits: int) -> object:
    """Every float in ``data`` with ``digits`` decimals but at least ``digits`` significant
    figures (as `drawing.number` shows it: 0.332, −0.00044, 10.693)."""
    if isinstance(data, float) and math.isfinite(data) and data != 0:
        return round(data, max(digits, digits - 1 - math.floor(math.log10(abs(data)))))
    if isinstance(data, dict):
        return {k: _rounded(v, digits) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [_rounded(v, digits) for v in data]
    return data


def cmd_trace(args: argparse.Namespace) -> None:
    """Primal and adjoint traces of a formula, and the gradient of each input."""
    if args.digits is not None:  # the same range, and message, as every other command's
        check_digits(args.digits)
    output, inputs = parse(args.expr, **assignments(args.at))
    overflow = next((v for v in topological_order(output) if not math.isfinite(v.data)), None)
    if overflow is not None:
        at = ", ".join(f"{k} = {v.data:g}" for k, v in inputs.items())
        raise ValueError(f"the formula overflows at {at}: {RULES[overflow.op].formula} gives "
                         f"{overflow.data} (a float holds at most about 1.8e308); try smaller "
                         "inputs")
    if _picture_paths(args):
        output.backward()  # the backward picture shows the adjoints
    digits = DEFAULT_DIGITS if args.digits is None else args.digits
    traced = functools.cache(lambda: trace(output, inputs=list(inputs.values()),
                                           digits=digits))
    _report(args, lambda: traced().to_dict(), lambda: traced().to_text(),
            lambda: draw_graph(output, mode=args.view, digits=digits),
            lambda: steps(output, digits=digits, exercise=args.exercise))


def _tables_text(record: StepRecord, digits: int | None) -> str:
    tables = worked_example_tables(record, *([] if digits is None else [digits]))
    return "\n\n".join(t.to_text() for t in tables)


def _network_digits(args: argparse.Namespace) -> tuple[int | None, int]:
    """--digits for the text tables (None: their own 4) and for the pictures and page (3)."""
    if args.digits is None:
        return None, DEFAULT_DIGITS
    return check_digits(args.digits), args.digits


def cmd_worked_example(args: argparse.Namespace) -> None:
    """The slide's 3-2-1 network: one forward pass, backward pass and update, as tables (the
    lecture's spec file, run by the same code as ``backprop step``)."""
    tables, digits = _network_digits(args)
    record = worked_example_step(loss=args.loss, lr=args.lr)
    _report(args, record.to_dict, lambda: _tables_text(record, tables),
            lambda: _record_view(record, args.view, digits),
            lambda: steps(record, digits=digits, exercise=args.exercise))


def cmd_step(args: argparse.Namespace) -> None:
    """Every update of a network described in a spec file: the tables of each, then the final
    parameters."""
    if args.example_spec:
        print(spec.lecture_text(), end="")
        return
    if args.spec is None:
        raise UsageError("give a spec file (TOML or JSON); `backprop step --example-spec` prints "
                         "one to start from")
    tables, digits = _network_digits(args)
    loaded = spec.load(args.spec)
    if getattr(args, "html", None):  # a page too large is refused from the spec's sizes alone
        check_frame_count(expected_frames(loaded))
    run = step(loaded)
    if args.solution:
        from viz.solution_sheet import write_solution

        print(f"wrote {write_solution(run, args.solution)}", file=sys.stderr)
        if not (args.json or args.hand_in or _picture_paths(args)):
            return
    if args.hand_in:
        _hand_in(args, run)
        return

    def text() -> str:
        blocks = [f"Step {r.step} (epoch {r.epoch}, "
                  + (f"example {r.example})" if r.example is not None else "all examples)")
                  + "\n\n" + _tables_text(r, tables) for r in run]
        return "\n\n\n".join([*blocks, parameter_table(run.final).to_text()])

    _report(args, run.to_dict, text, lambda: _record_view(run[-1], args.view, digits),
            lambda: steps(run, digits=digits, exercise=args.exercise))


def _hand_in(args: argparse.Namespace, run: StepRun) -> None:
    """``step SPEC --html F --exercise --hand-in``: the hand-in page (no right answers in it)."""
    if not (args.exercise and args.html):
        raise UsageError("--hand-in makes a hand-in exercise page: give it with --html FILE "
                         "--exercise")
    student = args.student or Path(args.spec).stem
    page = hand_in_page(run, student=student, assignment=run.spec.title or Path(args.spec).stem)
    path = writable_path(_picture_paths(args)["html"])
    path.write_text(page, encoding="utf-8")
    print(f"wrote {path}", file=sys.stderr)


def cmd_assign(args: argparse.Namespace) -> None:
    """A class assignment: from a template (a spec with ranges) and a roster, every student's
    spec, hand-in page and worksheet, the key and an answers template."""
    ids = assign(args.template, args.roster, args.out, pdf=args.pdf,
                 note=lambda line: print(line, file=sys.stderr), solutions=args.solutions)
    students = f"{len(ids)} student" + ("" if len(ids) == 1 else "s")
    print(f"wrote the files of {students}, key.csv and answers-template.csv to {args.out}",
          file=sys.stderr)


def cmd_grade(args: argparse.Namespace) -> None:
    """Every student's submission graded against their own network: a gradebook (CSV) and,
    with --feedback, one page per student. A bad or missing file is a row with its error."""
    graded = grade(args.dir, args.submissions, args.out, args.feedback)
    errors = sum(bool(g.row["error"]) for g in graded)
    print(f"wrote {args.out}: {len(graded)} students, {len(graded) - errors} graded, "
          f"{errors} with an error", file=sys.stderr)
    shown, count = unmatched(Path(args.submissions), [g.student for g in graded],
                             MAX_PROBLEMS_SHOWN)
    if shown:  # a submission saved under another name is otherwise a silent "no file"
        more = f", and {count - len(shown)} more" if count > len(shown) else ""
        print(f"not graded, named after no student of the roster (<id>.csv or <id>.toml): "
              f"{', '.join(shown)}{more}", file=sys.stderr)


def cmd_check(args: argparse.Namespace) -> None:
    """A student's hand calculation (an answers file) checked against a spec's updates: each
    number right, wrong or carried forward, with the likely mistake."""
    run = step(spec.load(args.spec))
    if args.template:
        print(answers.template(run), end="")
        return
    if args.answers is None:
        raise UsageError("check needs an answers file (or --template to print one to fill in)")
    given = answers.read(args.answers, run)
    for problem in given.problems[:MAX_PROBLEMS_SHOWN]:  # the other lines are still checked
        print(f"{args.answers}, {problem}", file=sys.stderr)
    if len(given.problems) > MAX_PROBLEMS_SHOWN:
        print(f"{args.answers}: {len(given.problems) - MAX_PROBLEMS_SHOWN} more lines could not "
              "be read (--json lists every one)", file=sys.stderr)
    report = check(run, given)
    if args.json:
        print(_json_text({**report.to_dict(), "problems": given.problems,
                          "precision": run.spec.precision.describe()}))
    else:
        print(check_table(report).to_text())
        notes = [f"{i.quantity}: {i.explanation}" for i in report.items if i.explanation]
        print("\n" + "\n".join([*notes, report.summary()]))
    if not report.all_right or given.problems:
        raise WrongAnswers


def check_table(report: Report) -> Table:
    """The checked numbers as a table: quantity, yours, right, verdict, why (the mistake's id;
    the explanations follow the table)."""
    why = {"right": "", "carried-forward": "your earlier numbers", "wrong": "see below",
           "blank": "", "unreadable": "see below"}
    return Table("Your answers", ("quantity", "yours", "right", "verdict", "why"),
                 [(i.quantity, "" if i.given is None else f"{i.given:g}", f"{i.expected:.4g}",
                   i.verdict, i.mistake or why[i.verdict]) for i in report.items])


def _record_view(record: StepRecord, view: str, digits: int) -> Drawing:
    """The picture of an update: the network (weights old → new) or its loss graph."""
    if view == "network":
        first = record.passes[0]
        one = len(record.passes) == 1  # E and the gradients of one example, else of several
        return draw_network(record.model, inputs=first.x, target=first.t,
                            loss=first.loss if one else None, forward=first.forward,
                            errors=first.errors, old=record.old,
                            gradients=record.gradients if one else None, digits=digits)
    return draw_graph(record.graph, mode=view, digits=digits)


_SUFFIXES = {"svg": ".svg", "png": ".png", "dot": ".dot", "html": ""}  # a page: any name


def _picture_paths(args: argparse.Namespace) -> dict[str, Path]:
    """The files asked for with --svg, --png, --dot, --html: each must be a name ending in its
    format's suffix (an empty name is a mistake, not "no file"), and none may be an input file
    or another output's file (it would be overwritten)."""
    paths: dict[str, Path] = {}
    taken = {f"the {role} file": Path(getattr(args, role)) for role in _INPUTS
             if getattr(args, role, None)}
    for flag, suffix in _SUFFIXES.items():
        path = getattr(args, flag, None)
        if path is None:
            continue
        if not path.strip():
            raise UsageError(f"--{flag} needs a file name, got an empty one")
        if not path.lower().endswith(suffix):
            raise UsageError(f"the file for {flag} should end in {suffix}, got {path!r}")
        for what, other in taken.items():
            if _same_file(Path(path), other):
                raise UsageError(f"--{flag} {path} is {what}: writing it would overwrite it; "
                                 "give another name")
        paths[flag] = taken[f"--{flag}'s file"] = Path(path)
    return paths


_INPUTS = ("spec", "answers", "model")  # the arguments that name a file the command reads


def _same_file(a: Path, b: Path) -> bool:
    """Whether ``a`` and ``b`` name one file (through links, or ./ and ../ in the name)."""
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (yet)
        return a.resolve() == b.resolve()


def _make_pictures(args: argparse.Namespace, picture: Callable[[], Drawing],
                   stepper: Callable[[], Steps]) -> list[tuple[Path, Callable[[], Path]]]:
    """The pictures asked for, made (so that one too large is refused before any other work),
    each as a function that saves it to its file; `_write` calls them."""
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
    """Save each picture; "wrote FILE" goes to standard error (standard output may hold JSON).
    A failed write (a full disk) names the file: the system's own error does not."""
    for path, save in made:
        try:
            saved = save()
        except OSError as e:
            if e.filename is not None or not e.strerror:
                raise
            raise OSError(e.errno, f"cannot write it: {e.strerror}", str(path)) from None
        print(f"wrote {saved}", file=sys.stderr)


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


def cmd_serve(args: argparse.Namespace) -> None:
    """The live web app on this machine, until Ctrl-C."""
    from viz.app.run import serve  # the web server's libraries load only for this command

    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port must be from 0 to 65535, got {args.port}")
    network = spec.load(args.spec) if args.spec else None
    missing = graphviz_missing()
    if missing:  # the app still serves its numbers; its pictures will say the same in the page
        print(f"backprop serve: warning: {missing}", file=sys.stderr)
    serve(network, host=args.host, port=args.port, open_browser=not args.no_browser,
          allow_hosts=args.allow_host)


def cmd_export(args: argparse.Namespace) -> None:
    """An assignment for the platform a class hands work in on: a Gradescope autograder zip or
    a PrairieLearn question in a course folder."""
    if args.platform == "gradescope":
        from viz.export_gradescope import export_gradescope

        out = export_gradescope(args.template, args.out, roster=args.roster)
    else:
        from viz.export_prairielearn import export_prairielearn

        out = export_prairielearn(args.template, args.out, name=args.name)
    print(f"wrote {out}", file=sys.stderr)


def _add_picture_flags(p: argparse.ArgumentParser, views: Sequence[str], default: str) -> None:
    p.add_argument("--svg", metavar="FILE", help="write the picture as SVG")
    p.add_argument("--png", metavar="FILE", help="write the picture as PNG")
    p.add_argument("--html", metavar="FILE", help="write the step-by-step page (one HTML file)")
    p.add_argument("--exercise", action="store_true",
                   help="with --html: hide each number until you predict it (an exercise page)")
    p.add_argument("--view", choices=list(views), default=default,
                   help=f"what the picture shows (default {default})")


def _add_network_digits(p: argparse.ArgumentParser) -> None:
    p.add_argument("--digits", type=int, metavar="N",
                   help="decimals shown (and at least as many significant figures), the same in "
                        "the tables, the pictures and the page (default 4 in the text tables, 3 "
                        "in the pictures and on the page)")


class _Parser(argparse.ArgumentParser):
    """argparse's parser (usage and status 2 on a mistake), with a hint where its own message
    would puzzle (a formula starting with "-" reads to it as an unknown option), and its message
    cut as ours are (it quotes the arguments it did not expect, however long)."""

    def error(self, message: str) -> None:
        if self.prog.endswith(" trace") and "required: expr" in message:
            message += ('; a formula that starts with "-" goes after "--", as in '
                        'backprop trace --at x=1 -- "-x"')
        super().error(_shortened(message))


def _shortened(message: str) -> str:
    """``message`` cut to MAX_MESSAGE characters, saying how long it was."""
    if len(message) <= MAX_MESSAGE:
        return message
    return f"{message[:MAX_MESSAGE]}… ({len(message):,} characters)"


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``backprop`` with all its subcommands."""
    parser = _Parser(
        prog="backprop", description="Run, trace and draw backpropagation, step by step.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("trace", help="primal and adjoint evaluation traces of a formula")
    p.add_argument("expr", help='a formula, e.g. "ln(x1) + x1*x2 - sin(x2)"')
    p.add_argument("--at", nargs="+", default=[], metavar="NAME=VALUE", help="input values")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--digits", type=int, default=None,
                   help="decimals shown, in the tables, the pictures and the page (default 3); "
                        "with --json, the numbers rounded so")
    _add_picture_flags(p, ("forward", "backward", "both"), "both")
    p.set_defaults(run=cmd_trace)
    p = sub.add_parser("worked-example",
                       help="the lecture's worked example: forward, errors and updates")
    p.add_argument("--loss", choices=list(WORKED_LOSSES), default="squared",
                   help="(t - o)^2 as the lecture, or 1/2 (t - o)^2 as textbooks (default squared)")
    p.add_argument("--lr", type=float, default=0.9, help="learning rate (default 0.9)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    _add_network_digits(p)
    _add_picture_flags(p, ("forward", "backward", "network"), "network")
    p.set_defaults(run=cmd_worked_example)
    p = sub.add_parser("step", help="every update of a network described in a spec file")
    p.add_argument("spec", nargs="?", help="the spec file (.toml or .json)")
    p.add_argument("--example-spec", action="store_true",
                   help="print the lecture's spec file, a start to copy and edit")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--solution", metavar="FILE", help="write the worked solution sheet: every "
                   "number's formula, with the numbers, and result (.html, or .pdf through "
                   "headless Chromium), for A4")
    _add_network_digits(p)
    _add_picture_flags(p, ("forward", "backward", "network"), "network")
    p.add_argument("--hand-in", action="store_true",
                   help="with --html F --exercise: a hand-in page (no right answers in it; what "
                   "is typed is kept in the browser; Download answers saves an answers file)")
    p.add_argument("--student", metavar="ID", help="with --hand-in: the student's id (names the "
                   "downloaded file; default: the spec file's name)")
    p.set_defaults(run=cmd_step)
    p = sub.add_parser("assign", help="a class assignment: a network of their own for every "
                       "student of a roster, from a template")
    p.add_argument("template", help="the template: a spec file whose numbers may be ranges "
                   "{ from = A, to = B, step = S }")
    p.add_argument("--roster", required=True, metavar="ROSTER.csv",
                   help="a CSV file with a header row and a column id")
    p.add_argument("--out", required=True, metavar="DIR", help="the folder to write into")
    p.add_argument("--pdf", action="store_true",
                   help="also print each worksheet (and solution sheet) to PDF (needs Chromium)")
    p.add_argument("--solutions", action="store_true",
                   help="also write each student's worked solution sheet, DIR/<id>/solution.html "
                        "(every number: the formula, with the student's numbers, the result)")
    p.set_defaults(run=cmd_assign)
    p = sub.add_parser("grade", help="grade a class's submissions into a gradebook (CSV)")
    p.add_argument("dir", help="the folder backprop assign wrote")
    p.add_argument("submissions", help="a folder of answers files named <id>.csv or <id>.toml")
    p.add_argument("--out", required=True, metavar="GRADEBOOK.csv", help="the gradebook to write")
    p.add_argument("--feedback", metavar="FEEDBACK_DIR",
                   help="also write one feedback page per student into this folder")
    p.set_defaults(run=cmd_grade)
    p = sub.add_parser("check", help="check your own numbers (an answers file) against a spec's "
                       "updates; exit 3 if any is wrong")
    p.add_argument("spec", help="the spec file (.toml or .json)")
    p.add_argument("answers", nargs="?", help="your numbers: .csv (quantity,value) or .toml "
                   "(quantity = value), e.g. o6,0.474 or grad_w14@2,0.017")
    p.add_argument("--template", action="store_true", help="print an answers file to fill in: "
                   "every number the spec asks for, in the order of the calculation")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(run=cmd_check)
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
    p = sub.add_parser("export", help="an assignment for Gradescope (an autograder zip) or "
                       "PrairieLearn (a question in a course folder)")
    platforms = p.add_subparsers(dest="platform", required=True)
    q = platforms.add_parser("gradescope", help="an autograder zip: setup.sh, run_autograder, "
                             "the project's wheel, the template")
    q.add_argument("template", help="the assignment's template (a spec file, numbers may be "
                   "ranges)")
    q.add_argument("--out", required=True, metavar="ZIP", help="the zip to write")
    q.add_argument("--roster", metavar="CSV", help="maps Gradescope users to the assignment's "
                   "student ids: columns id and gradescope_id or email")
    q.set_defaults(run=cmd_export)
    q = platforms.add_parser("prairielearn", help="a question folder and its shared code in a "
                             "PrairieLearn course")
    q.add_argument("template", help="the assignment's template (a spec file, numbers may be "
                   "ranges)")
    q.add_argument("--out", required=True, metavar="COURSE_DIR", help="the course folder")
    q.add_argument("--name", help="the question's folder name (default: the template's name)")
    q.set_defaults(run=cmd_export)
    p = sub.add_parser("serve", help="the live web app: step, formula and training views")
    p.add_argument("spec", nargs="?", help="a network spec file for the Step view")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1: this machine only)")
    p.add_argument("--allow-host", action="append", default=[], metavar="NAME",
                   help="a host name the page may be opened by, besides --host (repeatable; "
                        "needed with --host 0.0.0.0)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000; 0: any free one)")
    p.add_argument("--no-browser", action="store_true", help="do not open a browser")
    p.set_defaults(run=cmd_serve)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``backprop`` script; returns the exit status."""
    args = build_parser().parse_args(argv)
    try:
        args.run(args)
        sys.stdout.flush()  # a closed pipe shows here, not at exit after the handler is gone
    except Exception as e:  # noqa: BLE001 (the one place every error is turned into a line)
        message, status = error_message(e)
        if isinstance(e, BrokenPipeError):  # stdout is gone: nothing more may go there at exit
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        if message is not None:
            print(f"backprop {args.command}: error: {_shortened(message)}", file=sys.stderr)
        return status
    return 0


if __name__ == "__main__":
    sys.exit(main())
