"""The one stepper (viz/static/stepper.js) on every frame of its three pages, in Chromium on a
390×844 phone and at 1366×768: the lesson page (`backprop worked-example --html`), the exercise
page (`backprop step SPEC --html F --exercise`, each question passed by the hint ladder) and the
live app's Step view. On each frame what the picture is about (its highlighted unit, or its
weight's edge label: the drawing marks them with class bp-hot) lies inside the visible part of
the picture box, and the picture does not move down from frame to frame. Screenshots of the
update frames are kept in test-artifacts/."""

import re
from pathlib import Path

import pytest

from viz.cli import main

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
SPEC = Path(__file__).resolve().parent.parent / "lab" / "specs" / "worked_example.toml"
SIZES = {"phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True,
                   "has_touch": True, "device_scale_factor": 3},
         "laptop": {"viewport": {"width": 1366, "height": 768}}}
FRAMES = 37  # the lecture's update: 25 frames forward and backward, 11 parameters' updates, 1

# For the picture box ``box``: each marked unit and each marked edge's label, whether it lies
# inside the box's visible part (its client area, scrolled); and where the box is on the page.
_ABOUT = """box => {
  const b = box.getBoundingClientRect();
  const v = {left: b.left + box.clientLeft, top: b.top + box.clientTop};
  v.right = v.left + box.clientWidth; v.bottom = v.top + box.clientHeight;
  const inside = (e) => { const r = e.getBoundingClientRect();
    return r.width > 0 && r.left >= v.left - 1 && r.right <= v.right + 1
      && r.top >= v.top - 1 && r.bottom <= v.bottom + 1; };
  const hot = [...box.querySelectorAll(".bp-hot")];
  const units = hot.filter((g) => !g.classList.contains("edge"));
  const edges = hot.filter((g) => g.classList.contains("edge"));
  return {units: units.map((g) => [g.getAttribute("data-key") || g.querySelector("title")
                                     .textContent, inside(g)]),
          labels: edges.map((g) => [g.getAttribute("data-key") || g.id,
                                    [...g.querySelectorAll("text")].every(inside)]),
          top: b.top + scrollY, frame: box.getAttribute("data-frame")};
}"""


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """The lesson page and the exercise page, written by the command line."""
    folder = tmp_path_factory.mktemp("pages")
    lesson, exercise = folder / "lesson.html", folder / "exercise.html"
    assert main(["worked-example", "--html", str(lesson)]) == 0
    assert main(["step", str(SPEC), "--html", str(exercise), "--exercise"]) == 0
    return {"lesson": lesson, "exercise": exercise}


def open_tab(browser, size):
    context = browser.new_context(**SIZES[size])
    tab = context.new_page()
    errors: list[str] = []
    tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: errors.append(str(e)))
    return context, tab, errors


def check_about(seen: list[tuple[str, dict]], tops: list[float] | None = None) -> None:
    """Every frame's marked units and edge labels in view; the frames that mark nothing are
    the first (all inputs) and the last (every weight). The picture box stays where it is from
    frame to frame: at each frame as shown, or (an exercise, where the hints asked for lengthen
    the frame being answered) at each frame as reached, ``tops``."""
    assert len(seen) == FRAMES
    tops = tops or [about["top"] for _, about in seen]
    assert max(tops) - min(tops) <= 1, tops
    unmarked = [k for k, (_, about) in enumerate(seen, 1) if not about["units"] + about["labels"]]
    assert unmarked == [FRAMES], unmarked  # frame 1 marks the input units
    for k, (caption, about) in enumerate(seen, 1):
        assert all(ok for _, ok in about["units"] + about["labels"]), (k, caption, about)
        # an update's frame is about its parameter: the weight's edge, or the bias's unit
        update = re.match(r"(w(\d)(\d)|b(\d)) ←", caption)
        if update and update[2]:
            assert [key for key, _ in about["labels"]] == [f"w{update[2]}-{update[3]}"], k
        elif update:
            assert [key for key, _ in about["units"]] == [f"u{update[4]}"], k


def walk(tab, root: str, name: str, size: str, reach=lambda k, box: None) -> list:
    """Through every frame of the stepper in ``root`` with its Next button, ``reach(k, box)``
    first on each: (caption, what is marked and where) per frame; screenshots of two update
    frames (unit 6 and the old → new labels lay outside a phone's picture before)."""
    box = tab.locator(f"{root} .bp-picture")
    seen = []
    for k in range(1, FRAMES + 1):
        reach(k, box)
        assert box.get_attribute("data-frame") == str(k)
        seen.append((tab.locator(f"{root} .bp-frame:not([hidden]) .bp-text").inner_text(),
                     box.evaluate(_ABOUT)))
        if k in (2, 26, 37):
            ARTIFACTS.mkdir(exist_ok=True)
            tab.screenshot(path=str(ARTIFACTS / f"every-frame-{name}-{size}-{k}.png"))
        if k < FRAMES:
            tab.locator(f"{root} .bp-next").click()
    return seen


@pytest.mark.parametrize("size", SIZES)
def test_every_frame_of_the_lesson_page_shows_what_it_is_about(browser, pages, size):
    context, tab, errors = open_tab(browser, size)
    tab.goto(pages["lesson"].as_uri())
    check_about(walk(tab, "body", "lesson", size))
    assert errors == []
    context.close()


@pytest.mark.parametrize("size", SIZES)
def test_every_frame_of_the_exercise_page_shows_what_it_is_about(browser, pages, size):
    context, tab, errors = open_tab(browser, size)
    tab.goto(pages["exercise"].as_uri())

    arrived = []  # where the picture is as each frame is reached

    def answer(k, box):  # each question by the hint ladder: formula, with numbers, answer
        frame = tab.locator(".bp-frame:not([hidden])")
        assert frame.get_attribute("data-number") == str(k)
        arrived.append(box.evaluate(_ABOUT)["top"])
        if frame.locator(".bp-prompt").count():
            # until answered, the picture of the frame before (it would show the number)
            assert box.get_attribute("data-frame") == str(k - 1)
            about = box.evaluate(_ABOUT)
            marked = about["units"] + about["labels"]
            assert marked and all(ok for _, ok in marked)
            for _ in range(3):
                frame.locator(".bp-hint").click()
            assert frame.locator(".bp-verdict").inner_text().startswith("Shown.")

    check_about(walk(tab, "body", "exercise", size, answer), arrived)
    assert tab.locator(".bp-score").inner_text().endswith("32 of 32 answered. Done!")
    assert errors == []
    context.close()


@pytest.mark.parametrize("size", SIZES)
def test_every_frame_of_the_apps_step_view_shows_what_it_is_about(browser, server,  # noqa: F811
                                                                  size):
    context, tab, errors = open_tab(browser, size)
    tab.goto(server + "?view=step")
    tab.wait_for_selector("body[data-ready=true]", timeout=30000)

    def loaded(k, box):  # the app fetches each frame's picture when it is shown
        tab.wait_for_selector(f"#view-step .bp-picture[data-frame='{k}'] svg")

    check_about(walk(tab, "#view-step", "app", size, loaded))
    assert [e for e in errors if "status of 4" not in e] == []
    context.close()


# For the picture box: whether the frame's marks all fit in it together, and whether its
# marked units alone do.
_FITS = """box => {
  const fit = (elements) => {
    const parts = elements.map((e) => e.getBoundingClientRect());
    const w = Math.max(...parts.map((r) => r.right)) - Math.min(...parts.map((r) => r.left));
    const h = Math.max(...parts.map((r) => r.bottom)) - Math.min(...parts.map((r) => r.top));
    return w <= box.clientWidth && h <= box.clientHeight;
  };
  const hot = [...box.querySelectorAll(".bp-hot")];
  const units = hot.filter((g) => !g.classList.contains("edge"));
  return {all: fit(hot.flatMap((g) => g.classList.contains("edge") && g.querySelector("text")
                                ? [...g.querySelectorAll("text")] : [g])),
          units: units.length > 0 && fit(units)};
}"""


def test_on_a_wider_network_each_frame_shows_its_weight_or_its_unit(browser, tmp_path):
    from test_stepper_pages import lecture_like

    import lab
    from viz import export_html, steps

    page = export_html(steps(lab.step(lecture_like(6, 6))), tmp_path / "wide.html")
    context, tab, errors = open_tab(browser, "phone")
    tab.goto(page.as_uri())
    box = tab.locator(".bp-picture")
    count = int(tab.locator(".bp-slider").get_attribute("max"))
    apart = 0
    for k in range(1, count + 1):
        about = box.evaluate(_ABOUT)
        marked = about["units"] + about["labels"]
        fits = box.evaluate(_FITS) if marked else None
        if marked and not fits["all"]:  # too far apart for one phone screen
            apart += 1
            # a frame about one weight shows its label (its gradient or update is written
            # there), any other its units: all of them if they fit, else some
            if len(about["labels"]) == 1:
                assert about["labels"][0][1], (k, about)
            else:
                shown = [ok for _, ok in about["units"]]
                assert all(shown) if fits["units"] else any(shown), (k, about)
        else:
            assert all(ok for _, ok in marked), (k, about)
        tab.keyboard.press("ArrowRight")
    assert apart > 10 and errors == []  # the case this test is for did occur
    context.close()
