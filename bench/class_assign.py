"""How long a class takes: ``backprop assign`` for N students (default 300) and ``backprop grade``
for their N submissions, each run once as a teacher runs it (one command, a fresh process), against
the budget of the issue (a minute each) and against a named peer: what a teacher does without
them, one ``backprop step --html --exercise`` and one ``backprop check`` per student (timed on a
sample, scaled to N).

    .venv/bin/python bench/class_assign.py             # 300 students
    .venv/bin/python bench/class_assign.py --students 60 --peer-sample 5

The submissions are planted: a quarter right, a quarter with an early slip, a quarter with half
the numbers, the rest a mix of garbage files and no file (the grader's slow and fast paths).
"""

from __future__ import annotations

import argparse
import csv
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from class_by_hand import TEMPLATE  # noqa: E402 (the tests' template: 5 ranged weights)

BUDGET = 60.0  # seconds, for each command, on the development machine


def run(*args: object, ok: tuple[int, ...] = (0,)) -> float:
    """Seconds one ``backprop`` command takes, in a fresh process (its start-up included)."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "viz.cli", *map(str, args)], capture_output=True,
                          text=True, cwd=ROOT)
    seconds = time.perf_counter() - start
    if done.returncode not in ok:
        raise SystemExit(f"backprop {args[0]} failed: {done.stderr.strip()}")
    return seconds


def plant(out: Path, subs: Path, students: list[str]) -> None:
    """One submission per student, from the key (right, slipped, half, garbage, none)."""
    key: dict[str, dict[str, float]] = {}
    for row in csv.DictReader((out / "key.csv").open()):
        key.setdefault(row["student"], {})[row["quantity"]] = float(row["value"])
    subs.mkdir()
    for k, student in enumerate(students):
        numbers = key[student]
        kind = k % 8
        if kind in (0, 1):
            text = "".join(f"{q},{v:.4g}\n" for q, v in numbers.items())
        elif kind in (2, 3):
            text = "".join(f"{q},{v * (1.1 if q == 'o4' else 1):.4g}\n"
                           for q, v in numbers.items())
        elif kind in (4, 5):
            text = "".join(f"{q},{v:.4g}\n" for q, v in list(numbers.items())[::2])
        elif kind == 6:
            (subs / f"{student}.csv").write_bytes(b"\x89PNG\r\n\x1a\n garbage")
            continue
        else:
            continue  # no file
        (subs / f"{student}.csv").write_text("quantity,value\n" + text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=300)
    parser.add_argument("--peer-sample", type=int, default=10,
                        help="students the peer (one command per student) is timed on")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="backprop-class-bench-"))
    try:
        students = [f"s{k:04d}" for k in range(args.students)]
        (work / "template.toml").write_text(TEMPLATE)
        (work / "roster.csv").write_text("id,name\n" + "".join(f"{s},Student {s}\n"
                                                              for s in students))
        assign = run("assign", work / "template.toml", "--roster", work / "roster.csv", "--out",
                     work / "out")
        plant(work / "out", work / "subs", students)
        grade = run("grade", work / "out", work / "subs", "--out", work / "gradebook.csv",
                    "--feedback", work / "feedback")
        sample = students[:args.peer_sample]
        peer_assign = sum(run("step", work / "out" / s / "spec.toml", "--html",
                              work / f"{s}.html", "--exercise") for s in sample)
        # check exits 3 for wrong numbers, 2 for a garbage file: both are its answer here
        handed = [s for s in sample if (work / "subs" / f"{s}.csv").is_file()]
        peer_grade = sum(run("check", work / "out" / s / "spec.toml", work / "subs" / f"{s}.csv",
                             ok=(0, 2, 3)) for s in handed)
        n = args.students
        rows = [("assign", assign, peer_assign / len(sample) * n),
                ("grade", grade, peer_grade / max(len(handed), 1) * n)]
        print(f"{n} students, on this machine (one run each; read the ratios, times move):")
        print(f"{'command':8} {'seconds':>8} {'per student':>12} {'budget':>8} "
              f"{'peer (one command per student)':>32} {'peer ÷ ours':>12}")
        for name, ours, peer in rows:
            verdict = "ok" if ours <= BUDGET else "OVER"
            print(f"{name:8} {ours:8.1f} {ours / n * 1000:9.1f} ms {verdict:>8}"
                  f" {peer:29.1f} s {peer / ours:11.1f}×")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
