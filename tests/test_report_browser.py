"""The sample report in a real browser: headless Chromium shows the table and the charts, logs no
console messages, takes a screenshot that is neither empty nor one flat colour, and lays the page
out at 760 and 1280 px with nothing wider than the window outside a box that scrolls.

Skipped only where no Chromium can be had (Debian: `apt-get install chromium`).
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import struct
import subprocess
import zlib
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO_ROOT, run_cli


def _find_chromium() -> str | None:
    for candidate in (
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
        "/usr/bin/chromium",
    ):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


CHROMIUM = _find_chromium()
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="no Chromium here (neither `chromium` on PATH nor /usr/bin/chromium); "
    "install Debian's chromium package to run the real-browser test",
)
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WIDTH, HEIGHT = 1280, 2400


def chromium(profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    return subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def console_lines(stderr: str) -> list[str]:
    """Chromium's log lines for the page's console (`...:INFO:CONSOLE(...)] "message", source: ...`)."""
    return [line for line in stderr.splitlines() if "CONSOLE" in line]


def png_rows(path: Path) -> tuple[int, int, int, list[bytes]]:
    """Width, height, bytes per pixel and the unfiltered rows of an 8-bit RGB or RGBA PNG."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, b"", b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            idat += body
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert (depth, interlace) == (8, 0) and colour in (2, 6), (depth, colour, interlace)
    bpp = 3 if colour == 2 else 4
    raw, stride = zlib.decompress(idat), width * bpp
    rows: list[bytes] = []
    previous = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        _unfilter(kind, line, previous, bpp)
        rows.append(bytes(line))
        previous = line
    return width, height, bpp, rows


def colour_samples(rows: list[bytes], bpp: int) -> list[bytes]:
    """The RGB of every second pixel of every fourth row."""
    return [r[i : i + 3] for r in rows[::4] for i in range(0, len(r), bpp * 2)]


def _unfilter(kind: int, line: bytearray, up: bytearray, bpp: int) -> None:
    """Undo one of PNG's five row filters in place (`up`: the row above, already unfiltered)."""
    if kind == 1:
        for x in range(bpp, len(line)):
            line[x] = (line[x] + line[x - bpp]) & 0xFF
    elif kind == 2:
        for x in range(len(line)):
            line[x] = (line[x] + up[x]) & 0xFF
    elif kind == 3:
        for x in range(len(line)):
            line[x] = (line[x] + ((line[x - bpp] if x >= bpp else 0) + up[x]) // 2) & 0xFF
    elif kind == 4:
        for x in range(len(line)):
            a, b, c = (line[x - bpp], up[x], up[x - bpp]) if x >= bpp else (0, up[x], 0)
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("report") / "report.html"
    result = run_cli("report", "-w", REPO_ROOT, "--output", path)
    assert result.exit_code == 0, result.stderr
    return path


def test_the_report_renders_without_console_messages_into_a_real_screenshot(
    page: Path, tmp_path: Path
) -> None:
    shot = tmp_path / "report.png"
    result = chromium(
        tmp_path / "profile",
        "--enable-logging=stderr",
        "--v=0",
        f"--screenshot={shot}",
        f"--window-size={WIDTH},{HEIGHT}",
        page.as_uri(),
    )
    assert result.returncode == 0, result.stderr[-2000:]
    # The page runs no script, so any console line is an error the browser found in it.
    assert console_lines(result.stderr) == []
    assert shot.is_file() and shot.stat().st_size > 20_000
    width, height, bpp, rows = png_rows(shot)
    samples = colour_samples(rows, bpp)
    assert (width, height) == (WIDTH, HEIGHT)
    colours = Counter(samples)
    background, most = colours.most_common(1)[0]
    assert background == b"\xff\xff\xff"  # dark text on a white page
    assert len(colours) > 50, "the screenshot is (nearly) one flat colour"
    assert most / len(samples) < 0.95


def test_the_rendered_dom_has_the_tables_and_the_charts(page: Path, tmp_path: Path) -> None:
    result = chromium(tmp_path / "profile", "--dump-dom", page.as_uri())
    assert result.returncode == 0, result.stderr[-2000:]
    dom = result.stdout
    assert '<table id="ranked-table">' in dom
    assert dom.count("<table") >= 8
    assert dom.count('<svg class="chart" role="img"') == 3
    assert "<polyline" in dom and "<circle" in dom and "<polygon" in dom
    assert "Time to value: cumulative value over weeks</title>" in dom
    assert "Forecast: cumulative value over weeks</title>" in dom


def test_the_console_scan_sees_console_errors(tmp_path: Path) -> None:
    # Guards the first test against a silent change in Chromium's log format.
    bad = tmp_path / "bad.html"
    bad.write_text(
        '<!DOCTYPE html><html lang="en"><title>x</title><script>console.error("boom")</script>',
        encoding="utf-8",
    )
    result = chromium(
        tmp_path / "profile", "--enable-logging=stderr", "--v=0", "--dump-dom", bad.as_uri()
    )
    assert any('"boom"' in line for line in console_lines(result.stderr)), result.stderr[-2000:]


# The report runs no script; the layout test adds this one to a copy. It opens every <details>,
# then lists each element that reaches past the left or right edge of the window without an
# ancestor that clips or scrolls it (overflow-x other than visible), and the boxes that scroll,
# and writes the lot as JSON into a <pre id="measured"> that --dump-dom brings back.
MEASURE = """
document.querySelectorAll("details").forEach(function (d) { d.open = true; });
var width = document.documentElement.clientWidth, over = [], scrolling = [];
function clipped(e) {
  for (var p = e.parentElement; p; p = p.parentElement) {
    if (getComputedStyle(p).overflowX !== "visible") return true;
  }
  return false;
}
document.querySelectorAll("body *").forEach(function (e) {
  var r = e.getBoundingClientRect();
  if (r.width === 0 && r.height === 0) return;
  if ((r.left < -0.5 || r.right > width + 0.5) && !clipped(e)) {
    over.push({tag: e.tagName.toLowerCase(), cls: e.getAttribute("class") || "",
               left: r.left, right: r.right, text: (e.textContent || "").slice(0, 80)});
  }
  if (getComputedStyle(e).overflowX === "auto" && e.scrollWidth > e.clientWidth) {
    var caption = e.querySelector("caption");
    scrolling.push({caption: caption ? caption.textContent : "", left: r.left, right: r.right,
                    captionRight: caption ? caption.getBoundingClientRect().right : null});
  }
});
var pre = document.createElement("pre");
pre.id = "measured";
pre.textContent = JSON.stringify({
  window: window.innerWidth, width: width, page: document.documentElement.scrollWidth,
  over: over, scrolling: scrolling
});
document.body.appendChild(pre);
"""


def layout(page: Path, tmp_path: Path, width: int) -> Any:
    """The page laid out by Chromium in a window `width` px wide: what MEASURE found."""
    measured = tmp_path / f"measured-{width}.html"
    text = page.read_text(encoding="utf-8")
    measured.write_text(
        text.replace("</body>", f"<script>{MEASURE}</script></body>"), encoding="utf-8"
    )
    result = chromium(
        tmp_path / "profile", "--dump-dom", f"--window-size={width},2000", measured.as_uri()
    )
    assert result.returncode == 0, result.stderr[-2000:]
    found = re.search(r'<pre id="measured">(.*?)</pre>', result.stdout, re.DOTALL)
    assert found, "the measuring script did not run"
    data = json.loads(html.unescape(found.group(1)))
    assert data["window"] == width
    return data


@pytest.mark.parametrize("width", [760, 1280])
def test_nothing_runs_off_the_page_outside_a_scroll_box(
    page: Path, tmp_path: Path, width: int
) -> None:
    data = layout(page, tmp_path, width)
    assert data["over"] == []
    assert data["page"] == data["width"]  # the page itself never scrolls sideways
    # Wide tables scroll inside their own box, which fits the window, with their caption in view.
    for box in data["scrolling"]:
        assert box["left"] >= 0 and box["right"] <= data["width"], box
        assert box["captionRight"] is None or box["captionRight"] <= box["right"], box
    if width == 760:
        captions = [box["caption"] for box in data["scrolling"]]
        assert "36 ranked items, highest score first" in captions


def test_the_layout_scan_sees_an_element_running_off_the_page(tmp_path: Path) -> None:
    # Guards the test above against a measuring script that finds nothing whatever the page.
    bad = tmp_path / "bad.html"
    bad.write_text(
        '<!DOCTYPE html><html lang="en"><title>x</title><body>'
        '<div style="overflow-x:auto"><table style="width:1500px"><tr><td>boxed</td></tr></table></div>'
        '<p style="width:1000px">wide</p></body></html>',
        encoding="utf-8",
    )
    data = layout(bad, tmp_path, 760)
    assert [(e["tag"], e["text"]) for e in data["over"]] == [("p", "wide")]
    assert len(data["scrolling"]) == 1
