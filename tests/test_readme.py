"""The README's quick start runs as written, in ten lines, and does what its comments say."""

import math
import re
from pathlib import Path

import pytest

import lab
from lab.spec import loads

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def _quick_start() -> str:
    section = README.split("## Quick start", 1)[1]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_the_quick_start_is_ten_lines_of_code():
    lines = [line for line in _quick_start().splitlines() if line.strip()]
    assert len(lines) <= 10, lines


def test_the_quick_start_runs_as_written_and_its_numbers_are_the_hand_ones(tmp_path, monkeypatch,
                                                                           capsys):
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    exec(compile(_quick_start(), "README quick start", "exec"), namespace)  # our own README

    # y = σ(x·w) at x = 2, w = −3: ∂y/∂x = σ'(−6)·w, ∂y/∂w = σ'(−6)·x, σ' = σ(1 − σ)
    s = 1 / (1 + math.exp(6.0))
    assert math.isclose(namespace["x"].grad, s * (1 - s) * -3.0, rel_tol=1e-12)
    assert math.isclose(namespace["w"].grad, s * (1 - s) * 2.0, rel_tol=1e-12)
    assert (tmp_path / "y.svg").read_text(encoding="utf-8").lstrip().startswith("<")

    # 2→8→1: 2·8 + 8·1 = 24 weights, 8 + 1 = 9 biases; 50 epochs of training lower the loss
    printed = capsys.readouterr().out
    assert "Total params: 33 (24 weights, 9 biases)" in printed
    history = namespace["history"]
    assert len(history.loss) == 50 and history.loss[-1] < history.loss[0]


def test_the_readmes_spec_file_steps_to_the_blogs_w5():
    block = README.split("## Your own network", 1)[1].split("```toml\n", 1)[1].split("```", 1)[0]
    record = lab.step(loads(block))[0]
    assert record.updated["w5"] == pytest.approx(0.35891648, abs=1e-8)  # Mazur's w5⁺


def _first_code_block() -> tuple[str, str]:
    """The README's first fenced block: its language and its body."""
    match = re.search(r"```(\w*)\n(.*?)```", README, re.S)
    return match.group(1), match.group(2)


def test_the_readme_opens_with_two_commands_the_demo_and_the_tests():
    before = README.split("```", 1)[0].strip()
    assert before == "# backprop-lab"  # the commands come first, before any prose
    language, body = _first_code_block()
    commands = [line.split("#", 1)[0].strip() for line in body.splitlines() if line.strip()]
    assert language == "bash" and commands == ["make demo", "make test"]


def test_ci_runs_exactly_the_readmes_test_command():
    ci = (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text(encoding="utf-8")
    commands = [line.strip() for line in ci.splitlines()
                if line.strip() and not line.startswith("#")
                and not line.startswith(("set ", "cd "))]
    assert commands == ["make test"]


def test_the_readme_says_how_to_reach_the_virtualenvs_commands_before_using_them():
    # `make demo` leaves backprop in .venv/bin; the first `backprop` command comes after the
    # line that activates the virtualenv, and make demo's last lines say the same
    activate = README.index(". .venv/bin/activate")
    first_use = re.search(r"^backprop ", README, re.M).start()
    assert activate < first_use
    makefile = (Path(__file__).resolve().parent.parent / "Makefile").read_text(encoding="utf-8")
    demo = makefile.split("\ndemo:", 1)[1].split("\n\n", 1)[0]
    assert ". $(VENV)/bin/activate" in demo
