"""Printing a page to PDF with headless Chromium (where it is installed): the page's own
``@page`` rule sets the paper (A4 for the solution sheets)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

CHROMIUM_VARIABLE = "BACKPROP_CHROMIUM"
_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def chromium() -> str | None:
    """The Chromium to print with: ``$BACKPROP_CHROMIUM`` or the first on the PATH."""
    given = os.environ.get(CHROMIUM_VARIABLE)
    if given:
        return given
    return next((found for name in _NAMES if (found := shutil.which(name))), None)


def print_pdf(html: Path, pdf: Path, timeout: float = 120) -> Path:
    """Print the page ``html`` to ``pdf`` (no header or footer lines) and return ``pdf``."""
    browser = chromium()
    if browser is None:
        raise OSError("writing a PDF needs Chromium (or Chrome) installed; the HTML page "
                           "prints to PDF from any browser too")
    pdf = Path(pdf).resolve()
    with tempfile.TemporaryDirectory() as profile:  # no trace left in the user's own profile
        done = subprocess.run(
            [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             f"--user-data-dir={profile}", "--no-pdf-header-footer",
             "--print-to-pdf-no-header", f"--print-to-pdf={pdf}", Path(html).resolve().as_uri()],
            capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0 or not pdf.is_file():
        tail = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise OSError(f"Chromium could not print {html} to PDF ({tail})")
    return pdf
