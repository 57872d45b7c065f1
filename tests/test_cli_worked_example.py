"""``backprop worked-example``: tables per stage, ``--json`` in the issue's shape, usage errors."""

import json
import math
import subprocess
import sys

import pytest

from viz.cli import main
from viz.tables import Table


def sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x))


# the slide's forward pass by hand
O4, O5 = sigmoid(-0.7), sigmoid(0.1)
O6 = sigmoid(-0.3 * O4 - 0.2 * O5 + 0.1)


def run(capsys, *argv):
    status = main(["worked-example", *argv])
    out, err = capsys.readouterr()
    return status, out, err


def test_json_has_the_issues_shape_and_the_textbook_numbers(capsys):
    status, out, err = run(capsys, "--json", "--loss", "half-squared")
    assert status == 0 and err == ""
    data = json.loads(out)
    assert set(data) == {"forward", "loss", "errors", "gradients", "updated"}
    assert set(data["forward"]) == set(data["errors"]) == {"4", "5", "6"}
    names = {"w14", "w15", "w24", "w25", "w34", "w35", "w46", "w56", "b4", "b5", "b6"}
    assert set(data["gradients"]) == set(data["updated"]) == names
    # exactly {"net", "out"} per unit, and every leaf a plain JSON number
    assert all(set(unit) == {"net", "out"} for unit in data["forward"].values())
    leaves = [data["loss"], *data["errors"].values(), *data["gradients"].values(),
              *data["updated"].values(), *(x for u in data["forward"].values() for x in u.values())]
    assert all(type(x) is float for x in leaves)
    assert round(data["forward"]["6"]["out"], 3) == 0.474  # Han, Kamber & Pei: O6 = 0.474
    assert data["errors"]["6"] == pytest.approx(0.1311, abs=1e-4)
    assert round(data["updated"]["w46"], 3) == -0.261
    assert data["loss"] == pytest.approx(0.5 * (1 - O6) ** 2, rel=1e-12)


def test_default_is_the_lecture_loss_with_lr_0_9(capsys):
    _, out, _ = run(capsys, "--json")
    data = json.loads(out)
    g46 = -2 * (1 - O6) * O6 * (1 - O6) * O4  # the slide's ∂E/∂w46 for E = (t − o)²
    assert data["gradients"]["w46"] == pytest.approx(g46, rel=1e-12)
    assert data["updated"]["w46"] == pytest.approx(-0.3 - 0.9 * g46, rel=1e-12)


def test_lr_flag_changes_the_step(capsys):
    _, out, _ = run(capsys, "--json", "--lr", "0.1")
    g6 = -2 * (1 - O6) * O6 * (1 - O6)
    assert json.loads(out)["updated"]["b6"] == pytest.approx(0.1 - 0.1 * g6, rel=1e-12)


def test_text_output_has_a_table_per_stage(capsys):
    status, out, _ = run(capsys)
    assert status == 0
    blocks = out.strip().split("\n\n")
    assert [b.splitlines()[0].split(" (")[0] for b in blocks] == [
        "Forward pass", "Error terms −∂E/∂net", "Updates w ← w − lr·∂E/∂w"]
    assert blocks[0].splitlines()[1].split() == ["unit", "net", "input", "output"]
    assert blocks[1].splitlines()[1].split() == ["unit", "error"]
    assert blocks[2].splitlines()[1].split() == ["parameter", "old", "gradient", "step", "new"]
    forward_rows = [line.split() for line in blocks[0].splitlines()[3:]]
    assert forward_rows[0] == ["4", "-0.7000", f"{O4:.4f}"] and forward_rows[0][2] == "0.3318"
    assert len(blocks[2].splitlines()) == 3 + 11


@pytest.mark.parametrize("argv,message", [
    (["--lr", "-1"], "learning rate must be a positive number"),
    (["--lr", "0"], "learning rate must be a positive number"),
    (["--lr", "fast"], "invalid float value"),
    (["--loss", "cubic"], "invalid choice"),
])
def test_bad_usage_exits_2_with_one_message_and_no_traceback(capsys, argv, message):
    try:
        status = main(["worked-example", *argv])
    except SystemExit as e:  # argparse reports its own usage errors by exiting
        status = e.code
    err = capsys.readouterr().err
    assert status == 2
    assert message in err and "Traceback" not in err


def test_the_installed_command_prints_only_json_on_stdout():
    done = subprocess.run([sys.executable, "-m", "viz.cli", "worked-example", "--json"],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["forward"]["4"]["net"] == pytest.approx(-0.7, abs=1e-12)


def test_table_renders_text_markdown_and_escaped_html():
    t = Table("W <1>", ["name", "value"], [["w14", 0.19214], ["b6", -0.00001]])
    assert t.to_text().splitlines() == ["W <1>", "name   value", "------------",
                                        "w14   0.1921", "b6    0.0000"]
    assert t.to_markdown().splitlines()[2:4] == ["| name | value |", "| --- | ---: |"]
    assert "<caption>W &lt;1&gt;</caption>" in t.to_html()
    assert "<td>0.1921</td>" in t.to_html()
    with pytest.raises(ValueError, match="row 0 .* has 1 cells for 2 columns"):
        Table("t", ["a", "b"], [["only"]])
