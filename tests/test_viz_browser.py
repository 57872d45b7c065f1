"""The HTML stepper in a real headless Chromium, on a phone (390×844, touch) and a laptop
(1366×768): the page fits the screen, the picture is visible and its text legible, nodes stay put
from frame to frame, the keyboard alone steps through it, each frame is announced, and the tables
reveal their rows frame by frame. Nothing is fetched, nothing is logged as an error. Screenshots
of both sizes are kept in test-artifacts/."""

from pathlib import Path

import pytest
from worked_by_hand import SLIDE, by_hand

from autograd_core import parse
from lab.examples import worked_example_step
from viz import export_html, steps
from viz.drawing import number

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
SIZES = {
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
              "device_scale_factor": 3},
    "laptop": {"viewport": {"width": 1366, "height": 768}},
}
# a notebook's output area is about 960 px wide: checked for fit as the two sizes above
NOTEBOOK = {"viewport": {"width": 960, "height": 800}}
LEGIBLE_PX = 10  # the smallest node text a student can read, in CSS px


@pytest.fixture(scope="module")
def stepper_files(tmp_path_factory) -> dict[str, tuple[Path, int]]:
    """The worked example's stepper and the trace stepper of Baydin's ln(x1) + x1·x2 − sin(x2)."""
    folder = tmp_path_factory.mktemp("stepper")
    y, _ = parse("ln(x1) + x1*x2 - sin(x2)", x1=2, x2=5)
    files = {}
    for name, frames in (("worked", steps(worked_example_step())), ("trace", steps(y))):
        files[name] = (export_html(frames, folder / f"{name}.html"), len(frames))
    return files


@pytest.fixture
def open_page(browser, stepper_files):
    """open_page(kind, size) → the stepper page in a fresh tab; every request but the page
    itself is refused and recorded, console errors and uncaught exceptions collected."""
    opened = []

    def open_(kind: str, size: str):
        path, _ = stepper_files[kind]
        url = path.as_uri()
        context = browser.new_context(**SIZES.get(size, NOTEBOOK))
        opened.append(context)
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
        return tab, fetched, errors

    yield open_
    for context in opened:
        context.close()


def visible(tab):
    frame = tab.locator(".bp-frame:not([hidden])")
    assert frame.count() == 1
    return frame


# Where each node of the shown frame is in its picture, by the node's Graphviz name (its
# <title>): relative to the picture, since its box may pan to the frame's node on a phone.
_NODE_PLACES = """() => {
  const picture = document.querySelector(".bp-picture");
  const svg = picture.querySelector("svg").getBoundingClientRect();
  const places = {};
  for (const g of picture.querySelectorAll("g.node")) {
    const r = g.getBoundingClientRect();
    places[g.querySelector("title").textContent] = [r.x - svg.x, r.y - svg.y, r.width];
  }
  return places;
}"""

# Whether the highlighted node of the shown frame lies inside the picture's visible box.
_HOT_NODE_IN_VIEW = """() => {
  const box = document.querySelector(".bp-picture");
  const hot = box.querySelector('[fill="#ffe680"]');
  if (!hot) { return null; }
  const b = box.getBoundingClientRect(), h = hot.getBoundingClientRect();
  return h.left >= b.left - 1 && h.right <= b.right + 1;
}"""

# The smallest node text of the shown picture as rendered, in CSS px: its font size in the SVG's
# units times the CSS px per unit the picture is drawn at.
_SMALLEST_NODE_TEXT = """() => {
  const svg = document.querySelector(".bp-picture svg");
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  const sizes = [...svg.querySelectorAll("g.node text")].map(
      t => parseFloat(t.getAttribute("font-size")) * scale);
  return Math.min(...sizes);
}"""


def test_stepper_walks_from_the_inputs_to_the_updated_weights_offline(open_page, stepper_files):
    tab, fetched, errors = open_page("worked", "laptop")
    _, count = stepper_files["worked"]
    counter = tab.locator(".bp-counter")

    assert counter.inner_text() == f"Frame 1 / {count}"
    first = visible(tab)
    assert first.locator(".bp-text").inner_text() == (
        "Inputs x1 = 1, x2 = 0, x3 = 1 enter units 1–3; the target is t = 1.")
    pictured = "\n".join(tab.locator(".bp-picture svg text").all_text_contents())
    for shown in ("x1 = 1", "x2 = 0", "x3 = 1", "w14 = 0.2", "w46 = −0.3", "t = 1"):
        assert shown in pictured
    assert tab.get_by_role("button", name="Previous").is_disabled()

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
    last = "\n".join(tab.locator(".bp-picture svg text").all_text_contents())
    new = by_hand("squared")["new"]  # w ← w − 0.9·∂E/∂w for E = (t − o6)², by hand
    for name, old in SLIDE.items():
        assert f"{name}: {number(old, 3)} → {number(new[name], 3)}" in last, name

    assert fetched == []
    assert errors == []


@pytest.mark.parametrize("size", [*SIZES, "notebook"])
@pytest.mark.parametrize("kind", ["worked", "trace"])
def test_page_fits_the_screen_with_the_picture_visible_and_its_text_legible(open_page, kind,
                                                                           size):
    tab, fetched, errors = open_page(kind, size)
    viewport = SIZES.get(size, NOTEBOOK)["viewport"]
    width = viewport["width"]
    # the viewport meta tag: a phone lays the page out at its own width, not 980 px at 0.4×
    assert tab.evaluate("innerWidth") == width
    assert tab.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scroll
    box = tab.locator(".bp-picture svg").bounding_box()
    assert box["width"] > 100 and box["height"] > 50
    assert box["y"] < viewport["height"]  # on the first screen, not below it
    assert tab.evaluate(_SMALLEST_NODE_TEXT) >= LEGIBLE_PX
    # the tables come after the picture; on a phone folded, so the picture is what one sees
    tables = tab.locator("details.bp-tables")
    assert tables.bounding_box()["y"] > box["y"] or size == "laptop"
    assert tables.evaluate("d => d.open") == (size != "phone")
    ARTIFACTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / f"stepper-{kind}-{size}-first.png"), full_page=True)
    tab.keyboard.press("End")
    assert tab.evaluate(_SMALLEST_NODE_TEXT) >= LEGIBLE_PX
    assert tab.evaluate("document.documentElement.scrollWidth") <= width
    tab.screenshot(path=str(ARTIFACTS / f"stepper-{kind}-{size}-last.png"), full_page=True)
    assert fetched == [] and errors == []


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("kind", ["worked", "trace"])
def test_every_node_keeps_its_place_in_every_frame(open_page, stepper_files, kind, size):
    tab, _, _ = open_page(kind, size)
    _, count = stepper_files[kind]
    first = tab.evaluate(_NODE_PLACES)  # then each node where it first appears (E: once known)
    assert len(first) >= 6
    for k in range(2, count + 1):
        tab.keyboard.press("ArrowRight")
        places = tab.evaluate(_NODE_PLACES)
        for name, (x, y, w) in places.items():
            x0, y0, w0 = first.setdefault(name, (x, y, w))
            assert (x, y, w) == (pytest.approx(x0, abs=1), pytest.approx(y0, abs=1),
                                 pytest.approx(w0, abs=1)), (k, name)


def test_the_keyboard_alone_steps_through_and_keeps_the_focus_on_a_control(open_page,
                                                                         stepper_files):
    tab, _, errors = open_page("trace", "laptop")
    _, count = stepper_files["trace"]
    counter = tab.locator(".bp-counter")
    for _ in range(10):  # Tab to the Next button, as a keyboard user does
        tab.keyboard.press("Tab")
        if tab.evaluate("document.activeElement.className") == "bp-next":
            break
    assert tab.evaluate("document.activeElement.className") == "bp-next"
    tab.keyboard.press("Enter")
    assert counter.inner_text() == f"Frame 2 / {count}"
    tab.keyboard.press("Space")
    assert counter.inner_text() == f"Frame 3 / {count}"
    for _ in range(count):
        tab.keyboard.press("Enter")
    assert counter.inner_text() == f"Frame {count} / {count}"
    # Next is disabled now; the focus went to the slider instead of getting lost on the page,
    # where the arrow keys go on stepping
    assert tab.evaluate("document.activeElement.className") == "bp-slider"
    tab.keyboard.press("ArrowLeft")
    assert counter.inner_text() == f"Frame {count - 1} / {count}"
    tab.keyboard.press("Home")
    assert counter.inner_text() == f"Frame 1 / {count}"
    tab.keyboard.press("End")
    assert counter.inner_text() == f"Frame {count} / {count}"
    assert errors == []


def test_each_frame_is_announced_and_its_picture_labelled_with_its_sentence(open_page,
                                                                          stepper_files):
    tab, _, _ = open_page("trace", "phone")
    _, count = stepper_files["trace"]
    live = tab.locator("[aria-live=polite]")
    slider = tab.locator(".bp-slider")
    assert live.count() == 1
    said = []
    for k in (2, 3):
        tab.get_by_role("button", name="Next").click()
        sentence = visible(tab).locator(".bp-text").inner_text()
        said.append(live.text_content())
        assert said[-1] == f"Frame {k} of {count}. {sentence}"
        picture = tab.locator(".bp-picture")
        assert picture.get_attribute("role") == "img"
        assert picture.get_attribute("aria-label") == sentence
        assert slider.get_attribute("aria-valuetext") == f"Frame {k} of {count}: {sentence}"
    assert said[0] != said[1]
    assert said[1].endswith("v₂ = v₋₁ × v₀ = 2 × 5 = 10")


def test_table_rows_appear_at_their_frame_and_the_current_one_is_highlighted(open_page):
    tab, _, _ = open_page("trace", "laptop")
    adjoint = tab.locator("table").nth(1).locator("tbody tr")
    assert adjoint.count() == 9
    assert all(not adjoint.nth(k).is_visible() for k in range(9))  # frame 1: no adjoint yet
    # to the frame of the accumulation v̄₀ = v̄₀ + v̄₂ · ∂v₂/∂v₀ (the survey's 8th row)
    while not visible(tab).locator(".bp-text").inner_text().startswith("v̄₀ = v̄₀ + v̄₂"):
        tab.keyboard.press("ArrowRight")
    now = tab.locator("tr.bp-now")
    assert now.count() == 2 - 1  # one row is the current one, in the adjoint table
    assert now.locator("td").first.inner_text() == "v̄₀"
    assert "v̄₀ + v̄₂ · ∂v₂/∂v₀" in now.inner_text()
    shown = [adjoint.nth(k).is_visible() for k in range(9)]
    assert shown == [True] * 8 + [False]  # the last contribution, to v̄₋₁, is still to come


def test_on_a_phone_the_picture_pans_to_the_unit_each_frame_is_about(open_page, stepper_files):
    tab, _, errors = open_page("worked", "phone")
    _, count = stepper_files["worked"]
    seen = []
    for _ in range(count - 1):
        tab.keyboard.press("ArrowRight")
        seen.append(tab.evaluate(_HOT_NODE_IN_VIEW))
    # the output unit 6 lies past a phone's width: its frames must pan to it
    assert seen.count(True) > 10 and False not in seen and errors == []
