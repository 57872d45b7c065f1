"""``backprop step SPEC``: the tables of every update, ``--json`` in the issue's shape, the
lecture's spec as a start, pictures, and one-line errors with exit status 2."""

import json
import subprocess
import sys

import pytest
from worked_by_hand import by_hand

from viz.cli import main

TWO_EXAMPLES = """\
inputs = 2
layers = [1, 1]
activation = "tanh"
lr = 0.1
update = "{update}"
epochs = 2

[weights]
w13 = 0.5
w23 = -1.0
w34 = 2.0
b3 = 0.25
b4 = -0.5

[[examples]]
x = [1, 2]
t = [1]

[[examples]]
x = [-1, 0.5]
t = [0]
"""


def run(capsys, *argv):
    status = main(["step", *argv])
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def spec_file(tmp_path):
    def write(update="per-example"):
        path = tmp_path / f"{update}.toml"
        path.write_text(TWO_EXAMPLES.format(update=update))
        return str(path)
    return write


def test_example_spec_prints_the_lecture_and_stepping_it_gives_the_hand_numbers(capsys, tmp_path):
    status, out, err = run(capsys, "--example-spec")
    assert status == 0 and err == "" and "w46 = -0.3" in out
    path = tmp_path / "mine.toml"
    path.write_text(out)
    status, out, err = run(capsys, str(path), "--json")
    data = json.loads(out)
    assert status == 0 and len(data["steps"]) == 1
    hand = by_hand("squared")
    for name, new in hand["new"].items():
        assert data["final"][name] == pytest.approx(new, rel=1e-12, abs=1e-15)
    assert data["steps"][0]["forward"]["4"]["out"] == pytest.approx(hand["o4"], rel=1e-12)


def test_json_entries_have_step_epoch_example_and_the_worked_examples_keys(capsys, spec_file):
    status, out, err = run(capsys, spec_file(), "--json")
    data = json.loads(out)
    assert [(s["step"], s["epoch"], s["example"]) for s in data["steps"]] == [
        (1, 1, 1), (2, 1, 2), (3, 2, 1), (4, 2, 2)]
    assert set(data["steps"][0]) == {"step", "epoch", "example", "forward", "loss", "errors",
                                     "gradients", "updated", "quantities"}
    # the records: each number once, with its answers-file name, formula and value
    o4 = next(q for q in data["steps"][1]["quantities"] if q["name"] == "o4@2")
    assert o4["value"] == data["steps"][1]["forward"]["4"]["out"]
    assert o4["formula"] == "σ(i4)" and o4["inputs"] == ["i4@2"]
    assert set(data["steps"][0]["forward"]) == {"3", "4"}
    assert data["final"] == data["steps"][-1]["updated"]


def test_per_epoch_json_has_a_null_example_and_a_list_per_example(capsys, spec_file):
    data = json.loads(run(capsys, spec_file("per-epoch"), "--json")[1])
    first = data["steps"][0]
    assert first["example"] is None and len(data["steps"]) == 2
    assert len(first["forward"]) == len(first["loss"]) == len(first["errors"]) == 2
    assert set(first["forward"][1]) == {"3", "4"}


def test_text_prints_every_updates_tables_then_the_final_parameters(capsys, spec_file):
    status, out, err = run(capsys, spec_file())
    assert status == 0
    assert out.count("Forward pass (E = ") == 4
    assert "Step 4 (epoch 2, example 2)" in out
    final = out.rstrip().splitlines()[-8:]
    assert final[0] == "Final parameters" and [line.split()[0] for line in final[3:]] == [
        "w13", "w23", "w34", "b3", "b4"]


def test_json_with_pictures_keeps_the_json_on_stdout(capsys, spec_file, tmp_path):
    svg, page = tmp_path / "net.svg", tmp_path / "steps.html"
    status, out, err = run(capsys, spec_file(), "--json", "--svg", str(svg), "--html", str(page))
    assert status == 0 and len(json.loads(out)["steps"]) == 4
    assert f"wrote {svg}" in err and svg.read_text().lstrip().startswith("<?xml")
    html = page.read_text()
    assert "Step 4 (epoch 2, example 2)" in html and "Step 1: Forward pass" in html


@pytest.mark.parametrize("content, words", [
    ("inputs = 2\n", "missing keys layers, lr, weights, examples"),
    ("inputs = 2\nlayerz = [1]\n", "unknown key layerz"),
    ("inputs = = 2\n", "not valid TOML"),
])
def test_a_bad_spec_is_one_line_and_exit_2(capsys, tmp_path, content, words):
    path = tmp_path / "bad.toml"
    path.write_text(content)
    status, out, err = run(capsys, str(path))
    assert status == 2 and out == "" and words in err
    assert err.startswith("backprop step: error: ") and err.count("\n") == 1


def test_a_missing_spec_file_or_none_is_exit_2(capsys, tmp_path):
    assert run(capsys, str(tmp_path / "nope.toml"))[0] == 2
    status, out, err = run(capsys)
    assert status == 2 and "--example-spec" in err


def test_the_installed_command_runs_a_spec(tmp_path):
    done = subprocess.run([sys.executable, "-m", "viz.cli", "step", "--example-spec"],
                          capture_output=True, text=True, check=True)
    assert done.stdout.startswith("# The lecture's worked example")
