"""The hand-in page in real headless Chromium, served over HTTP: typed answers survive a reload
and a closed tab (kept in the browser per assignment and student), "Download answers" saves
``<id>.csv``, and that file graded by ``backprop grade`` gets, quantity by quantity, the verdicts
``backprop check --json`` gives. At phone and laptop sizes; screenshots in test-artifacts/."""

import csv
import functools
import json
import re
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from class_by_hand import ASKED, assign_class, backprop, by_hand

from lab.spec import load

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
ROSTER = "id,name\nann,Ann\nbob,Bob\n"
SIZES = {"phone": dict(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                       device_scale_factor=3),
         "laptop": dict(viewport={"width": 1366, "height": 768})}


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    root = tmp_path_factory.mktemp("hand-in")
    assign_class(root, ROSTER)
    server = ThreadingHTTPServer(("127.0.0.1", 0),
                                 functools.partial(_Quiet, directory=str(root / "out")))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def field(tab, name):
    return tab.locator(f'input[data-name="{name}"]')


@pytest.mark.parametrize("size", list(SIZES))
def test_typed_answers_survive_reload_and_a_closed_tab(browser, served, size):
    root, url = served
    context = browser.new_context(**SIZES[size])
    errors = []
    tab = context.new_page()
    tab.on("pageerror", lambda e: errors.append(str(e)))
    tab.goto(f"{url}/ann/exercise.html")
    field(tab, "o4").fill("0.512")
    field(tab, "delta6").fill("−1,5e-3")
    tab.reload()
    assert field(tab, "o4").input_value() == "0.512"
    assert field(tab, "delta6").input_value() == "−1,5e-3"
    # the student's number beside unit 4 in the picture
    assert "o4 = 0.512" in tab.locator("svg").first.inner_html()
    tab.close()
    again = context.new_page()
    again.goto(f"{url}/ann/exercise.html")
    assert field(again, "o4").input_value() == "0.512"
    # another student's page on the same browser keeps its own answers
    again.goto(f"{url}/bob/exercise.html")
    assert field(again, "o4").input_value() == ""
    ARTIFACTS.mkdir(exist_ok=True)
    again.goto(f"{url}/ann/exercise.html")
    again.screenshot(path=str(ARTIFACTS / f"hand-in-{size}.png"), full_page=True)
    width = again.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1] + 1  # nothing wider than the screen
    assert errors == []
    context.close()


def test_downloaded_file_grades_as_check_says(browser, served, tmp_path):
    root, url = served
    spec = load(root / "out" / "ann" / "spec.toml")
    right = by_hand(dict(spec.weights), list(spec.examples[0].x), spec.examples[0].t[0], spec.lr)
    slipped = by_hand(dict(spec.weights), list(spec.examples[0].x), spec.examples[0].t[0],
                      spec.lr, {"o5": right["o5"] + 0.05})
    typed = {n: f"{slipped[n]:.4g}" for n in ASKED}
    typed["o4"] = f"{right['o4']:.4g}".replace(".", ",")  # a decimal comma
    typed["delta6"] = f"{2 * (1 - slipped['o6']):.4g}"  # σ′ forgotten (from their own o6)
    typed["new_b6"] = "abc"  # unreadable
    typed["new_w35"] = ""  # blank
    context = browser.new_context(accept_downloads=True)
    tab = context.new_page()
    tab.goto(f"{url}/ann/exercise.html")
    for name, text in typed.items():
        field(tab, name).fill(text)
    with tab.expect_download() as info:
        tab.get_by_role("button", name="Download answers").click()
    download = info.value
    assert download.suggested_filename == "ann.csv"
    subs = tmp_path / "subs"
    subs.mkdir()
    download.save_as(subs / "ann.csv")
    context.close()
    rows = list(csv.reader((subs / "ann.csv").open()))
    assert rows[0] == ["quantity", "value"] and sorted(r[0] for r in rows[1:]) == sorted(ASKED)

    done = backprop("grade", root / "out", subs, "--out", tmp_path / "g.csv", "--feedback",
                    tmp_path / "fb")
    assert done.returncode == 0, done.stderr
    graded = {r["id"]: r for r in csv.DictReader((tmp_path / "g.csv").open())}["ann"]
    check = backprop("check", root / "out" / "ann" / "spec.toml", subs / "ann.csv", "--json")
    report = json.loads(check.stdout)
    for key, column in (("right", "right"), ("wrong", "wrong"),
                        ("carried_forward", "carried_forward"), ("blank", "blank"),
                        ("unreadable", "unreadable")):
        assert int(graded[column]) == report[key], key
    mistakes = ";".join(dict.fromkeys(i["mistake"] for i in report["items"] if i["mistake"]))
    assert graded["mistakes"] == mistakes and "missing-derivative" in mistakes
    first = next(i["quantity"] for i in report["items"] if i["verdict"] == "wrong")
    assert graded["first_wrong"] == first
    # quantity by quantity, on the feedback page
    page = (tmp_path / "fb" / "ann.html").read_text()
    shown = {name: verdict
             for verdict, name in re.findall(r'<tr class="bp-([a-z-]+)"><td>([^<]+)</td>', page)}
    expected = {i["quantity"]: i["verdict"] for i in report["items"]}
    assert {k: shown.get(k) for k in expected} == expected
    assert expected["o4"] == "right" and expected["o5"] == "wrong"
    assert expected["new_b6"] == "unreadable" and expected["new_w35"] == "blank"
    assert "carried-forward" in expected.values()


@pytest.mark.parametrize("paper, width_mm", [("A4", 210), ("Letter", 215.9)])
def test_worksheet_prints_on_a4_and_letter(browser, served, paper, width_mm):
    """Printed, nothing is wider than the paper less its margins (12 mm each side), and the
    network, the rules and a blank per asked quantity are on it."""
    root, url = served
    px = (width_mm - 24) / 25.4 * 96
    tab = browser.new_page(viewport={"width": int(px), "height": 1000})
    tab.emulate_media(media="print")
    tab.goto(f"{url}/ann/worksheet.html")
    assert tab.evaluate("document.documentElement.scrollWidth") <= int(px) + 1
    assert tab.locator("svg").count() == 1
    assert tab.locator(".bp-blanks td.bp-blank").count() == len(ASKED)
    assert "w ← w − η·∂E/∂w" in tab.locator(".bp-rules").inner_text()
    pdf = tab.pdf(format=paper)
    assert pdf.startswith(b"%PDF")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"worksheet-{paper}.pdf").write_bytes(pdf)
    tab.emulate_media(media="screen")
    tab.screenshot(path=str(ARTIFACTS / f"worksheet-{paper}.png"), full_page=True)
    tab.close()


def test_assign_pdf_writes_worksheet_pdfs(tmp_path):
    out = assign_class(tmp_path, "id\nann\n")
    again = backprop("assign", tmp_path / "template.toml", "--roster", tmp_path / "roster.csv",
                     "--out", tmp_path / "pdf", "--pdf")
    assert again.returncode == 0, again.stderr
    assert (tmp_path / "pdf" / "ann" / "worksheet.pdf").read_bytes().startswith(b"%PDF")
    assert not (out / "ann" / "worksheet.pdf").exists()
