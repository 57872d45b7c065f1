"""MkDocs hooks (mkdocs.yml: ``hooks``): the pages the site makes from the project itself.

- the start page is README.md, its links rewritten to the site's paths;
- the API pages (docs/api/*.md) get their topic's reference, written from the code with its
  examples run (scripts/api_reference.py);
- the six lessons are made from their Jupytext sources (notebooks/src/*.py) at build time and
  run by mkdocs-jupyter, so every figure and table is on the page; they and the benchmark
  results bench/README.md keep the repository's paths (notebooks/*.ipynb), so a link that works
  in the repository works on the site; every figure gets alt text;
- docs/cli.md gets the reference written from the parser (scripts/cli_reference.py), and
  docs/formats.md the README's sections on spec and answers files and the shipped spec file;
- docs/steppers.md embeds step-through pages written by `viz.export_html` at build time;
- MathJax comes from the `jupyter-server-mathjax` package, copied into the site: nothing is
  fetched from the internet to build or to read it.
"""

from __future__ import annotations

import re
import shutil
import sys
import tempfile
from html import escape, unescape
from pathlib import Path

import jupyter_server_mathjax
import jupytext
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

import api_reference  # noqa: E402  (sibling scripts, found through the line above)
import cli_reference  # noqa: E402

# Files of the repository that are pages of the site, at the same relative path.
REPO_PAGES = ["bench/README.md"]
# The lessons' sources; each becomes notebooks/<name>.ipynb on the site.
LESSON_SOURCES = sorted((ROOT / "notebooks" / "src").glob("*.py"))
_made: list[Path] = []  # the folders of generated lessons, removed when the build ends
MATHJAX = "assets/mathjax"
# The lessons sit one folder deep (notebooks/), so this relative address serves them all.
MATHJAX_URL = f"../{MATHJAX}/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full,Safe,local/fonts"
# The package ships MathJax's STIX-Web fonts only: say so, or MathJax asks for its TeX fonts
# (a 404) before falling back. MathJax's blank test font is url(about:blank), which Chromium
# refuses with an error in the console; a local() name that no machine has does its job quietly.
MATHJAX_FONTS = """MathJax.Hub.Config({
  "HTML-CSS": {availableFonts: [], preferredFont: null, webFont: "STIX-Web", imageFont: null,
               styles: {"@font-face": {"font-family": "MathJax_Blank",
                                       src: "local('MathJax_Blank_none')"}}},
  SVG: {font: "STIX-Web"}
});
MathJax.Ajax.loadComplete("[MathJax]/config/local/fonts.js");
"""
CLI_MARK = "<!-- cli-reference -->"
API_MARK = re.compile(r"<!-- api: (\w+) -->")


def readme_as_start_page(readme: str, site_paths: set[str]) -> str:
    """README.md with its links made site-relative: ``docs/x`` becomes ``x``, a repository file
    that is a page keeps its path, and a link to any other repository file becomes its path as
    code (the site does not hold source files)."""
    def link(match: re.Match[str]) -> str:
        bang, text, target = match.groups()
        if re.match(r"[a-z]+:|#", target):
            return match.group(0)
        path = target.removeprefix("docs/")
        if path.split("#")[0] in site_paths:
            return f"{bang}[{text}]({path})"
        return f"{text} (`{target}`)"

    return re.sub(r"(!?)\[([^\]]*)\]\(([^)\s]+)\)", link, readme)


def readme_section(readme: str, heading: str) -> str | None:
    """The text under README's heading ``heading`` (any level), up to the next heading of the
    same or a higher level; None if there is no such heading. Fenced code is not searched."""
    lines, fenced, level, body = readme.splitlines(), False, None, []
    for line in lines:
        if line.startswith("```"):
            fenced = not fenced
        match = None if fenced else re.match(r"(#+) (.*)", line)
        if level is None:
            if match and match.group(2).strip() == heading:
                level = len(match.group(1))
            continue
        if match and len(match.group(1)) <= level:
            break
        body.append(line)
    return None if level is None else "\n".join(body).strip() + "\n"


def _fill_formats(markdown: str, readme: str, site_paths: set[str]) -> str:
    """docs/formats.md's marks: README's sections on the two formats, the spec files."""
    from lab.spec import lecture_text

    def section(match: re.Match[str]) -> str:
        text = readme_section(readme, match.group(1))
        if text is None:
            raise ValueError(f"docs/formats.md includes README's section {match.group(1)!r}, "
                             "which README.md no longer has")
        return readme_as_start_page(text, site_paths)

    toml = "```toml\n{}```"
    markdown = re.sub(r"<!-- readme: (.*?) -->", section, markdown)
    markdown = markdown.replace("<!-- lecture-spec -->", toml.format(lecture_text()))
    per_epoch = (ROOT / "docs/specs/two_examples_per_epoch.toml").read_text(encoding="utf-8")
    return markdown.replace("<!-- per-epoch-spec -->", toml.format(per_epoch))


def _stepper_pages() -> dict[str, str]:
    """The step-through pages shown on docs/steppers.md, by file name."""
    from autograd_core import parse
    from lab.examples import worked_example_step
    from viz import steps
    from viz.stepper_html import page

    formula, _ = parse("ln(x1) + x1*x2 - sin(x2)", x1=2, x2=5)
    return {"worked_example.html": page(steps(worked_example_step())),
            "baydin_trace.html": page(steps(formula))}


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    config.plugins["mkdocs-jupyter"].config["custom_mathjax_url"] = MATHJAX_URL
    return config


@event_priority(100)  # before mkdocs-jupyter's on_files, which turns .ipynb files into pages
def on_files(files: Files, config: MkDocsConfig) -> Files:
    site_dir, urls = config["site_dir"], config["use_directory_urls"]
    for path in REPO_PAGES:
        files.append(File(path, str(ROOT), site_dir, urls))
    lessons = Path(tempfile.mkdtemp(prefix="backprop-lab-lessons-"))
    _made.append(lessons)
    for source in LESSON_SOURCES:  # the notebook as Jupytext reads its source: cells, no outputs
        path = f"notebooks/{source.stem}.ipynb"
        (lessons / "notebooks").mkdir(exist_ok=True)
        jupytext.write(jupytext.read(source), lessons / path)
        files.append(File(path, str(lessons), site_dir, urls))
    site_paths = {f.src_uri for f in files}
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    files.append(File.generated(config, "index.md", content=readme_as_start_page(readme,
                                                                                 site_paths)))
    for name, html in _stepper_pages().items():
        files.append(File.generated(config, f"steppers/{name}", content=html))
    return files


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if page.file.src_uri == "cli.md":
        return markdown.replace(CLI_MARK, cli_reference.markdown())
    if page.file.src_uri == "formats.md":
        readme = (ROOT / "README.md").read_text(encoding="utf-8")
        return _fill_formats(markdown, readme, {f.src_uri for f in files})
    if page.file.src_uri.startswith("api/"):
        return API_MARK.sub(lambda m: api_reference.markdown(m.group(1)), markdown)
    return markdown


def _nearest_heading(html: str, end: int) -> str:
    """The text of the last heading (h1–h4) that starts before ``end`` in ``html``."""
    headings = list(re.finditer(r"<h[1-4][^>]*>(.*?)</h[1-4]>", html[:end], re.S))
    if not headings:
        return ""
    text = re.sub(r"<[^>]+>", "", headings[-1].group(1)).replace("¶", "")
    return " ".join(unescape(text).split())


# what nbconvert writes as the alt text of every plot of a notebook: no description at all
NBCONVERT_ALT = ' alt="No description has been provided for this image"'


def with_alt_text(html: str, page_title: str) -> str:
    """Every <img> without alt text (or with nbconvert's placeholder) gets one: the figure's
    number on the page and the heading it sits under (a lesson's plots come from code cells,
    which have no caption)."""
    count = 0

    def add(match: re.Match[str]) -> str:
        nonlocal count
        tag = match.group(0).replace(NBCONVERT_ALT, "")
        if re.search(r"\balt=", tag):
            return tag
        count += 1
        under = _nearest_heading(html, match.start()) or page_title
        alt = escape(f"Figure {count} of {page_title}: the plot of the code above, under "
                     f"“{under}”", quote=True)
        return tag[:4] + f' alt="{alt}"' + tag[4:]

    return re.sub(r"<img\b[^>]*>", add, html)


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    return with_alt_text(output, page.title or config["site_name"])


def on_post_build(config: MkDocsConfig) -> None:
    while _made:
        shutil.rmtree(_made.pop(), ignore_errors=True)
    target = Path(config["site_dir"]) / MATHJAX
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(Path(jupyter_server_mathjax.__file__).parent / "static", target)
    (target / "config" / "local").mkdir(exist_ok=True)
    (target / "config" / "local" / "fonts.js").write_text(MATHJAX_FONTS, encoding="utf-8")
