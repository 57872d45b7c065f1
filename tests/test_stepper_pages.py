"""The step and exercise pages as files: the pictures held as one SVG plus each frame's changed
nodes and edges (viz.film) put together give exactly the picture Graphviz draws for that frame;
the page grows linearly with the frames; a page too large is refused from the spec's sizes
before any work; data inside a <script> element cannot end it, whatever the names hold."""

import json
import re
from pathlib import Path

import pytest

import lab
import viz.cli
from autograd_core import parse
from lab.examples import worked_example_step
from viz import steps
from viz.film import film, whole
from viz.network import draw_network
from viz.plain_json import script_json
from viz.stepper_html import MAX_PAGE_FRAMES, expected_frames

PER_EPOCH = Path(__file__).resolve().parents[1] / "docs/specs/two_examples_per_epoch.toml"


def groups(svg: str) -> dict[str, str]:
    """data-key → the group's markup, of a keyed SVG or one keyed group."""
    out = {}
    for part in re.split(r'(?=<g class="[^"]*" data-key=")', svg)[1:]:
        key = re.match(r'<g class="[^"]*" data-key="([^"]*)"', part)[1]
        out[key] = re.sub(r"(</g>\s*)+(</svg>\s*)?$", "", part.strip())
    return out


def frame_pictures(subject) -> list[tuple[dict, dict]]:
    """For each frame, (the picture as the page puts it together, the picture drawn whole):
    the page's rule, in Python: a whole picture, then each later frame's groups over it."""
    frames = steps(subject)
    made = film([f.picture for f in frames])
    shown: dict[str, str] = {}
    out = []
    for frame, entry in zip(frames, made.frames, strict=True):
        if "svg" in entry:
            shown = groups(made.parts[entry["svg"]])
        else:
            for key, part in entry["set"].items():
                if part is None:
                    del shown[key]
                else:
                    shown[key] = groups(made.parts[part])[key]
        out.append((dict(shown), groups(whole(frame.picture.svg()))))
    return out


@pytest.mark.parametrize("subject", ["lecture", "per-epoch", "trace"])
def test_each_frame_put_together_from_its_changes_is_the_picture_drawn_whole(subject):
    if subject == "trace":
        run, _ = parse("ln(x1) + x1*x2 - sin(x2)", x1=2, x2=5)
    else:
        run = lab.step(lab.spec.lecture() if subject == "lecture" else lab.spec.load(PER_EPOCH))
    pictures = frame_pictures(run)
    for k, (put_together, drawn) in enumerate(pictures, 1):
        assert put_together == drawn, k
    # and frames do differ: a picture per frame kept whole would pass the above trivially
    assert len({json.dumps(p, sort_keys=True) for p, _ in pictures}) > len(pictures) // 2


def lecture_like(inputs: int, hidden: int) -> lab.spec.Spec:
    """An inputs-hidden-1 sigmoid network, one example, one update, small weights."""
    names = lab.spec._shape_names(inputs, (hidden, 1), ("sigmoid",), "sigmoid")
    return lab.spec.from_dict({
        "inputs": inputs, "layers": [hidden, 1], "lr": 0.5,
        "weights": {n: round(0.1 * ((k * 7) % 11 - 5), 2) for k, n in enumerate(names)},
        "examples": [{"x": [1.0] * inputs, "t": [1.0]}]})


def test_the_page_grows_as_its_frames_not_as_frames_times_picture():
    small, large = lecture_like(2, 2), lecture_like(8, 8)   # 9 and 81 parameters
    size, count = {}, {}
    for name, spec in (("small", small), ("large", large)):
        frames = steps(lab.step(spec))
        size[name], count[name] = len(frames.to_html()), len(frames)
    frames_ratio = count["large"] / count["small"]
    # each frame inlining its whole picture made it frames × picture: about 40× here
    assert frames_ratio > 5 and size["large"] / size["small"] < 2 * frames_ratio


@pytest.mark.parametrize("spec", ["lecture", "per-epoch", "wide"])
def test_the_frames_a_page_will_have_are_known_from_the_spec_alone(spec):
    loaded = {"lecture": lab.spec.lecture(), "per-epoch": lab.spec.load(PER_EPOCH),
              "wide": lecture_like(4, 3)}[spec]
    assert expected_frames(loaded) == len(steps(lab.step(loaded)))


def test_a_page_too_large_is_refused_from_the_spec_before_any_update_runs(tmp_path, capsys,
                                                                          monkeypatch):
    spec = lecture_like(10, 15)  # 181 parameters
    text = "\n".join(["inputs = 10", "layers = [15, 1]", "lr = 0.5", "epochs = 40", "[weights]",
                      *(f"{n} = {w}" for n, w in spec.weights.items()),
                      "[[examples]]", "x = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]", "t = [1]"])
    path = tmp_path / "big.toml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setattr(viz.cli, "step", lambda *a: pytest.fail("the updates ran"))
    assert viz.cli.main(["step", str(path), "--html", str(tmp_path / "p.html")]) == 2
    err = capsys.readouterr().err
    # 40 updates × (2 + 4·16 units + 181 + 181 + 1) frames, by the count of the frames above
    assert f"would have {40 * (2 + 64 + 362 + 1):,} frames, more than the " \
           f"{MAX_PAGE_FRAMES:,}" in err and err.count("\n") == 1
    assert not (tmp_path / "p.html").exists()


def test_script_json_cannot_end_or_open_markup_and_reads_back_the_same():
    hostile = ["<!--<script>", "</script><b>", "]]>&amp;", "\u2028\u2029", "a>b"]
    text = script_json({"names": hostile})
    assert not re.search(r"[<>&\u2028\u2029]", text)
    assert json.loads(text) == {"names": hostile}
    with pytest.raises(ValueError):
        script_json(float("nan"))


def test_the_drawing_marks_what_it_is_about_a_bias_by_its_unit():
    source = draw_network(worked_example_step().model, highlight={"4", "w46", "b5"}).source
    hot = re.findall(r'\t(u\d) \[[^\n]*class="bp-hot"|id="([\w-]+)"[^\n]*class="bp-hot"', source)
    assert sorted(u or e for u, e in hot) == ["u4", "u5", "w4-6"]


def test_an_exercise_page_with_markup_in_a_display_name_still_works(browser, tmp_path):
    spec = lab.spec.lecture()
    names = {"w14": "<!--<script>", "w24": "</script>", "b4": "&lt;x>"}
    page = tmp_path / "names.html"
    page.write_text(steps(lab.step(spec.with_settings(names=names)), exercise=True).to_html(),
                    encoding="utf-8")
    tab = browser.new_page(viewport={"width": 1366, "height": 768})
    errors: list[str] = []
    tab.on("pageerror", lambda e: errors.append(str(e)))
    tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    tab.goto(page.as_uri())
    tab.keyboard.press("ArrowRight")
    frame = tab.locator(".bp-frame:not([hidden])")
    assert frame.locator(".bp-prompt").inner_text() == "i4 = ?"
    frame.locator(".bp-hint").click()
    # the hint, from the page's data, names the weights as the spec does
    assert frame.locator(".bp-hints").inner_text() == (
        "Formula: i4 = <!--<script>·x1 + </script>·x2 + w34·x3 + &lt;x>")
    frame.locator(".bp-answer").fill("-0.7")  # by hand: 0.2·1 + 0.4·0 + (−0.5)·1 + (−0.4)
    frame.locator(".bp-answer").press("Enter")
    assert frame.locator(".bp-verdict").inner_text().startswith("Right.")
    assert "<!--<script> = 0.2" in tab.locator(".bp-picture").inner_text()
    assert errors == []
    tab.close()


def test_a_layout_of_several_updates_gives_each_unit_the_room_of_its_largest_label():
    from viz.drawing import Layout, _placed
    from viz.steps import _widest

    states = [_widest(r, 3, "LR", False) for r in lab.step(lab.spec.load(PER_EPOCH))]
    assert len(states) == 2 and states[0] != states[1]
    largest: dict[str, tuple[float, float]] = {}
    for state in states:  # each state laid out on its own by dot, as drawn alone
        for o in _placed(state)["objects"]:
            if "width" in o:
                w, h = largest.get(o["name"], (0.0, 0.0))
                largest[o["name"]] = (max(w, float(o["width"])), max(h, float(o["height"])))
    layout = Layout(*states)
    for name, (w, h) in largest.items():
        _, width, height = layout.nodes[name]
        # to half a point: dot rounds a fixed size to whole points
        assert (float(width), float(height)) == (pytest.approx(w, abs=0.5 / 72),
                                                 pytest.approx(h, abs=0.5 / 72)), name
