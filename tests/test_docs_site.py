"""The documentation site (`make docs`): built in strict mode (a broken link, a missing reference or
a failing notebook cell fails it), every page there, every lesson with its figures, nothing fetched
from the internet, and readable in Chromium on a phone and on a laptop.

The site is built once per test run (a file lock shares it between pytest-xdist workers).
"""

import ast
import http.server
import os
import re
import subprocess
import sys
import threading
from functools import partial
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlparse

import pytest
from filelock import FileLock

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
LESSONS = sorted(p.stem for p in (ROOT / "notebooks").glob("*.ipynb"))
sys.path.insert(0, str(ROOT / "scripts"))

import cli_reference  # noqa: E402
import docs_hooks  # noqa: E402


@pytest.fixture(scope="session")
def site(tmp_path_factory, worker_id) -> Path:
    """The site, built with ``mkdocs build --strict`` from this checkout."""
    base = tmp_path_factory.getbasetemp()
    shared = base if worker_id == "master" else base.parent  # one folder for all workers
    out, log = shared / "docs-site", shared / "docs-site.log"
    with FileLock(str(shared / "docs-site.lock")):
        if not log.exists():
            # without MPLBACKEND the kernels use the inline backend, which puts figures on the page
            env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
            result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict",
                                     "--site-dir", str(out)], cwd=ROOT, capture_output=True,
                                    text=True, env={**env, "NO_MKDOCS_2_WARNING": "1"})
            log.write_text(f"{result.returncode}\n{result.stderr}", encoding="utf-8")
    status, _, stderr = log.read_text(encoding="utf-8").partition("\n")
    assert status == "0", f"mkdocs build --strict failed:\n{stderr[-4000:]}"
    return out


def test_the_site_has_every_page(site):
    pages = ["index.html", "cli.html", "formats.html", "steppers.html", "design-notes.html",
             "bench/index.html", "api/autograd_core.html", "api/nn.html", "api/viz.html",
             "steppers/worked_example.html", "steppers/baydin_trace.html",
             *(f"notebooks/{name}.html" for name in LESSONS)]
    assert [p for p in pages if not (site / p).is_file()] == []
    assert len(LESSONS) == 6


class _Fetches(HTMLParser):
    """Addresses an HTML page makes the browser load by itself (not links a reader follows)."""

    LOADS = {("script", "src"), ("link", "href"), ("img", "src"), ("iframe", "src"),
             ("source", "src"), ("video", "src"), ("audio", "src"), ("embed", "src"),
             ("object", "data"), ("image", "href"), ("image", "xlink:href"), ("use", "href"),
             ("use", "xlink:href"), ("input", "src"), ("track", "src")}

    def __init__(self) -> None:
        super().__init__()
        self.addresses: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if (tag, name) in self.LOADS and value:
                self.addresses.append(value)
            if name == "style" and value:
                self.addresses += _css_addresses(value)

    def handle_data(self, data):
        self.addresses += _css_addresses(data)  # <style> blocks; harmless on other text


def _css_addresses(css: str) -> list[str]:
    return re.findall(r"url\(\s*['\"]?([^'\")\s]+)", css) + re.findall(r"@import\s+['\"]([^'\"]+)",
                                                                        css)


def _external(address: str) -> bool:
    return address.strip().lower().startswith(("http:", "https:", "//"))


def test_no_page_or_stylesheet_fetches_anything_from_the_internet(site):
    found = {}
    for path in site.rglob("*"):
        if path.suffix == ".html":
            parser = _Fetches()
            parser.feed(path.read_text(encoding="utf-8"))
            addresses = parser.addresses
        elif path.suffix == ".css":
            addresses = _css_addresses(path.read_text(encoding="utf-8"))
        else:
            continue
        external = [a for a in addresses if _external(a)]
        if external:
            found[str(path.relative_to(site))] = external
    assert found == {}


def test_the_fetch_scanner_sees_scripts_stylesheets_and_css_urls():
    parser = _Fetches()
    parser.feed('<script src="https://cdn.example/x.js"></script><link href="//fonts.example/f">'
                '<a href="https://example.org">a link is not a fetch</a>'
                '<style>@import "https://e.example/a.css"; '
                'b { background: url(http://e.example/i.png) }</style><img src="images/local.png">')
    assert [a for a in parser.addresses if _external(a)] == [
        "https://cdn.example/x.js", "//fonts.example/f", "http://e.example/i.png",
        "https://e.example/a.css"]


@pytest.mark.parametrize("name", LESSONS)
def test_each_lesson_is_rendered_with_its_outputs_and_a_figure_per_plot(site, name):
    page = (site / "notebooks" / f"{name}.html").read_text(encoding="utf-8")
    source = (ROOT / "notebooks" / "src" / f"{name}.py").read_text(encoding="utf-8")
    plots = source.count("plt.show()")
    pngs = page.count('src="data:image/png;base64')
    assert pngs >= plots, f"{plots} plt.show() calls in the source, {pngs} images on the page"
    assert "Traceback" not in page and "jp-RenderedText" in page  # ran, printed, did not fail
    if "viz.draw_" in source:  # Graphviz drawings come out as inline SVG
        assert "<svg" in page


def test_the_cli_reference_has_every_subcommand_and_option_of_the_parser(site):
    page = (site / "cli.html").read_text(encoding="utf-8")
    for name, parser in cli_reference.subcommands().items():
        assert f"backprop {name}" in page, name
        for action in parser._actions:
            for option in set(action.option_strings) - {"-h", "--help"}:
                assert f"<code>{option}</code>" in page, (name, option)
        if any("--json" in a.option_strings for a in parser._actions):
            assert name in cli_reference.JSON_EXAMPLES, (
                f"backprop {name} has --json: add an example run to JSON_EXAMPLES")
    assert "Exit statuses" in page


def test_json_shape_names_keys_and_types_and_merges_the_keys_of_a_lists_items():
    value = {"a": 1.5, "b": [{"x": "s"}, {"x": "t", "y": None}], "c": [True], "d": []}
    assert cli_reference.shape(value) == {
        "a": "number", "b": [{"x": "string", "y": "null"}, "…"], "c": ["boolean", "…"], "d": []}


def test_the_start_page_is_the_readme_with_its_pictures(site):
    page = (site / "index.html").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_sentence = re.search(r"backprop-lab is a scalar [^.]*", readme).group(0)
    assert " ".join(first_sentence.split()) in " ".join(page.split())
    pictures = re.findall(r"!\[[^\]]*\]\(docs/([^)]+)\)", readme)
    assert pictures
    for picture in pictures:
        assert f'src="{picture}"' in page and (site / picture).is_file(), picture


def test_readme_links_become_site_paths_or_plain_paths():
    readme = ("![g](docs/images/g.svg) [bench](bench/README.md) [lesson](notebooks/a.ipynb) "
              "[code](nn/spec.py) [web](https://example.org) [here](#quick-start)")
    site_paths = {"images/g.svg", "bench/README.md", "notebooks/a.ipynb"}
    assert docs_hooks.readme_as_start_page(readme, site_paths) == (
        "![g](images/g.svg) [bench](bench/README.md) [lesson](notebooks/a.ipynb) "
        "code (`nn/spec.py`) [web](https://example.org) [here](#quick-start)")


def test_readme_section_runs_to_the_next_heading_of_its_level_and_ignores_code():
    readme = ("# Top\n## Spec files\ntext\n```toml\n# a comment, not a heading\n```\n"
              "### Detail\nmore\n## Next\nafter\n")
    assert docs_hooks.readme_section(readme, "Spec files") == (
        "text\n```toml\n# a comment, not a heading\n```\n### Detail\nmore\n")
    assert docs_hooks.readme_section(readme, "Missing") is None


def _text(html: str) -> str:
    """The words of a page, tags dropped (code is split into highlighted spans)."""
    return " ".join(unescape(re.sub(r"<[^>]+>", "", html)).split())


def test_the_formats_page_has_the_readmes_spec_section_and_the_shipped_spec(site):
    page = _text((site / "formats.html").read_text(encoding="utf-8"))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Your own network: spec files", 1)[1]
    first_paragraph = section.strip().split("\n\n", 1)[0].replace("`", "")  # code marks
    assert " ".join(first_paragraph.split()) in page
    shipped = (ROOT / "lab" / "specs" / "worked_example.toml").read_text(encoding="utf-8")
    for line in ("w14 = 0.2", "x = [1, 0, 1]", 'update = "per-example"'):
        assert line in shipped and line in page, line
    assert (site / "specs" / "two_examples_per_epoch.toml").is_file()


def test_the_formats_page_has_the_readmes_answers_section_and_its_example_file(site):
    page = _text((site / "formats.html").read_text(encoding="utf-8"))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Check your own numbers", 1)[1]
    first_paragraph = section.strip().split("\n\n", 1)[0].replace("`", "")
    assert " ".join(first_paragraph.split()) in page
    answers = (site / "specs" / "worked_example_answers.csv").read_text(encoding="utf-8")
    assert answers.startswith("quantity,value\n") and "delta6,0.1383" in answers


def test_the_api_reference_documents_the_public_names_of_each_package(site):
    for package in ("autograd_core", "nn", "viz"):
        page = (site / "api" / f"{package}.html").read_text(encoding="utf-8")
        init = ast.parse((ROOT / package / "__init__.py").read_text(encoding="utf-8"))
        names = {alias.asname or alias.name for node in init.body
                 if isinstance(node, ast.ImportFrom) for alias in node.names}
        # a function named like its module (autograd_core.trace.trace) is shown by its full path
        missing = [n for n in sorted(names)
                   if not re.search(rf'id="{package}(\.\w+)?\.{n}"', page)]
        assert missing == [], (package, missing)


# ---- in Chromium, served over HTTP as a reader would see it --------------------------------

@pytest.fixture(scope="module")
def served(site):
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


SIZES = {"phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True,
                   "has_touch": True, "device_scale_factor": 3},
         "laptop": {"viewport": {"width": 1366, "height": 768}}}
PAGES = ["index.html", "notebooks/02_reverse_mode.html", "notebooks/06_activations_and_losses.html",
         "cli.html", "steppers.html", "api/nn.html"]


@pytest.mark.parametrize("size", SIZES)
def test_pages_load_nothing_from_outside_and_fit_the_screen(browser, served, size):
    context = browser.new_context(**SIZES[size])
    outside: list[str] = []

    def route(r):
        if urlparse(r.request.url).hostname == "127.0.0.1" or r.request.url.startswith("data:"):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    ARTIFACTS.mkdir(exist_ok=True)
    tab = context.new_page()
    missing: list[str] = []
    tab.on("response", lambda r: missing.append(r.url) if r.status >= 400 else None)
    for path in PAGES:
        tab.goto(f"{served}/{path}", wait_until="networkidle")
        width = tab.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert width[0] <= width[1] + 1, (path, width)  # wide tables and figures scroll inside
        figures = tab.locator("article img")
        if figures.count():  # a lesson: show its first figure rather than its imports
            figures.first.scroll_into_view_if_needed()
        tab.screenshot(path=str(ARTIFACTS / f"docs-{size}-{path.replace('/', '-')}.png"))
    assert outside == [] and missing == []
    context.close()


def test_a_lessons_formulas_are_typeset_by_the_bundled_mathjax(browser, served):
    tab = browser.new_page(viewport={"width": 1366, "height": 768})
    tab.goto(f"{served}/notebooks/01_worked_example.html", wait_until="networkidle")
    tab.wait_for_function("() => document.querySelectorAll('.MathJax, .MathJax_CHTML, "
                          "mjx-container').length > 10", timeout=20_000)
    assert "\\frac" not in tab.inner_text("article")  # no raw LaTeX left for the reader
    tab.close()


def test_the_embedded_stepper_steps_on_the_steppers_page(browser, served):
    tab = browser.new_page(viewport={"width": 1366, "height": 768})
    tab.goto(f"{served}/steppers.html", wait_until="networkidle")
    frame = tab.frame_locator("iframe").first
    counter = frame.locator(".bp-counter")
    first = counter.inner_text()
    frame.locator(".bp-next").click()
    assert first.startswith("Frame 1 /") and counter.inner_text().startswith("Frame 2 /")
    tab.close()
