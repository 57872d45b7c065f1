"""The live app's Step view as an instrument, in Chromium at phone and laptop size against a real
`backprop serve`: a number changed in place on the picture, a weight frozen, rewinding and
moving by updates, the whole state in the address, a unit's formulas by mouse or keyboard, and a
field that cannot be read answered beside it with nothing failing in the console."""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect
from test_app_browser import SIZES, cell, open_view, shown, sigmoid

from lab import spec as specs


@pytest.fixture(params=list(SIZES))
def tab(request, browser, server):
    """A tab whose console must stay free of errors of any kind, failed requests included."""
    context = browser.new_context(**SIZES[request.param])
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400
            else None)
    page.size = request.param
    yield page
    context.close()
    assert errors == []


def link(tab, href: str):
    """A link of the Step view's picture (an SVG ``<a>``: its href is in the xlink namespace)."""
    return tab.locator(f'#view-step .bp-picture a[*|href="{href}"]')


def change_in_place(tab, href: str, text: str, freeze: bool = False) -> None:
    link(tab, href).click()
    editor = tab.locator("#view-step .editor")
    expect(editor).to_be_visible()
    number = editor.locator("input[inputmode]")
    expect(number).to_be_focused()
    number.fill(text)
    if freeze:
        editor.locator(".freeze input").check()
    number.press("Enter")
    expect(editor).to_be_hidden()


def cli_step(tmp_path: Path, **settings) -> dict[str, float]:
    """``backprop step SPEC --json`` on the lecture's spec with ``settings``: name → value of
    the first update's quantities."""
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(specs.lecture().with_settings(**settings).to_dict()))
    out = subprocess.run([sys.executable, "-m", "viz.cli", "step", str(path), "--json"],
                         capture_output=True, text=True, check=True).stdout
    return {q["name"]: q["value"] for q in json.loads(out)["steps"][0]["quantities"]}


def test_w46_changed_in_place_changes_o6_and_delta6_as_backprop_step_does(tab, server, tmp_path):
    open_view(tab, server, "?view=step&digits=4")
    expect(cell(tab, "Forward pass", "6", 2)).to_have_text("0.4739")  # the slide's o6
    change_in_place(tab, "#p:w46", "0.5")
    # by hand: o4 = σ(−0.7), o5 = σ(0.1), i6 = 0.5·o4 + (−0.2)·o5 + 0.1, E = (t − o6)²
    o6 = sigmoid(0.5 * sigmoid(-0.7) - 0.2 * sigmoid(0.1) + 0.1)
    d6 = 2 * (1 - o6) * o6 * (1 - o6)
    cli = cli_step(tmp_path, weights={**specs.lecture().weights, "w46": 0.5})
    assert math.isclose(cli["o6"], o6, rel_tol=1e-12) and math.isclose(cli["delta6"], d6,
                                                                       rel_tol=1e-12)
    expect(tab.locator("#step-form input[name=w46]")).to_have_value("0.5")
    assert shown(cli["o6"]) == shown(o6) and shown(cli["delta6"]) == shown(d6)
    expect(cell(tab, "Forward pass", "6", 2)).to_have_text(shown(o6))
    expect(cell(tab, "Error terms", "6", 1)).to_have_text(shown(d6))
    expect(link(tab, "#p:w46")).to_contain_text("w46 = 0.5")
    assert "w46=0.5" in tab.url


def test_a_frozen_w14_keeps_its_value_in_the_update_and_the_picture_marks_it(tab, server,
                                                                              tmp_path):
    open_view(tab, server, "?view=step")
    change_in_place(tab, "#p:w14", "0.2", freeze=True)
    row = "w14 (frozen)"
    old, gradient, step, new = (cell(tab, "Updates", row, k).inner_text()
                                 for k in (1, 2, 3, 4))
    assert old == new == "0.2" and step == "0" and gradient != "0"
    assert cli_step(tmp_path, frozen=["w14"])["new_w14"] == 0.2  # as the command line has it
    expect(link(tab, "#p:w14")).to_contain_text("(frozen)")
    tab.locator("#view-step .bp-slider").fill("37")  # the last frame: every weight old → new
    expect(link(tab, "#p:w14")).to_contain_text("w14: 0.2 → 0.2 (frozen)")
    assert re.search(r"frozen=w14(&|$)", tab.url)


def test_rewind_and_moving_by_updates_return_to_frame_1_and_the_initial_weights(tab, server):
    open_view(tab, server, "?view=step")
    counter = tab.locator("#view-step .bp-counter")
    tab.click("#step-next-update")  # past the one update: a second pass over the example
    expect(counter).to_have_text("Frame 38 / 74")
    sentence = tab.locator("#view-step .bp-frame:not([hidden]) .bp-text")
    expect(sentence).to_contain_text("Step 2 (epoch 2, example 1)")
    expect(tab.locator("#step-form input[name=epochs]")).to_have_value("2")
    tab.click("#step-back-update")
    expect(counter).to_have_text("Frame 1 / 74")
    tab.click("#view-step .bp-next")
    tab.click("#view-step .bp-next")
    expect(counter).to_have_text("Frame 3 / 74")
    tab.click("#step-rewind")
    expect(counter).to_have_text("Frame 1 / 74")
    expect(tab.locator("#view-step .bp-picture[data-frame='1'] svg")).to_be_visible()
    for name, value in {"w14": "0.2", "w15": "−0.3", "w46": "−0.3", "b4": "−0.4"}.items():
        expect(link(tab, f"#p:{name}")).to_have_text(re.compile(rf"^\s*{name} = {value}\s*$"))


def test_a_reload_brings_back_the_edits_the_frozen_weight_and_the_frame(tab, server):
    open_view(tab, server, "?view=step")
    change_in_place(tab, "#p:w46", "0.5")
    change_in_place(tab, "#p:b4", "-0.4", freeze=True)
    for _ in range(4):
        tab.click("#view-step .bp-next")
    expect(tab.locator("#view-step .bp-counter")).to_have_text("Frame 5 / 37")
    expect(tab).to_have_url(re.compile(r"frame=5"))
    tab.reload()
    tab.wait_for_selector("body[data-ready=true]")
    expect(tab.locator("#view-step .bp-counter")).to_have_text("Frame 5 / 37")
    expect(tab.locator("#view-step .bp-picture[data-frame='5'] svg")).to_be_visible()
    expect(tab.locator("#step-form input[name=w46]")).to_have_value("0.5")
    expect(tab.locator("#step-form input[name=b4]")).to_have_class(re.compile("frozen"))
    expect(cell(tab, "Updates", "b4 (frozen)", 4)).to_have_text("−0.4")


def test_a_field_that_cannot_be_read_keeps_the_picture_and_shows_one_message(tab, server):
    open_view(tab, server, "?view=step")
    picture = tab.locator("#view-step .bp-picture svg")
    expect(picture).to_be_visible()
    field = tab.locator("#step-form input[name=w14]")
    # one input event: typed key by key, a busy machine may let the page read "0" or "0.3" first
    field.fill("0.3x")
    message = tab.locator("#view-step [role=alert]:visible")
    expect(message).to_have_count(1)
    expect(message).to_have_text("the value of w14 must be a number, got '0.3x'")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(picture).to_be_visible()
    expect(tab.locator("#view-step .bp-controls .bp-next")).to_be_enabled()
    # the last numbers that could be read
    expect(cell(tab, "Forward pass", "4", 1)).to_have_text("−0.7")
    field.press("Backspace")
    expect(message).to_have_count(0)
    expect(cell(tab, "Forward pass", "4", 1)).to_have_text("−0.6")  # 0.3·1 + 0.4·0 − 0.5·1 − 0.4


def test_a_learning_rate_below_0_is_named_beside_its_field_and_a_decimal_comma_is_read(
        tab, server):
    open_view(tab, server, "?view=step")
    lr = tab.locator("#step-form input[name=lr]")
    lr.fill("-1")  # checked as a spec file's lr is, the message stands beside η
    message = tab.locator("#view-step [role=alert]:visible")
    expect(message).to_have_text("η (lr): the learning rate must be above 0, got -1")
    expect(lr).to_have_attribute("aria-invalid", "true")
    lr.fill("0,9")  # the slide's η, with a decimal comma as an answers file may have it
    expect(message).to_have_count(0)
    tab.locator("#step-form input[name=w14]").fill("0,3")
    expect(cell(tab, "Forward pass", "4", 1)).to_have_text("−0.6")  # 0.3·1 + 0.4·0 − 0.5·1 − 0.4


def test_tab_reaches_a_unit_and_enter_shows_its_formulas(tab, server):
    open_view(tab, server, "?view=step")
    # the first frame's picture (fetched after the page is ready) holds the units' links
    tab.wait_for_function(
        """() => document.querySelector("#view-step .bp-picture a[*|href='#u:4']")""")
    tab.locator("#view-step .bp-slider").focus()
    for _ in range(80):
        tab.keyboard.press("Tab")
        if tab.evaluate("document.activeElement.getAttribute('xlink:href')") == "#u:4":
            break
    else:
        pytest.fail("Tab never reached unit 4 on the picture")
    tab.keyboard.press("Enter")
    box = tab.locator("#view-step .unit-formulas")
    expect(box).to_be_visible()
    expect(box.locator("h2")).to_be_focused()
    i4 = box.locator("tr", has=tab.locator("td:text-is('i4')")).locator("td")
    # the slide's net input of unit 4, in symbols and with its numbers
    expect(i4.nth(1)).to_have_text("w14·x1 + w24·x2 + w34·x3 + b4")
    expect(i4.nth(2)).to_have_text("0.2·1 + 0.4·0 + (−0.5)·1 + (−0.4)")
    expect(i4.nth(3)).to_have_text("−0.7")
    d4 = box.locator("tr", has=tab.locator("td:text-is('δ4')")).locator("td")
    expect(d4.nth(1)).to_have_text("o4·(1 − o4)·w46·δ6")
    # each frame's sentence is said to a screen reader
    tab.click("#view-step .bp-next")
    live = tab.locator("#view-step .bp-live")
    assert live.get_attribute("aria-live") == "polite"
    expect(live).to_contain_text("Frame 2 of 37. i4 = w14·x1")


def test_the_learning_rate_changed_on_the_picture_changes_every_update(tab, server):
    open_view(tab, server, "?view=step&digits=4")
    change_in_place(tab, "#lr:η", "0.5")
    expect(tab.locator("#step-form input[name=lr]")).to_have_value("0.5")
    # by hand, the slide's network: ∂E/∂w46 = −δ6·o4, w46 ← w46 − η·∂E/∂w46 with η = 0.5
    o4, o5 = sigmoid(-0.7), sigmoid(0.1)
    o6 = sigmoid(-0.3 * o4 - 0.2 * o5 + 0.1)
    d6 = 2 * (1 - o6) * o6 * (1 - o6)
    expect(cell(tab, "Updates", "w46", 4)).to_have_text(shown(-0.3 - 0.5 * (-d6 * o4)))
    expect(link(tab, "#lr:η")).to_have_text(re.compile(r"^\s*η = 0\.5\s*$"))


def test_a_number_changed_with_the_keyboard_gives_the_focus_back_to_it(tab, server):
    open_view(tab, server, "?view=step")
    link(tab, "#p:w14").focus()
    tab.keyboard.press("Enter")
    number = tab.locator("#view-step .editor input[inputmode]")
    expect(number).to_be_focused()
    tab.keyboard.type("0.5")  # the number was selected: typing replaces it
    tab.keyboard.press("Enter")
    expect(link(tab, "#p:w14")).to_contain_text("w14 = 0.5")
    expect(link(tab, "#p:w14")).to_be_focused()  # the new picture's w14, ready for Tab
