"""Solution sheets: every number written as on the board (formula, the numbers put in, the
result), checked against the lecture worked by hand; printed to A4 by headless Chromium
(`backprop step SPEC --solution F.pdf`), each page rendered to a PNG (pypdfium2) and read back:
A4 pages, every number's result on a page within its bounds, nothing wider than the paper."""

from __future__ import annotations

import re
import subprocess
import sys

import pypdfium2
import pytest
from planted_lecture import LECTURE, TEMPLATE, right
from test_grading_mistakes import TANH
from worked_by_hand import by_hand

import lab
from viz.solution_sheet import solution_html

A4_POINTS = (595.3, 841.9)


def sheet_lines(html: str) -> dict[str, list[str]]:
    """answers name → the sheet's lines for it, as text."""
    out = {}
    for name, body in re.findall(r'<div class="q" data-name="([^"]+)">(.*?)</div></div>', html,
                                 re.S):
        text = re.sub(r"<[^>]+>", "\n", body)
        out[name] = [t.strip() for t in text.split("\n") if t.strip()]
    return out


def test_each_number_is_formula_then_numbers_then_result():
    h = by_hand()
    d = h["delta"]
    lines = sheet_lines(solution_html(lab.step(lab.spec.load(LECTURE)), student="s1"))
    # written out from the slide's numbers by hand: o4 = σ(−0.7) = 0.3318, δ6 = 0.2623
    assert lines["delta4"] == ["δ4", "= o4·(1 − o4)·w46·δ6",
                               "= 0.3318·(1 − 0.3318)·(−0.3)·0.2623", "=", "−0.01745"]
    assert lines["i4"] == ["i4", "= w14·x1 + w24·x2 + w34·x3 + b4",
                           "= 0.2·1 + 0.4·0 + (−0.5)·1 + (−0.4)", "=", "−0.7"]
    assert lines["new_w46"][1:3] == ["= w46 − η·∂E/∂w46", "= −0.3 − 0.9·(−0.08705)"]
    # the results, to 4 significant figures, are the hand calculation's
    for name, value in [("o4", h["o4"]), ("o6", h["o6"]), ("delta6", d["6"]),
                        ("delta4", d["4"]), ("grad_w46", h["grads"]["w46"]),
                        ("new_w46", h["new"]["w46"])]:
        assert float(lines[name][-1].replace("−", "-")) == pytest.approx(value, rel=5e-4)
    assert len(lines) == 32 + 3  # the 32 asked numbers and ∂E/∂o for units 4, 5, 6


@pytest.mark.parametrize("which", ["lecture", "per-epoch tanh"])
def test_the_sheet_prints_on_a4_with_nothing_cut_off(tmp_path, which, browser):
    source = LECTURE if which == "lecture" else tmp_path / "tanh.toml"
    if which != "lecture":
        source.write_text(TANH)
    pdf = tmp_path / "solution.pdf"
    done = subprocess.run([sys.executable, "-m", "viz.cli", "step", str(source), "--solution",
                           str(pdf)], capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    html = (tmp_path / "solution.html").read_text()
    lines = sheet_lines(html)
    doc = pypdfium2.PdfDocument(pdf)
    text = ""
    for n, page in enumerate(doc, 1):
        assert page.get_size() == pytest.approx(A4_POINTS, abs=1)
        # a screenshot of each page, looked at while writing this test
        page.render(scale=1.2).to_pil().save(tmp_path / f"page{n}.png")
        text += page.get_textpage().get_text_bounded()  # only what lies on the page
    flat = re.sub(r"\s+", "", text)
    for name, sheet in lines.items():
        for line in sheet:  # every line of every number, whole, on some page
            assert re.sub(r"\s+", "", line) in flat, (name, line)
    assert len(doc) >= 2 if which == "lecture" else len(doc) >= 5
    # in Chromium's print layout at A4's width, no block is wider than the paper
    page = browser.new_page()
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 794 - 2 * 53, "height": 1123})  # A4 less 14 mm margins
    page.goto((tmp_path / "solution.html").as_uri())
    too_wide = page.evaluate("""() => [...document.querySelectorAll('.q, h1, h2, p, svg')]
        .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1
                     || e.scrollWidth > e.clientWidth + 1)
        .map(e => e.dataset.name || e.tagName)""")
    page.close()
    assert too_wide == []


def test_assign_solutions_writes_each_students_own_sheet(tmp_path):
    (tmp_path / "homework.toml").write_text(TEMPLATE)
    (tmp_path / "roster.csv").write_text("id,name\ns1,Ada\ns2,Ben\n")
    done = subprocess.run([sys.executable, "-m", "viz.cli", "assign",
                           str(tmp_path / "homework.toml"), "--roster",
                           str(tmp_path / "roster.csv"), "--out", str(tmp_path / "class"),
                           "--solutions"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    for student in ("s1", "s2"):
        spec = lab.spec.load(tmp_path / "class" / student / "spec.toml")
        html = (tmp_path / "class" / student / "solution.html").read_text()
        lines = sheet_lines(html)
        w46 = spec.weights["w46"]
        # the update of w46 with this student's w46, and the result worked by hand
        assert lines["new_w46"][2].startswith(f"= {w46:g}".replace("-", "−") + " − 0.9·")
        mine = right(spec)
        for name in ("o6", "delta6", "delta4", "new_w46"):
            assert float(lines[name][-1].replace("−", "-")) == pytest.approx(mine[name],
                                                                               rel=5e-4)
        assert f"for {student}" in html
