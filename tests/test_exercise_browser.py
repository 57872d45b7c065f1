"""The exercise page in a real headless Chromium, driven by the keyboard alone: each number hidden
until predicted, right / wrong (each catalogued mistake) / carried-forward verdicts, the hint
ladder, the answers table growing row by row, the score; at phone and laptop sizes, offline.
Screenshots are kept in test-artifacts/."""

import math
from pathlib import Path

import pytest
from worked_by_hand import LR, SLIDE, by_hand

import lab
from autograd_core import parse
from viz import export_html, steps

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
HAND = by_hand()   # the lecture's numbers by hand, E = (t − o6)²
SIZES = {"phone": dict(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                       device_scale_factor=3),
         "laptop": dict(viewport={"width": 1366, "height": 768})}


def sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x))


@pytest.fixture(scope="module")
def lecture_page_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("exercise") / "worked-example.html"
    export_html(steps(lab.step(lab.spec.lecture()), exercise=True), path)
    return path


@pytest.fixture(scope="module")
def trace_page_file(tmp_path_factory):
    y, _ = parse("ln(x1) + x1*x2 - sin(x2)", x1=2, x2=5)
    path = tmp_path_factory.mktemp("exercise") / "trace.html"
    export_html(steps(y, exercise=True), path)
    return path


def open_page(browser, path, size):
    """The page at a size; every other request is refused and recorded, errors collected."""
    context = browser.new_context(**SIZES[size])
    url = path.as_uri()
    fetched, errors = [], []

    def guard(route):
        (route.continue_ if route.request.url == url else route.abort)()
        if route.request.url != url:
            fetched.append(route.request.url)

    context.route("**/*", guard)
    tab = context.new_page()
    tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: errors.append(str(e)))
    tab.goto(url)
    return context, tab, fetched, errors


def frame(tab):
    shown = tab.locator(".bp-frame:not([hidden])")
    assert shown.count() == 1
    return shown


def predict(tab, text):
    """Type a prediction into the focused box, press Enter: the verdict line. Then on (Enter on
    Next, where the focus is; → past frames that ask nothing) to the next question."""
    assert tab.evaluate("document.activeElement.className") == "bp-answer"
    tab.keyboard.type(text)
    tab.keyboard.press("Enter")
    verdict = frame(tab).locator(".bp-verdict").inner_text()
    tab.keyboard.press("Enter")
    while frame(tab).locator(".bp-prompt").count() == 0 and not tab.locator(
            ".bp-next").is_disabled():
        tab.keyboard.press("ArrowRight")
    return verdict


def test_nothing_is_shown_before_it_is_predicted_then_right_and_revealed(browser,
                                                                          lecture_page_file):
    context, tab, fetched, errors = open_page(browser, lecture_page_file, "laptop")
    tab.keyboard.press("ArrowRight")          # from the inputs to i4
    f = frame(tab)
    assert f.locator(".bp-prompt").inner_text() == "i4 = ?"
    page_text = tab.locator("body").inner_text()
    assert "0.7" not in page_text             # i4 = −0.7 nowhere on the page yet
    assert tab.locator(".bp-answers tbody tr").count() == 0
    assert tab.locator("tr[data-frame]:not([hidden])").count() == 0   # no table row yet
    assert "E = " not in page_text                                   # not in a caption either
    assert tab.locator(".bp-next").is_disabled()
    tab.keyboard.press("ArrowRight")          # cannot skip the question
    assert frame(tab).get_attribute("data-number") == "2"
    tab.keyboard.type("-0.7")
    tab.keyboard.press("Enter")
    assert f.locator(".bp-verdict").inner_text().startswith("Right.")
    assert "= −0.7" in f.locator(".bp-reveal .bp-text").inner_text()
    assert tab.locator(".bp-answers tbody tr").count() == 1
    assert tab.evaluate("document.activeElement.className") == "bp-next"
    tab.keyboard.press("Enter")
    assert frame(tab).locator(".bp-prompt").inner_text() == "o4 = ?"
    assert "0.332" not in tab.locator("body").inner_text()   # o4: not in picture or table
    predict(tab, "0.332")
    row = tab.locator("tr[data-frame]:not([hidden])")
    assert row.count() == 1 and row.inner_text().split() == ["4", "−0.7", "0.332"]
    assert fetched == [] and errors == []
    context.close()


def test_each_catalogued_mistake_and_a_carried_forward_number(browser, lecture_page_file):
    """One walk through the worked example; each prediction planted by hand, a mistake made
    with the student's own earlier numbers (their slips included), as the grader judges it."""
    d4, d5, d6 = (HAND["delta"][k] for k in "456")
    context, tab, _, errors = open_page(browser, lecture_page_file, "laptop")
    tab.keyboard.press("ArrowRight")
    o4 = -0.3                                                            # the student's i4, as o4
    i6 = SLIDE["w46"] * o4 + SLIDE["w56"] * HAND["o5"]                   # their o4, b6 left out
    o6 = sigmoid(i6)
    d6_mine = -2 * (1 - o6) * o6 * (1 - o6)                               # (o − t) for (t − o)
    plan = [
        ("i4", "-0.3", "[no-bias]"),                                     # b4 = −0.4 left out
        ("o4", f"{o4}", "[net-for-out]"),                                # o4 = their i4
        ("i5", "0.1", "Right."),
        ("o5", f"{HAND['o5']:.4f}", "Right."),
        ("i6", f"{i6:.4f}", "[no-bias]"),
        ("o6", f"{o6:.4f}", "Carried forward"),                          # σ of the student's i6
        ("E", f"{(1 - o6) ** 2 / 2:.4f}", "[half-factor]"),              # ½(t − o6)², their o6
        ("δ6", f"{d6_mine:.4f}", "[sign]"),
        ("∂E/∂w46", f"{-d6 * HAND['o4']:.4f}", "Right."),
        ("∂E/∂w56", f"{-d6 * HAND['o5']:.4f}", "Right."),
        ("∂E/∂b6", f"{-d6:.4f}", "Right."),
        ("δ5", f"{SLIDE['w56'] * d6_mine:.4f}", "[missing-derivative]"),  # o5(1 − o5) left out
    ]
    plan += [(f"∂E/∂{w}", f"{-d5 * x:.5f}", "Right.")
             for w, x in (("w15", 1), ("w25", 0), ("w35", 1), ("b5", 1))]
    new_w46 = SLIDE["w46"] - LR * HAND["grads"]["w46"]
    plan += [("δ4", f"{o4 * (1 - o4) * new_w46 * d6_mine:.5f}",          # updated w46
              "[updated-weight]")]
    plan += [(f"∂E/∂{w}", f"{-d4 * x:.5f}", "Right.")
             for w, x in (("w14", 1), ("w24", 0), ("w34", 1), ("b4", 1))]
    plan += [("new w46", f"{SLIDE['w46'] - HAND['grads']['w46']:.4f}",   # η left out
              "[learning-rate]")]
    for name, typed, expected in plan:
        assert frame(tab).locator(".bp-prompt").inner_text() == f"{name} = ?"
        verdict = predict(tab, typed)
        assert expected in verdict, (name, typed, verdict)
    rows = tab.locator(".bp-answers tbody tr")
    assert rows.count() == len(plan)
    assert rows.nth(5).locator("td").nth(3).inner_text() == "carried-forward"
    ARTIFACTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / "exercise-laptop.png"))
    assert errors == []
    context.close()


def test_the_hint_ladder_formula_then_numbers_then_answer(browser, lecture_page_file):
    context, tab, _, _ = open_page(browser, lecture_page_file, "phone")
    tab.keyboard.press("ArrowRight")
    hint = frame(tab).locator(".bp-hint")
    hint.click()
    hints = frame(tab).locator(".bp-hints")
    assert hints.inner_text() == "Formula: i4 = w14·x1 + w24·x2 + w34·x3 + b4"
    assert "0.7" not in frame(tab).inner_text()
    hint.click()
    assert "With the numbers: i4 = w14·x1 + w24·x2 + w34·x3 + b4 = 0.2·1 + 0.4·0 + (−0.5)·1 + " \
           "(−0.4)" in hints.inner_text()
    assert hint.inner_text() == "Show the answer"
    hint.click()
    verdict = frame(tab).locator(".bp-verdict").inner_text()
    assert verdict.startswith("Shown.") and "−0.7" in verdict
    assert frame(tab).locator(".bp-reveal").is_visible()
    context.close()


@pytest.mark.parametrize("size", ["phone", "laptop"])
def test_trace_exercise_asks_each_primal_then_adjoint_and_scores(browser, trace_page_file,
                                                                 size):
    # by hand: v₋₁ = x1 = 2, v₀ = x2 = 5; v₁ = ln 2, v₂ = 2·5, v₃ = sin 5, v₄ = v₁ + v₂,
    # v₅ = v₄ − v₃; then the adjoint trace row by row, v̄₀ and v̄₋₁ accumulated over two rows
    v1, v2, v3 = math.log(2), 10.0, math.sin(5)
    answers = [("v₁", f"{v1:.4f}"), ("v₂", "10"), ("v₃", f"{-v3:.4f}"),   # v₃: a wrong sign
               ("v₄", f"{v1 + v2:.4f}"), ("v₅", f"{v1 + v2 - v3:.4f}"),
               ("v̄₄", "1"), ("v̄₃", "-1"), ("v̄₁", "1"), ("v̄₂", "1"),
               ("v̄₀", f"{-1 * math.cos(5):.4f}"), ("v̄₋₁", "5"),
               ("v̄₀", f"{-math.cos(5) + 1 * 2:.4f}"), ("v̄₋₁", f"{5 + 1 * 0.5:.4f}")]
    context, tab, fetched, errors = open_page(browser, trace_page_file, size)
    assert tab.evaluate("window.innerWidth") == SIZES[size]["viewport"]["width"]
    tab.keyboard.press("ArrowRight")
    for name, typed in answers:
        assert frame(tab).locator(".bp-prompt").inner_text() == f"{name} = ?"
        verdict = predict(tab, typed)
        assert verdict.startswith("Wrong." if name == "v₃" else "Right."), (name, verdict)
    assert tab.locator(".bp-score").inner_text() == (
        "Score: 12 right, 0 carried forward, 1 wrong, 0 shown; 13 of 13 answered. Done!")
    # every row of both trace tables is shown now, none before its number was answered
    assert tab.locator("tr[data-frame]:not([hidden])").count() == tab.locator(
        "tr[data-frame]").count()
    # the page fits the screen: nothing wider than the viewport
    assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    ARTIFACTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / f"exercise-trace-{size}.png"), full_page=True)
    assert fetched == [] and errors == []
    context.close()


def test_in_a_notebook_the_exercise_runs_inside_its_own_frame(browser):
    # what Jupyter shows for viz.steps(..., exercise=True): the page in an iframe
    y, _ = parse("x1*x2", x1=3, x2=4)
    html = steps(y, exercise=True)._repr_html_()
    context = browser.new_context(**SIZES["laptop"])
    tab = context.new_page()
    tab.set_content(f"<!DOCTYPE html><html><body>{html}</body></html>")
    inner = tab.frame_locator("iframe")
    inner.locator(".bp-next").click()
    assert inner.locator(".bp-frame:not([hidden]) .bp-prompt").inner_text() == "v₁ = ?"
    inner.locator(".bp-frame:not([hidden]) .bp-answer").fill("12")     # 3 · 4 by hand
    inner.locator(".bp-frame:not([hidden]) .bp-answer").press("Enter")
    assert inner.locator(".bp-verdict.right").count() == 1
    context.close()
