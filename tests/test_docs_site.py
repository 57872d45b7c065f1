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
from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
LESSONS = sorted(p.stem for p in (ROOT / "notebooks").glob("*.ipynb"))
sys.path.insert(0, str(ROOT / "scripts"))

import api_reference  # noqa: E402
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
             "bench/index.html", *(f"api/{topic}.html" for topic in api_reference.TOPICS),
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


def _exported_callables(package: str) -> list[str]:
    """The functions and classes a package's __init__ exports (modules and constants left out)."""
    import importlib
    import inspect

    module = importlib.import_module(package)
    init = ast.parse((ROOT / package / "__init__.py").read_text(encoding="utf-8"))
    names = [alias.asname or alias.name for node in init.body
             if isinstance(node, ast.ImportFrom) for alias in node.names]
    return [n for n in names
            if inspect.isfunction(getattr(module, n)) or inspect.isclass(getattr(module, n))]


def test_the_api_reference_documents_every_exported_function_and_class(site):
    pages = {t: (site / "api" / f"{t}.html").read_text(encoding="utf-8")
             for t in api_reference.TOPICS}
    everything = "".join(pages.values())
    for package in ("autograd_core", "nn", "lab", "viz"):
        missing = [n for n in _exported_callables(package)
                   if f'id="{package}.{n}"' not in everything]
        assert missing == [], (package, missing)
    # constants are not API entries: the tables are named in the text, never given a heading
    for constant in ("RULES", "LOSSES", "ACTIVATIONS", "OPTIMIZERS"):
        assert not re.search(rf'id="\w+\.{constant}"', everything), constant


def test_the_api_reference_is_in_the_order_a_learner_meets_it(site):
    nav = (site / "index.html").read_text(encoding="utf-8")
    titles = [t.title for t in api_reference.TOPICS.values()]
    assert titles == ["Value and the engine", "Modules", "Training", "The teaching layer: lab",
                      "Pictures: viz"]
    positions = [nav.index(f">{t}<") if f">{t}<" in nav else nav.index(t) for t in titles]
    assert positions == sorted(positions)


@pytest.mark.parametrize("topic", list(api_reference.TOPICS))
def test_each_api_entry_has_a_signature_a_parameter_table_and_an_example_that_ran(site, topic):
    page = (site / "api" / f"{topic}.html").read_text(encoding="utf-8")
    for entry in api_reference.TOPICS[topic].entries:
        shown = api_reference.public_path(entry.path)
        start = page.index(f'id="{shown}"')
        end = page.find("<h3", start + 1)
        section = page[start:end if end > 0 else len(page)]
        name = shown.rsplit(".", 1)[1]
        signature = _text(section.split("</code></pre>", 1)[0])
        assert f"{name}(" in signature, (shown, signature[:200])
        assert "<table>" in section and "Parameter" in section or "No parameters" in section
        assert "Example" in section, shown
    assert "Traceback" not in page


def test_an_api_signature_shows_types_and_defaults():
    # MLP(n_in, sizes, activation='relu', …): the constructor as the code declares it
    from nn import MLP

    sig = api_reference.signature(MLP, "MLP")
    assert "n_in: int" in sig and "activation: object = 'relu'" in sig and "seed: int = 0" in sig
    table = api_reference.parameter_table(MLP)
    assert "| `seed` | `int` | `0` |" in table


def test_parameter_meanings_are_read_from_the_docstring():
    doc = """Do it.

    Args:
        f: takes one Value
            per input.
        eps, atol: the steps.
    """
    assert api_reference.param_docs(doc, {"f", "eps", "atol"}) == {
        "f": "takes one Value per input.", "eps": "the steps.", "atol": "the steps."}


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
         "cli.html", "steppers.html", "api/modules.html"]


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
                          "mjx-container').length > 10", timeout=60_000)
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


def test_every_figure_on_the_site_has_alt_text(site):
    without = []
    for page in site.rglob("*.html"):
        if "steppers" in page.parts or "assets" in page.parts:
            continue  # the embedded stepper pages draw inline SVG with their own labels
        for tag in re.findall(r"<img\b[^>]*>", page.read_text(encoding="utf-8")):
            alt = re.search(r'\balt="([^"]*)"', tag)
            if not alt or not alt.group(1).strip() or alt.group(1).startswith("No description"):
                without.append((page.relative_to(site).as_posix(), tag[:80]))
    assert without == []


def test_alt_text_names_the_figure_and_the_heading_it_sits_under():
    html = '<h2 id="a">Loss curves<a class="headerlink">¶</a></h2><p><img src="x.png"></p>'
    out = docs_hooks.with_alt_text(html, "5. Optimizers")
    assert 'alt="Figure 1 of 5. Optimizers: the plot of the code above, under “Loss curves”"' in out
    kept = docs_hooks.with_alt_text('<img alt="the graph" src="g.svg">', "Home")
    assert kept == '<img alt="the graph" src="g.svg">'


def test_the_cli_pages_contents_list_every_subcommand(site):
    page = (site / "cli.html").read_text(encoding="utf-8")
    contents = page.split('md-nav--secondary', 1)[1].split("</nav>", 1)[0]
    for name in cli_reference.subcommands():
        assert f'href="#backprop-{name}"' in contents, name


def test_a_link_to_a_missing_anchor_fails_the_strict_build(tmp_path):
    # the link check: mkdocs.yml's validation settings with strict: true, on a two-page site
    import yaml

    ours = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    validation = yaml.safe_load("validation:" + ours.split("\nvalidation:", 1)[1].split("\n\n")[0])
    assert validation["validation"]["anchors"] == "warn"  # warnings fail a strict build
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# Home\n\n[there](other.md#no-such-heading)\n")
    (docs / "other.md").write_text("# Other\n\n## A heading\n")
    config = {"site_name": "t", "strict": True, **validation}
    (tmp_path / "mkdocs.yml").write_text(yaml.safe_dump(config))
    # (not -q: quiet would drop the warnings that strict mode counts)
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=120,
                            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert result.returncode != 0 and "no-such-heading" in result.stderr
    (docs / "index.md").write_text("# Home\n\n[there](other.md#a-heading)\n")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=120,
                            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert result.returncode == 0, result.stderr


LESSON_PAGES = [f"notebooks/{name}.html" for name in LESSONS]


def test_lessons_and_the_api_page_in_chromium_show_figures_tables_signatures_no_errors(
        browser, served):
    tab = browser.new_page(viewport={"width": 1366, "height": 768})
    errors: list[str] = []
    tab.on("console", lambda m: errors.append(f"{tab.url}: {m.text}") if m.type == "error"
           else None)
    tab.on("pageerror", lambda e: errors.append(f"{tab.url}: {e}"))
    for path in LESSON_PAGES:
        tab.goto(f"{served}/{path}", wait_until="networkidle")
        tab.wait_for_function("() => window.MathJax && MathJax.Hub && MathJax.Hub.queue && "
                              "MathJax.Hub.queue.pending === 0 && !MathJax.Hub.queue.running",
                              timeout=30_000)
        figures = tab.locator("article img, article .jp-OutputArea svg").count()
        tables = tab.locator("article table").count()
        assert figures >= 1 and tables >= 1, (path, figures, tables)
    tab.goto(f"{served}/api/engine.html", wait_until="networkidle")
    code = tab.locator("article pre code").first.inner_text()
    assert code.startswith("class Value(data: Number, label: str = ")
    with_parameters = [e for e in api_reference.TOPICS["engine"].entries
                       if "No parameters" not in api_reference.parameter_table(
                           api_reference.resolve(e.path))]
    assert tab.locator("article table").count() >= len(with_parameters) > 10
    assert errors == []
    tab.close()


def test_search_finds_a_page_when_the_site_is_served(browser, served):
    tab = browser.new_page(viewport={"width": 1366, "height": 768})
    tab.goto(f"{served}/index.html", wait_until="networkidle")
    tab.locator("label.md-search__icon, .md-search__input").first.click()
    # the index is built in a worker; until it is, the result list says "Initializing search"
    tab.wait_for_function("() => document.querySelector('.md-search-result__meta').textContent"
                          " !== 'Initializing search'", timeout=60_000)
    # typed as a person types: the theme reads the query on key-up, which fill() never sends
    tab.locator(".md-search__input").press_sequentially("gradcheck")
    # each key-up asks again (no debounce): the first results may be those of "g" or "gra"
    expect(tab.locator(".md-search-result")).to_contain_text(re.compile("gradcheck", re.I),
                                                             timeout=60_000)
    tab.close()
