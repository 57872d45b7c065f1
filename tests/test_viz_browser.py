"""The HTML stepper in a real headless Chromium: the first frame shows the inputs, Next and → move
on, the last frame shows the updated weights, nothing is fetched, nothing is logged as an error.
Screenshots of the first and last frame are kept in test-artifacts/."""

from pathlib import Path

import pytest
from worked_by_hand import SLIDE, by_hand

from nn.examples import worked_example_step
from viz import export_html, steps
from viz.drawing import number

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.fixture(scope="module")
def stepper_file(tmp_path_factory) -> tuple[Path, int]:
    frames = steps(worked_example_step())
    path = tmp_path_factory.mktemp("stepper") / "worked-example.html"
    export_html(frames, path)
    return path, len(frames)


@pytest.fixture
def page(browser, stepper_file):
    """The stepper page; every request but the page itself is refused and recorded, and console
    errors and uncaught exceptions are collected."""
    path, _ = stepper_file
    url = path.as_uri()
    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    fetched: list[str] = []
    errors: list[str] = []

    def guard(route):
        if route.request.url == url:
            route.continue_()
        else:
            fetched.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    tab = context.new_page()
    tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: errors.append(str(e)))
    tab.goto(url)
    yield tab, fetched, errors
    context.close()


def visible(tab):
    frame = tab.locator(".bp-frame:not([hidden])")
    assert frame.count() == 1
    return frame


def test_stepper_walks_from_the_inputs_to_the_updated_weights_offline(page, stepper_file):
    tab, fetched, errors = page
    _, count = stepper_file
    counter = tab.locator(".bp-counter")
    ARTIFACTS.mkdir(exist_ok=True)

    assert counter.inner_text() == f"Frame 1 / {count}"
    first = visible(tab)
    assert first.locator(".bp-text").inner_text() == (
        "Inputs x1 = 1, x2 = 0, x3 = 1 enter units 1–3; the target is t = 1.")
    pictured = "\n".join(first.locator("svg text").all_text_contents())
    for shown in ("x1 = 1", "x2 = 0", "x3 = 1", "w14 = 0.2", "w46 = −0.3"):
        assert shown in pictured
    assert tab.get_by_role("button", name="Previous").is_disabled()
    tab.screenshot(path=str(ARTIFACTS / "stepper-first-frame.png"), full_page=True)

    tab.get_by_role("button", name="Next").click()
    assert counter.inner_text() == f"Frame 2 / {count}"
    assert visible(tab).get_attribute("data-number") == "2"
    assert visible(tab).locator(".bp-text").inner_text().startswith("i4 = w14·x1")

    tab.keyboard.press("ArrowRight")
    assert counter.inner_text() == f"Frame 3 / {count}"
    assert visible(tab).locator(".bp-text").inner_text() == "o4 = σ(i4) = σ(−0.7) = 0.332"
    tab.keyboard.press("ArrowLeft")
    assert counter.inner_text() == f"Frame 2 / {count}"

    for _ in range(count):  # past the end: the stepper stays on the last frame
        tab.keyboard.press("ArrowRight")
    assert counter.inner_text() == f"Frame {count} / {count}"
    assert tab.get_by_role("button", name="Next").is_disabled()
    last = "\n".join(visible(tab).locator("svg text").all_text_contents())
    new = by_hand("squared")["new"]  # w ← w − 0.9·∂E/∂w for E = (t − o6)², by hand
    for name, old in SLIDE.items():
        assert f"{name}: {number(old, '{:.3g}')} → {number(new[name], '{:.3g}')}" in last, name
    tab.screenshot(path=str(ARTIFACTS / "stepper-last-frame.png"), full_page=True)

    assert fetched == []
    assert errors == []


def test_stepper_tables_stand_beside_the_frames(page):
    tab, _, errors = page
    tables = tab.locator(".bp-tables table")
    assert tables.count() >= 3  # forward pass, error terms, weight updates
    assert "w46" in tab.locator(".bp-tables").inner_text()
    assert errors == []
