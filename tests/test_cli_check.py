"""``backprop check SPEC ANSWERS``: the table and summary, --json in the issue's shape, exit 0 / 3
for right / wrong answers, and exit 2 with one line for a bad answers file."""

import json
import math
from pathlib import Path

import pytest

from lab.spec import lecture_text
from viz.cli import main


def sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x))


O4 = sigmoid(0.2 * 1 + 0.4 * 0 - 0.5 * 1 - 0.4)        # σ(−0.7) = 0.3318
O5 = sigmoid(-0.3 * 1 + 0.1 * 0 + 0.2 * 1 + 0.2)       # σ(0.1) = 0.5250
O6 = sigmoid(-0.3 * O4 - 0.2 * O5 + 0.1)               # 0.4739
D6 = 2 * (1 - O6) * O6 * (1 - O6)                      # 0.2623


@pytest.fixture
def spec(tmp_path):
    path = tmp_path / "lecture.toml"
    path.write_text(lecture_text(), encoding="utf-8")
    return path


def run(capsys, *argv):
    status = main(["check", *map(str, argv)])
    out, err = capsys.readouterr()
    return status, out, err


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_all_right_exits_0_with_the_table_and_summary(capsys, spec, tmp_path):
    answers = write(tmp_path, "mine.csv", f"quantity,value\no4,0.332\no6,{O6:.4f}\n"
                                          f"delta6,{D6:.4f}\n")
    status, out, err = run(capsys, spec, answers)
    assert status == 0 and err == ""
    header = next(line for line in out.splitlines() if line.startswith("quantity"))
    assert header.split() == ["quantity", "yours", "right", "verdict", "why"]
    assert out.strip().endswith("3 right, 0 wrong, 0 carried forward (of 3)")


def test_a_wrong_answer_exits_3_and_the_json_has_the_issues_shape(capsys, spec, tmp_path):
    # δ6 with ½(t − o)²'s derivative: half the lecture's δ6
    answers = write(tmp_path, "mine.toml", f"o6 = {O6:.4f}\ndelta6 = {D6 / 2:.4f}\n")
    status, out, err = run(capsys, spec, answers, "--json")
    assert status == 3 and err == ""
    data = json.loads(out)
    assert set(data) == {"items", "right", "wrong", "carried_forward", "blank", "unreadable",
                         "problems", "precision"}
    assert (data["right"], data["wrong"], data["carried_forward"]) == (1, 1, 0)
    # the lecture's spec gives no precision: three significant figures, as the slides round
    assert data["precision"] == ("to 3 significant figures (within half a unit of the right "
                                 "value's last one)")
    item = data["items"][1]
    assert set(item) == {"quantity", "given", "expected", "verdict", "mistake", "explanation",
                         "where"}
    assert (item["quantity"], item["verdict"], item["mistake"]) == ("delta6", "wrong",
                                                                    "half-factor")
    assert item["expected"] == pytest.approx(D6) and item["given"] == round(D6 / 2, 4)


def test_text_output_names_the_mistake_and_explains_below(capsys, spec, tmp_path):
    answers = write(tmp_path, "mine.csv", "i4,-0.3\n")          # b4 = −0.4 left out
    status, out, _ = run(capsys, spec, answers)
    assert status == 3
    assert "no-bias" in out and "i4: the bias is part of the net input" in out
    assert "the first wrong number is i4" in out


def test_spreadsheet_export_bom_semicolons_quotes_decimal_comma(capsys, spec, tmp_path):
    text = f'"quantity";"value"\r\n"o4";"0,332"\r\n"δ6";"{D6:.4f}".replace(".", ",")\r\n'
    text = f'"quantity";"value"\r\n"o4";"0,332"\r\n"δ6";"{f"{D6:.4f}".replace(".", ",")}";;\r\n'
    answers = write(tmp_path, "export.csv", "\ufeff" + text)
    status, out, err = run(capsys, spec, answers, "--json")
    assert status == 0, err
    assert [i["quantity"] for i in json.loads(out)["items"]] == ["o4", "delta6"]


def test_tab_separated_with_a_header_and_a_comment(capsys, spec, tmp_path):
    answers = write(tmp_path, "tabs.txt", "# my homework\nname\tvalue\no4\t0.332\ni4\t−0.7\n")
    status, out, _ = run(capsys, spec, answers, "--json")
    assert status == 0 and json.loads(out)["right"] == 2


def test_a_quoted_decimal_comma_with_comma_separators(capsys, spec, tmp_path):
    answers = write(tmp_path, "export.csv", 'o4,"0,332"\n')
    assert run(capsys, spec, answers)[0] == 0


@pytest.mark.parametrize(("text", "message"), [
    ("o7,0.5\n", "unknown quantity 'o7'"),
    ("gard_w14,0.5\n", "did you mean grad_w14"),
    ("o4,0,332\n", "a decimal comma needs quotes"),
    ("o4@2,0.3\n", "unknown quantity 'o4@2'"),
    ("\n\n", "no answers could be read"),
])
def test_a_file_with_no_readable_line_exits_2_with_one_line(capsys, spec, tmp_path, text,
                                                             message):
    status, out, err = run(capsys, spec, write(tmp_path, "bad.csv", text))
    assert status == 2 and out == ""
    assert message in err and len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


@pytest.mark.parametrize(("text", "message", "verdicts"), [
    ("o4,0.332\no7,0.5\ni4,-0.7\n", "line 2: unknown quantity 'o7'", ["right", "right"]),
    ("o4,0.332\no4,0.3318\n", "line 2: o4 is given twice (first on line 1)", ["right"]),
    ("gard_w14,0.5\ni4,-0.7\n", "--template", ["right"]),
])
def test_a_bad_line_is_reported_and_the_rest_still_checked(capsys, spec, tmp_path, text,
                                                           message, verdicts):
    status, out, err = run(capsys, spec, write(tmp_path, "mixed.csv", text), "--json")
    assert status == 3  # a line that could not be read is not a right answer
    assert message in err and "Traceback" not in err
    data = json.loads(out)
    assert [i["verdict"] for i in data["items"]] == verdicts
    assert any(message in problem for problem in data["problems"])


@pytest.mark.parametrize(("text", "verdict"), [
    ("o4,abc\n", "unreadable"), ("o4,nan\n", "unreadable"), ("o4,1e999\n", "unreadable"),
    ("o4,\n", "blank"), ("o4,   \n", "blank"),
])
def test_a_value_that_is_not_a_number_is_unreadable_and_an_empty_one_blank(
        capsys, spec, tmp_path, text, verdict):
    status, out, _ = run(capsys, spec, write(tmp_path, "odd.csv", text), "--json")
    assert status == 3
    assert [i["verdict"] for i in json.loads(out)["items"]] == [verdict]


@pytest.mark.parametrize(("text", "message"), [
    ("o4 = 0.33\no4 = 0.332\n", "given twice"),
    ("o4 = [\n", "not valid TOML"),
    ("[o4]\nx = 1\n", "no answers could be read"),
])
def test_bad_toml_files_exit_2(capsys, spec, tmp_path, text, message):
    status, _, err = run(capsys, spec, write(tmp_path, "bad.toml", text))
    assert status == 2 and message in err


def test_a_toml_string_value_is_read_as_a_field_is(capsys, spec, tmp_path):
    status, out, _ = run(capsys, spec, write(tmp_path, "mine.toml", 'o4 = "0,332"\n'), "--json")
    assert status == 0 and json.loads(out)["right"] == 1


def test_the_template_lists_every_asked_number_in_order_and_reads_back_blank(
        capsys, spec, tmp_path):
    status, out, _ = run(capsys, spec, "--template")
    assert status == 0
    names = [line.split(",")[0] for line in out.splitlines()
             if line and not line.startswith("#")][1:]
    # the lecture's update: 6 net inputs and outputs, E, 3 δ, 11 gradients, 11 new values
    assert names[:8] == ["i4", "o4", "i5", "o5", "i6", "o6", "E", "delta6"]
    assert len(names) == 6 + 1 + 3 + 11 + 11 and names[-1] == "new_b4"
    assert "# δ6, update 1" in out
    template = write(tmp_path, "template.csv", out)
    status, out, _ = run(capsys, spec, template, "--json")
    assert status == 3 and json.loads(out)["blank"] == len(names)


def test_files_that_are_too_large_missing_or_not_text_exit_2(capsys, spec, tmp_path):
    # an answers file may have 100 kB (lab/answers.py): 11,112 lines of 9 bytes are 100,008
    big = write(tmp_path, "big.csv", "o4,0.332\n" * 11_112)
    status, _, err = run(capsys, spec, big)
    assert status == 2 and "at most 100,000 bytes" in err
    assert run(capsys, spec, tmp_path / "none.csv")[0] == 2
    binary = tmp_path / "bin.csv"
    binary.write_bytes(b"\xff\xfe\x00o4")
    status, _, err = run(capsys, spec, binary)
    assert status == 2 and "not a UTF-8 text file" in err
    status, _, err = run(capsys, spec, write(tmp_path, "mine.xlsx", "o4,1"))
    assert status == 2 and ".csv" in err


def test_the_readme_example_runs_as_shown(capsys, tmp_path):
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Check your own numbers", 1)[1].split("\n## ", 1)[0]
    answers = section.split("```csv\n", 1)[1].split("```", 1)[0]
    shown = section.split("```text\n", 1)[1].split("```", 1)[0]
    path = write(tmp_path, "my_answers.csv", answers)
    status, out, _ = run(capsys, Path(__file__).parent.parent / "lab/specs/worked_example.toml",
                         path)
    assert status == 3
    assert out.strip() == shown.split("\n", 1)[1].strip()   # after the command line
