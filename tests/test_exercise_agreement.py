"""One grader: the exercise page and `backprop check --json` give the same verdict, field by
field, for the same typed numbers, on the lecture's example and on a 2-3-1 tanh network with
three examples updated per epoch.

The named answer sets are typed into the page in Chromium (phone and laptop) and read back from
each field's data-verdict; 200+ generated sets go through the page's own grader object
(BPGrader.Sheet on the page's data, the code the fields call) in one evaluate call each.
Expected verdicts come from the command line, never from the page: the two are compared.
"""

from __future__ import annotations

import csv
import io
import json
import math
import random
from pathlib import Path

import pytest
from test_grading_mistakes import TANH  # the 2-3-1 tanh network, three examples per epoch

import lab
from lab.expressions import evaluate
from lab.mistakes import CATALOGUE
from lab.quantities import Sheet
from viz import export_html, steps
from viz.cli import main

SIZES = {"phone": dict(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                       device_scale_factor=3),
         "laptop": dict(viewport={"width": 1366, "height": 768})}


@pytest.fixture(scope="module")
def specs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("specs")
    (folder / "tanh.toml").write_text(TANH, encoding="utf-8")
    return {"lecture": Path(lab.__file__).parent / "specs" / "worked_example.toml",
            "tanh": folder / "tanh.toml"}


@pytest.fixture(scope="module")
def pages(specs, tmp_path_factory):
    folder = tmp_path_factory.mktemp("pages")
    out = {}
    for name, spec in specs.items():
        out[name] = folder / f"{name}.html"
        export_html(steps(lab.step(spec), exercise=True), out[name])
    return out


def check_json(spec: Path, rows: list[tuple[str, str]], folder: Path, capsys) -> dict[str, str]:
    """`backprop check SPEC ANSWERS --json` on these rows: answers name → verdict."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows([("quantity", "value"), *rows])
    answers = folder / "answers.csv"
    answers.write_text(buffer.getvalue(), encoding="utf-8")
    capsys.readouterr()
    status = main(["check", str(spec), str(answers), "--json"])
    assert status in (0, 3), capsys.readouterr().err
    report = json.loads(capsys.readouterr().out)
    return {item["quantity"]: item["verdict"] for item in report["items"]}


def page_verdicts(tab, sets):
    """Each set (a list of (key, text) in the order of the calculation) through a fresh
    BPGrader.Sheet on the page's own data: key → verdict."""
    return tab.evaluate("""sets => sets.map(rows => {
        const sheet = new BPGrader.Sheet(document.getElementById("bp-exercise").bpData);
        const out = {};
        for (const [key, text] of rows) { out[key] = sheet.answer(key, text).verdict; }
        return out; })""", sets)


def asked(spec: Path):
    """The asked quantities in order, with their keys and answers names."""
    return [w for r in lab.step(spec) for w in r.quantities if w.asked]


# ------------------------------------------------------------------ answer sets
def fmt(x: float, style: str) -> str:
    """A number written as a student might: plain (4 figures, or 3 as a hand-in page asks),
    decimal comma, exponent, unicode minus, a (no-break) space inside."""
    text = f"{x:.3e}" if style == "exp" else f"{x:.3g}" if style == "three" else f"{x:.4g}"
    if style == "comma":
        text = text.replace(".", ",")
    elif style == "minus":
        text = text.replace("-", "−")
    elif style == "space" and len(text) > 3:
        text = text[:3] + "\u00a0" + text[3:]
    return text


def named_sets(spec: Path) -> dict[str, list[tuple[str, str]]]:
    """The sets the issue names: all right; an early slip with the rest computed from it by
    plain arithmetic on the student's own numbers; each catalogued mistake; the ways of writing
    a number; empty and text."""
    ws = asked(spec)
    right = {w.key: w.value for r in lab.step(spec) for w in r.quantities}
    sets = {"all right": [(w.key, f"{w.value:.4g}") for w in ws]}
    # a slip in the first output: every later number carried by hand from it
    sheet = Sheet(list(lab.step(spec)))
    slip = next(w for w in ws if w.quantity.kind == "o")
    mine: dict[str, float] = {slip.key: round(slip.value * 1.02 + 0.01, 4)}

    def value(k):
        return mine[k] if k in mine else evaluate(sheet.worked[k].expr, value)

    rows = []
    for w in ws:
        if w.key != slip.key and ws.index(w) > ws.index(slip):
            mine[w.key] = float(f"{value(w.key):.5g}")
        rows.append((w.key, f"{mine.get(w.key, w.value):.5g}"))
    sets["early slip carried"] = rows
    # every way of writing a number in turn, and empty fields and text among them
    styles = ["comma", "exp", "minus", "space", "", "two", "plain", "1.2.3"]
    sets["written every way"] = [(w.key, fmt(w.value, styles[k % 8]) if styles[k % 8] not in (
        "", "two", "1.2.3") else styles[k % 8]) for k, w in enumerate(ws)]
    for m in CATALOGUE:
        for w in ws:
            wrong = [evaluate(e, right.__getitem__) for e in m.wrong(w, sheet)]
            wrong = [x for x in wrong if math.isfinite(x) and abs(x - w.value) > 1e-3]
            if wrong:
                sets[f"mistake {m.id}"] = [(v.key, f"{v.value:.5g}" if v is not w else
                                            f"{wrong[0]:.5g}") for v in ws[:ws.index(w) + 1]]
                break
    return sets


def generated_sets(spec: Path, n: int, seed: int) -> list[list[tuple[str, str]]]:
    """Random answer sets: each number right (in some notation), slipped, a catalogued mistake
    of the student's own numbers, carried from their earlier slips, blank or text."""
    rng = random.Random(seed)
    sheet = Sheet(list(lab.step(spec)))
    ws = asked(spec)
    out = []
    for _ in range(n):
        mine: dict[str, float] = {}

        def value(k, mine=mine):
            return mine[k] if k in mine else evaluate(sheet.worked[k].expr, value)

        rows = []
        for w in rng.sample(ws, k=rng.randint(1, len(ws))) if rng.random() < 0.2 else ws:
            pick = rng.random()
            if pick < 0.35:
                x = w.value
            elif pick < 0.6:
                x = value(w.key)  # carried from the slips so far
            elif pick < 0.75:
                x = w.value * rng.choice([0.9, 1.1, -1, 2, 0.5, 0, 1])
            elif pick < 0.9:
                options = [e for m in CATALOGUE for e in m.wrong(w, sheet)]
                try:
                    x = evaluate(rng.choice(options), value) if options else w.value
                except (ValueError, ZeroDivisionError, OverflowError):
                    x = w.value
            else:
                rows.append((w.key, rng.choice(["", "?", "0.4.7", " "])))
                continue
            if not math.isfinite(x):
                continue
            text = fmt(x, rng.choice(["plain", "three", "three", "comma", "exp", "minus",
                                      "space"]))
            rows.append((w.key, text))
            try:
                mine[w.key] = lab.numbers.read_number(text)
            except ValueError:
                pass
        order = {w.key: k for k, w in enumerate(ws)}
        out.append(sorted(rows, key=lambda r: order[r[0]]))
    return out


# ------------------------------------------------------------------ the tests
def _compare(spec, sets, tab, tmp_path, capsys):
    names = {w.key: w.answer_name for w in asked(spec)}
    for rows, page in zip(sets, page_verdicts(tab, sets), strict=True):
        cli = check_json(spec, [(names[k], text) for k, text in rows], tmp_path, capsys)
        assert {names[k]: v for k, v in page.items()} == cli, rows


@pytest.mark.parametrize("network", ["lecture", "tanh"])
def test_two_hundred_generated_answer_sets_get_the_same_verdicts_on_the_page_and_in_check(
        browser, pages, specs, network, tmp_path, capsys):
    tab = browser.new_page()
    tab.goto(pages[network].as_uri())
    sets = generated_sets(specs[network], 200, seed=len(network))
    _compare(specs[network], sets, tab, tmp_path, capsys)
    verdicts = {v for page in page_verdicts(tab, sets) for v in page.values()}
    # the sets reach every verdict, so the agreement is not about one kind only
    assert verdicts == {"right", "carried-forward", "wrong", "blank", "unreadable"}
    tab.close()


def type_answers(tab, rows, names):
    """Type each answer into its field (found by its answers-file name), leave the field, and
    read its data-verdict; a field left blank or unreadable is passed with the hint ladder."""
    out = {}
    for key, text in rows:
        field = tab.get_by_role("textbox", name=f"({names[key]})")
        while not field.is_visible():
            tab.locator(".bp-next").click()
        field.fill(text)
        field.press("Tab")
        out[names[key]] = field.get_attribute("data-verdict")
        if out[names[key]] in ("blank", "unreadable"):
            hint = tab.locator(".bp-frame:not([hidden]) .bp-hint")
            for _ in range(3):
                hint.click()
    return out


TYPED = [("lecture", "laptop", "all right"), ("lecture", "laptop", "early slip carried"),
         ("lecture", "laptop", "written every way"), ("lecture", "phone", "written every way"),
         ("lecture", "phone", "early slip carried"), ("tanh", "laptop", "early slip carried"),
         ("tanh", "phone", "written every way")]


@pytest.mark.parametrize(("network", "size", "label"), TYPED)
def test_typed_answer_sets_get_the_same_verdicts_field_by_field_as_check(
        browser, pages, specs, network, size, label, tmp_path, capsys):
    names = {w.key: w.answer_name for w in asked(specs[network])}
    rows = named_sets(specs[network])[label]
    if network == "tanh" and size == "phone":
        rows = rows[:24]  # the first example's numbers: typing 110 fields twice is slow
    context = browser.new_context(**SIZES[size])
    tab = context.new_page()
    errors = []
    tab.on("pageerror", lambda e: errors.append(str(e)))
    tab.goto(pages[network].as_uri())
    typed = type_answers(tab, rows, names)
    cli = check_json(specs[network], [(names[k], t) for k, t in rows], tmp_path, capsys)
    assert typed == cli
    assert not errors, errors
    context.close()
    if label == "early slip carried":
        assert list(cli.values()).count("carried-forward") >= 3


@pytest.mark.parametrize("network", ["lecture", "tanh"])
def test_each_catalogued_mistake_gets_the_same_verdict_and_id_on_the_page_and_in_check(
        browser, pages, specs, network, tmp_path, capsys):
    names = {w.key: w.answer_name for w in asked(specs[network])}
    sets = {k: v for k, v in named_sets(specs[network]).items() if k.startswith("mistake")}
    assert len(sets) >= 6
    tab = browser.new_page()
    tab.goto(pages[network].as_uri())
    mistakes = tab.evaluate("""sets => sets.map(rows => {
        const sheet = new BPGrader.Sheet(document.getElementById("bp-exercise").bpData);
        const last = rows[rows.length - 1];
        for (const [key, text] of rows.slice(0, -1)) { sheet.answer(key, text); }
        return sheet.answer(last[0], last[1]).mistake || null; })""", list(sets.values()))
    for (label, rows), page_mistake in zip(sets.items(), mistakes, strict=True):
        buffer = io.StringIO()
        csv.writer(buffer).writerows([(names[k], t) for k, t in rows])
        answers = tmp_path / "answers.csv"
        answers.write_text(buffer.getvalue(), encoding="utf-8")
        capsys.readouterr()
        assert main(["check", str(specs[network]), str(answers), "--json"]) == 3
        item = json.loads(capsys.readouterr().out)["items"][-1]
        assert (item["verdict"], item["mistake"]) == ("wrong", page_mistake), label
        assert page_mistake is not None, label
    tab.close()
