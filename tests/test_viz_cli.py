"""The command line's pictures: ``worked-example --svg --png --html --view``, ``trace --svg
--html``, ``backprop draw``; bad paths and a missing ``dot`` give one line on stderr, no
traceback."""

import json
import re
import subprocess
import sys

import pytest
from worked_by_hand import SLIDE

from lab.examples import worked_example
from viz.cli import main

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def run(capsys, *argv):
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_worked_example_writes_the_network_svg_png_and_the_stepper_page(capsys, tmp_path):
    svg, png, page = tmp_path / "net.svg", tmp_path / "net.png", tmp_path / "steps.html"
    status, out, err = run(capsys, "worked-example", "--svg", str(svg), "--png", str(png),
                           "--html", str(page))
    # the tables still go to standard output; the "wrote" lines to standard error
    assert status == 0 and out.startswith("Forward pass") and "wrote" not in out
    assert err.splitlines() == [f"wrote {svg}", f"wrote {png}", f"wrote {page}"]
    text = svg.read_text(encoding="utf-8")
    for name in SLIDE:
        assert name in text
    assert png.read_bytes()[:8] == PNG_MAGIC
    html = page.read_text(encoding="utf-8")
    # 1 + 6 + 1 forward, 3 × (∂E/∂o, δ) + 11 gradients, 11 updates + 1
    assert html.count('class="bp-frame"') == 37
    assert not re.search(r"""(src|href)=["']?\w+:|url\(""", html)  # nothing to fetch


# forward: i4 = −0.7 (the slide); backward: ∂E/∂o6 = −2(t − o6) = −2(1 − 0.47389) = −1.052
@pytest.mark.parametrize("view, marker", [("forward", "value −0.7<"), ("backward", "grad −1.052<")])
def test_worked_example_views_forward_and_backward_are_the_computation_graph(capsys, tmp_path,
                                                                            view, marker):
    svg = tmp_path / f"{view}.svg"
    status, _, err = run(capsys, "worked-example", "--view", view, "--svg", str(svg))
    assert (status, err) == (0, f"wrote {svg}\n")
    text = svg.read_text(encoding="utf-8")
    assert " (i4)<" in text and " (o6)<" in text  # named as the trace names them: "v₁₂ (i4)"
    assert marker in text


def test_worked_example_without_picture_flags_still_prints_the_tables(capsys):
    status, out, _ = run(capsys, "worked-example")
    assert status == 0 and "w46" in out and "<svg" not in out


def test_trace_writes_the_graph_and_its_stepper(capsys, tmp_path):
    svg, page = tmp_path / "t.svg", tmp_path / "t.html"
    status, _, err = run(capsys, "trace", "ln(x1) + x1*x2 - sin(x2)", "--at", "x1=2", "x2=5",
                         "--svg", str(svg), "--html", str(page))
    assert (status, err) == (0, f"wrote {svg}\nwrote {page}\n")
    assert "grad 5.5" in svg.read_text(encoding="utf-8")  # ∂y/∂x1 = 1/x1 + x2 = 5.5
    # the last contribution to v̄₋₁ = ∂y/∂x1: 5 from v₂ = v₋₁·v₀, then 1/x1 = 0.5 from v₁ = ln v₋₁
    assert ("v̄₋₁ = v̄₋₁ + v̄₁ · ∂v₁/∂v₋₁ = v̄₋₁ + v̄₁ × 1/v₋₁ = 5 + 1 × 0.5 = 5.5"
            in page.read_text(encoding="utf-8"))


def test_draw_by_sizes_prints_dot_with_slide_numbering(capsys):
    status, out, _ = run(capsys, "draw", "--sizes", "3", "2", "1", "--activation", "sigmoid")
    assert status == 0 and out.startswith("digraph network")
    for name in ("w14", "w15", "w24", "w25", "w34", "w35", "w46", "w56", "b4", "b5", "b6"):
        assert name in out


def test_draw_a_saved_model_shows_its_weights(capsys, tmp_path):
    path = tmp_path / "model.json"
    worked_example().save(path)
    out_svg = tmp_path / "model.svg"
    status, out, err = run(capsys, "draw", str(path), "--svg", str(out_svg))
    assert (status, out, err) == (0, "", f"wrote {out_svg}\n")
    assert "w46 = −0.3" in out_svg.read_text(encoding="utf-8")


@pytest.mark.parametrize("argv, status, message", [
    (["worked-example", "--svg", "/no/such/folder/a.svg"], 1,
     "the folder /no/such/folder does not exist"),
    (["worked-example", "--svg", "picture.txt"], 2, "should end in .svg"),
    (["draw"], 2, "give either a saved model file or --sizes"),
    (["draw", "--sizes", "3"], 2, "at least one layer"),
    (["draw", "/no/such/model.json"], 2, "/no/such/model.json: no such backprop-lab model file"),
])
def test_mistakes_give_one_line_on_stderr_and_a_nonzero_status(capsys, argv, status, message):
    got, out, err = run(capsys, *argv)
    assert got == status
    assert len(err.strip().splitlines()) == 1 and message in err
    assert "Traceback" not in err


def test_a_bad_formula_is_reported_with_a_pointer_to_where_reading_stopped(capsys):
    got, out, err = run(capsys, "trace", "x1*", "--at", "x1=2", "--svg", "t.svg")
    first, formula, pointer = err.rstrip("\n").splitlines()
    assert got == 2 and out == "" and "cannot read the formula" in first
    assert formula.strip() == "x1*" and pointer.strip() == "^"
    assert "Traceback" not in err


def test_a_file_where_the_folder_should_be_is_reported_in_one_line(capsys, tmp_path):
    (tmp_path / "notes.txt").write_text("not a folder")
    status, _, err = run(capsys, "draw", "--sizes", "2", "1", "--dot",
                         str(tmp_path / "notes.txt" / "n.dot"))
    assert status == 1 and err.count("\n") == 1 and "notes.txt does not exist" in err


def test_missing_dot_program_is_one_clear_line_and_status_1(tmp_path):
    code = ("import sys; from viz.cli import main; "
            f"sys.exit(main(['worked-example', '--svg', {str(tmp_path / 'a.svg')!r}]))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env={"PATH": str(tmp_path), "HOME": str(tmp_path)}, timeout=120)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "backprop worked-example: error: Graphviz's 'dot' program is not installed "
        "(apt-get install graphviz, or brew install graphviz); save as .dot to get the source "
        "without it"]


@pytest.mark.parametrize("command", [["worked-example"],
                                     ["trace", "x1*x2 + sin(x1)", "--at", "x1=2", "x2=5"]])
def test_json_output_is_unchanged_by_the_picture_flags(capsys, tmp_path, command):
    status, plain, _ = run(capsys, *command, "--json")
    assert status == 0 and json.loads(plain)
    svg, page = tmp_path / "p.svg", tmp_path / "p.html"
    status, out, err = run(capsys, *command, "--json", "--svg", str(svg), "--html", str(page))
    assert status == 0 and json.loads(out) == json.loads(plain)
    assert err == f"wrote {svg}\nwrote {page}\n" and svg.exists() and page.exists()


def test_a_folder_given_as_the_file_name_is_one_plain_line(capsys, tmp_path):
    status, _, err = run(capsys, "worked-example", "--html", str(tmp_path))
    assert status == 1
    assert err == (f"backprop worked-example: error: cannot write {tmp_path}: it is a folder; "
                   "give a file name inside it\n")


def test_an_unwritable_folder_is_named_in_one_line(capsys, tmp_path, monkeypatch):
    # root may write anywhere, so the folder is made unwritable in the eyes of os.access
    monkeypatch.setattr("viz.drawing.os.access", lambda path, mode: False)
    status, _, err = run(capsys, "worked-example", "--svg", str(tmp_path / "net.svg"))
    assert status == 1
    assert err == (f"backprop worked-example: error: cannot write {tmp_path / 'net.svg'}: "
                   f"the folder {tmp_path} is not writable\n")


def test_a_system_refusal_reads_path_then_reason_without_errno(capsys, tmp_path):
    # /proc takes no new files; the system says ENOENT, printed as "path: reason"
    status, _, err = run(capsys, "worked-example", "--svg", "/proc/net.svg")
    assert status == 1
    assert err == "backprop worked-example: error: /proc/net.svg: No such file or directory\n"
    status, _, err = run(capsys, "draw", str(tmp_path))  # a folder where a model file should be
    assert (status, err) == (2, f"backprop draw: error: {tmp_path}: is a directory, not a "
                                "backprop-lab model file; give the name of a file\n")


def test_digits_set_one_precision_for_the_whole_trace_page(capsys, tmp_path):
    page = tmp_path / "t.html"
    status, _, err = run(capsys, "trace", "ln(x1) + x1*x2 - sin(x2)", "--at", "x1=2", "x2=5",
                         "--digits", "4", "--html", str(page))
    assert (status, err) == (0, f"wrote {page}\n")
    html = page.read_text(encoding="utf-8")
    # v₄ = ln 2 + 10 = 10.69315 by hand: 10.6931 in the sentence and in the trace table beside
    assert "v₄ = v₁ + v₂ = 0.6931 + 10 = 10.6931" in html
    assert "<td>v₁ + v₂</td><td>10.6931</td>" in html


def test_digits_reach_the_worked_example_page_and_bad_digits_are_one_line(capsys, tmp_path):
    page = tmp_path / "w.html"
    status, _, err = run(capsys, "worked-example", "--digits", "5", "--html", str(page))
    assert (status, err) == (0, f"wrote {page}\n")
    assert "o4 = σ(i4) = σ(−0.7) = 0.33181" in page.read_text(encoding="utf-8")  # 1/(1 + e^0.7)
    for command in (["worked-example"], ["trace", "x*y", "--at", "x=1", "y=2", "--html",
                                         str(page)]):
        status, out, err = run(capsys, *command, "--digits", "0")
        assert status == 2 and err.count("\n") == 1 and "from 1 to 17; got 0" in err
