"""The HTML report in a real browser: headless Chromium loads it, builds the page we expect and
logs nothing to its console. Skipped only where Chromium is not installed (CI installs it)."""

from __future__ import annotations

import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from helpers.clirun import cli
from screening.authoring import load_scenario, scenario_files
from screening.report import read_case

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "zte"
CHROMIUM = shutil.which("chromium")

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)"
)


def chromium(tmp_path: Path, page: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run headless Chromium on ``page`` with a fresh profile, offline, logging to stderr."""
    assert CHROMIUM is not None
    command = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--enable-logging=stderr",
        "--v=0",
        *args,
        page.as_uri(),
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=True)


class _Dom(HTMLParser):
    """What the browser built: headings' text, section ids, and how many SVGs and links."""

    def __init__(self) -> None:
        super().__init__()
        self.heading: str | None = None
        self.headings: list[str] = []
        self.sections: list[str] = []
        self.svgs = 0
        self.circles = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("h1", "h3"):
            self.heading = ""
        elif tag == "section":
            self.sections.append(dict(attrs).get("id") or "")
        elif tag == "svg":
            self.svgs += 1
        elif tag == "circle":
            self.circles += 1

    def handle_data(self, data: str) -> None:
        if self.heading is not None:
            self.heading += data

    def handle_endtag(self, tag: str) -> None:
        if tag in ("h1", "h3") and self.heading is not None:
            self.headings.append(" ".join(self.heading.split()))
            self.heading = None


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("browser") / "report.html"
    assert cli("replay", EXAMPLES, "--report", path)[0] == 0
    return path


def test_browser_builds_the_page_without_console_messages(page: Path, tmp_path: Path) -> None:
    run = chromium(tmp_path, page, "--dump-dom")
    console = [line for line in run.stderr.splitlines() if ":CONSOLE" in line]
    assert console == []
    dom = _Dom()
    dom.feed(run.stdout)
    dom.close()
    files = scenario_files(EXAMPLES)
    info = read_case(EXAMPLES)
    assert info is not None
    assert dom.headings[0] == info.title
    for path in files:
        assert load_scenario(path).title in dom.headings, path.name
    assert dom.sections == [f"scenario-{i:02d}" for i in range(1, len(files) + 1)]
    assert dom.svgs == 2  # the detailed timeline and the overview
    # a marker for every scenario on the overview, and for those in the detail's period
    assert len(files) < dom.circles == page.read_text("utf-8").count("<circle ")


def test_browser_paints_the_page(page: Path, tmp_path: Path) -> None:
    """A screenshot of the page is far from blank: a blank page of that size compresses to a
    few kilobytes, the report's timelines and tables to hundreds."""
    shot = tmp_path / "report.png"
    chromium(tmp_path, page, "--hide-scrollbars", "--window-size=1280,2400", f"--screenshot={shot}")
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(data) > 100_000
