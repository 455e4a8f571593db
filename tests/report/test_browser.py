"""report.html in a real browser: headless Chromium loads every figure and draws the page.

The report itself may hold no script, so the image check runs in a *copy* of it with a small
script injected: after the page has loaded, the script writes into the page, for each image,
whether it is complete with a natural width, and Chromium's ``--dump-dom`` prints the page.
Chromium runs with every host mapped to nowhere, so an image that loads came from the file.

Skipped, saying why, only when no Chromium is installed; CI installs Debian's ``chromium``.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from matplotlib import image as mpimg

from canteensim.cli import main
from canteensim.report.document import CSP
from canteensim.results import ReportFiles

pytestmark = pytest.mark.heavy  # Chromium takes seconds a page

REPO = Path(__file__).resolve().parents[2]
HAIKOU = REPO / "scenarios" / "hainan_2020.toml"
SHORT = ["--set", "scenario.end=2020-03-31"]
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

CHECKER = """<script>
window.addEventListener("load", function () {
  var found = Array.prototype.map.call(document.images, function (img) {
    return {figure: img.parentNode.id, complete: img.complete, width: img.naturalWidth};
  });
  var out = document.createElement("pre");
  out.id = "image-check";
  out.textContent = JSON.stringify(found);
  document.body.appendChild(out);
});
</script>"""


@pytest.fixture(scope="module")
def chromium() -> str:
    for name in BROWSERS:
        path = shutil.which(name)
        if path:
            return path
    pytest.skip(
        "no Chromium to open report.html in (looked for "
        + ", ".join(BROWSERS)
        + "); install it, e.g. `apt-get install --no-install-recommends chromium`"
    )


@pytest.fixture(scope="module", params=["en", "zh"])
def report(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """report.html of a two-replication run of short Haikou, in each language."""
    folder = tmp_path_factory.mktemp("browser") / f"run-{request.param}"
    args = ["run", str(HAIKOU), *SHORT, "-r", "2", "--serial", "-o", str(folder), "-q"]
    assert main([*args, "--lang", request.param]) == 0
    return folder / ReportFiles.of(request.param).html


def browse(chromium: str, tmp_path: Path, page: Path, *options: str) -> str:
    """Run headless Chromium on `page` with `options`; returns what it printed."""
    profile = tmp_path / "profile"
    profile.mkdir(exist_ok=True)
    command = [
        chromium,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--host-resolver-rules=MAP * ~NOTFOUND",  # no host can be reached
        f"--user-data-dir={profile}",
        *options,
        page.as_uri(),
    ]
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=180,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def figures_in(page: Path) -> list[str]:
    return re.findall(r'<figure id="([^"]+)"', page.read_text(encoding="utf-8"))


def test_every_image_of_the_report_loads(chromium: str, report: Path, tmp_path: Path) -> None:
    text = report.read_text(encoding="utf-8")
    assert CSP in text and "<script" not in text
    # the copy may run its checker script; it may still load nothing but data: images
    checked = text.replace(CSP, CSP + "; script-src 'unsafe-inline'").replace(
        "</body>", CHECKER + "\n</body>"
    )
    copy = tmp_path / "checked.html"
    copy.write_text(checked, encoding="utf-8")
    dom = browse(chromium, tmp_path, copy, "--virtual-time-budget=10000", "--dump-dom")
    found = re.search(r'<pre id="image-check">(.*?)</pre>', dom, re.S)
    assert found, f"the checker did not run; the page printed: {dom[:500]!r}"
    images = json.loads(html.unescape(found.group(1)))
    assert [image["figure"] for image in images] == figures_in(report)
    assert len(images) == 6  # the run's figures
    for image in images:
        assert image["complete"] and image["width"] > 600, image


def test_the_report_draws_a_page_that_is_not_blank(
    chromium: str, report: Path, tmp_path: Path
) -> None:
    shot = tmp_path / "report.png"
    browse(
        chromium,
        tmp_path,
        report,
        "--hide-scrollbars",
        "--window-size=1280,2400",
        "--virtual-time-budget=10000",
        f"--screenshot={shot}",
    )
    pixels = mpimg.imread(shot)[:, :, :3]
    assert pixels.shape[:2] == (2400, 1280)
    grey = pixels.mean(axis=2)
    ink = grey < 0.5  # text, lines and bars on the light page
    assert ink.mean() > 0.01, "the screenshot is nearly blank"
    colours = np.unique((pixels * 255).astype(np.uint8).reshape(-1, 3), axis=0)
    assert len(colours) > 200, "the screenshot has no figure in it"
