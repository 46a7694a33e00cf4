"""`prioritize report` end to end: one self-contained, accessible HTML page with every section,
hand-checked numbers, escaped user data, atomic output and the usual exit codes."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from itertools import pairwise
from pathlib import Path

import pytest

from conftest import REPO_ROOT, run_cli, write_files
from prioritize.render.html import SECTIONS

# A formula set whose value is the item's scores.v, so every value below is chosen by hand.
CRITERIA = """
    name: Value as judged
    agreed_by: [Test board]
    agreed_on: 2026-01-05
    method: formula
    formula: v
    criteria:
      - id: v
        data: judgement
"""
SETTINGS = """
    criteria: v
    capacity: {per_week: 1, teams: 1}
    start: 2027-01-04
"""
POOLS = """
    value_pools:
      - {id: p, name: Pool P}
      - {id: q, name: Pool Q}
"""
# A: value 10, effort 2 (2 weeks at 1 a week); B: value 30, effort 4 (4 weeks). B ranks first.
TWO_ITEMS = """
  - {id: A, title: Alpha, pool: p, effort: 2, scores: {v: 10}, personas: [rural]}
  - {id: B, title: Beta, pool: q, effort: 4, scores: {v: 30}, personas: [older-adults]}
"""
VOID = {
    "meta",
    "br",
    "hr",
    "img",
    "input",
    "link",
    "wbr",
    "col",
    "area",
    "base",
    "source",
    "track",
    "embed",
    "param",
}
SVG_VOID = {"line", "rect", "circle", "polyline", "path"}


def workspace(
    root: Path, items: str, settings: str = SETTINGS, criteria: str = CRITERIA, pools: str = POOLS
) -> Path:
    return write_files(
        root,
        {
            "prioritize.yaml": settings,
            "criteria/v.yaml": criteria,
            "backlogs/pools.yaml": pools,
            "backlogs/items.yaml": "items:\n" + items,
        },
    )


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    children: list[Element] = field(default_factory=list)
    text: list[str] = field(default_factory=list)

    def all_text(self) -> str:
        return "".join(self.text) + "".join(c.all_text() for c in self.children)

    def walk(self) -> list[Element]:
        """Every element below this one, in document order."""
        return [e for c in self.children for e in (c, *c.walk())]

    def find_all(self, tag: str) -> list[Element]:
        return [e for e in self.walk() if e.tag == tag]


class Page(HTMLParser):
    """The document as a tree; fails on a closing tag that does not match the open one."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.stack = [self.root]
        self.doctype = ""
        self.feed(text)
        self.close()
        assert [e.tag for e in self.stack] == ["#document"], "unclosed elements"

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Element(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        assert self.stack[-1].tag == tag, f"</{tag}> closes <{self.stack[-1].tag}>"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.stack[-1].text.append(data)

    def all(self, tag: str | None = None) -> list[Element]:
        return self.root.walk() if tag is None else self.root.find_all(tag)

    def table(self, caption: str) -> Element:
        found = [
            t for t in self.all("table") if t.find_all("caption")[0].all_text().startswith(caption)
        ]
        assert len(found) == 1, f"tables captioned {caption!r}: {len(found)}"
        return found[0]


def body_rows(table: Element) -> list[list[str]]:
    """Each body row's cells as text."""
    tbody = table.find_all("tbody")[0]
    return [[c.all_text() for c in tr.children] for tr in tbody.find_all("tr")]


def report(*args: str | Path) -> str:
    result = run_cli("report", *args)
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def sample() -> str:
    return report("-w", REPO_ROOT)


# --- the sample workspace --------------------------------------------------------------------


def test_the_sample_report_is_self_contained(sample: str) -> None:
    page = Page(sample)
    assert page.doctype.lower() == "doctype html"
    assert "<script" not in sample.lower()
    assert "@import" not in sample
    assert all(u.startswith("data:") for u in re.findall(r"url\(\s*['\"]?([^)'\"]*)", sample))
    for tag in (
        "link",
        "img",
        "iframe",
        "object",
        "embed",
        "video",
        "audio",
        "image",
        "use",
        "base",
    ):
        assert page.all(tag) == [], tag
    for element in page.all():
        for name in ("src", "href", "xlink:href", "srcset", "action", "poster"):
            value = element.attrs.get(name)
            assert value is None or value.startswith(("#", "data:")), (element.tag, name, value)
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*https?://""", sample, re.IGNORECASE)


def test_the_page_is_in_english_with_one_main_and_headings_in_order(sample: str) -> None:
    page = Page(sample)
    assert page.all("html")[0].attrs["lang"] == "en"
    assert len(page.all("main")) == 1
    assert page.all("meta")[0].attrs == {"charset": "utf-8"}
    headings = [(int(e.tag[1]), e.all_text()) for e in page.all() if re.fullmatch(r"h[1-6]", e.tag)]
    levels = [level for level, _ in headings]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b <= a + 1 for a, b in pairwise(levels)), levels
    assert [text for level, text in headings if level == 2] == list(SECTIONS.values())


def test_every_table_has_a_caption_and_scoped_headers(sample: str) -> None:
    page = Page(sample)
    tables = page.all("table")
    assert len(tables) >= 8
    for table in tables:
        assert table.children[0].tag == "caption" and table.children[0].all_text().strip()
        for th in table.find_all("th"):
            assert th.attrs.get("scope") in ("col", "row"), th.all_text()
        assert table.find_all("thead") and table.find_all("tbody")


def test_the_charts_are_titled_described_svg_with_a_data_table(sample: str) -> None:
    page = Page(sample)
    charts = page.all("svg")
    assert len(charts) == 2
    titles = []
    for svg in charts:
        assert svg.attrs["role"] == "img"
        title, desc = svg.children[0], svg.children[1]
        assert (title.tag, desc.tag) == ("title", "desc")
        assert svg.attrs["aria-labelledby"] == f"{title.attrs['id']} {desc.attrs['id']}"
        assert desc.all_text().strip()
        titles.append(title.all_text())
    assert titles == ["Time to value: cumulative value over weeks", "Value versus effort"]
    # The burn-up draws two step lines (score order and file order); the matrix a point per item.
    assert len(charts[0].find_all("polyline")) == 2
    assert len(charts[1].find_all("circle")) == 36
    summaries = [s.all_text() for s in page.all("summary")]
    assert summaries.count("The chart as a table") == 2


def test_the_ranked_table_follows_the_rank_command(sample: str) -> None:
    ranked = json.loads(run_cli("rank", "-w", REPO_ROOT, "-f", "json").stdout)
    rows = body_rows(Page(sample).table("36 ranked items"))
    assert [(r[0], r[1]) for r in rows] == [(str(r["rank"]), r["id"]) for r in ranked]


def test_the_sample_report_names_its_criteria_and_who_agreed_them(sample: str) -> None:
    assert "Public value per effort" in sample
    assert "agreed by State Chief Information Officer" in sample
    assert "on 2026-11-23" in sample
    # The default set's persona left out of the top 10 (docs/reference.md's coverage).
    coverage = Page(sample).table("Personas served by the top 10")
    assert ["rural", "5", "0", "0%", "Left out", "PER-3 (rank 30)"] in body_rows(coverage)


def test_html_goes_to_standard_output_without_output(sample: str) -> None:
    assert sample.startswith('<!DOCTYPE html>\n<html lang="en">')
    assert sample.rstrip().endswith("</html>")


# --- hand-computed small workspaces -----------------------------------------------------------


def test_ranked_rows_in_rank_order_with_the_exact_ids(tmp_path: Path) -> None:
    items = TWO_ITEMS + "  - {id: C-1, title: Gamma, pool: p, effort: 1, scores: {v: 20}}\n"
    page = Page(report("-w", workspace(tmp_path / "ws", items)))
    rows = body_rows(page.table("3 ranked items"))
    # Score = value = v: B 30, C-1 20, A 10.
    assert [(r[0], r[1], r[2]) for r in rows] == [
        ("1", "B", "Beta"),
        ("2", "C-1", "Gamma"),
        ("3", "A", "Alpha"),
    ]
    assert [r[7] for r in rows] == ["30", "20", "10"]


def test_time_to_value_follows_the_options(tmp_path: Path) -> None:
    ws = workspace(tmp_path / "ws", TWO_ITEMS)
    page = Page(report("-w", ws, "--capacity", "1", "--teams", "1", "--start", "2027-03-01"))
    # Score order: B weeks 0-4 (75% of 40), then A weeks 4-6. File order: A weeks 0-2 (25%), B 2-6.
    burn_up = body_rows(page.table("Value delivered by the end of each week"))
    assert burn_up == [
        ["1", "0%", "0%"], ["2", "0%", "25%"], ["3", "0%", "25%"],
        ["4", "75%", "25%"], ["5", "75%", "25%"], ["6", "100%", "100%"],
    ]  # fmt: skip
    schedule = body_rows(page.table("Order: score"))
    # From Monday 1 March 2027: B Mon 1 Mar to Fri 26 Mar; A Mon 29 Mar to Fri 9 Apr.
    assert [(r[1], r[7], r[8]) for r in schedule] == [
        ("B", "2027-03-01", "2027-03-26"),
        ("A", "2027-03-29", "2027-04-09"),
    ]
    # Mean weeks to value: score (30*4 + 10*6) / 40 = 4.5; listed (10*2 + 30*6) / 40 = 5.
    compared = body_rows(page.table("The same teams"))
    assert compared[0][:2] == ["score (chosen)", "4.5"] and compared[1][:2] == ["listed", "5.0"]
    assert compared[0][-1] == "+0.5"


def test_order_listed_draws_one_line_and_two_teams_halve_the_weeks(tmp_path: Path) -> None:
    ws = workspace(tmp_path / "ws", TWO_ITEMS)
    page = Page(report("-w", ws, "--order", "listed", "--teams", "2"))
    (chart, _) = page.all("svg")
    assert len(chart.find_all("polyline")) == 1
    assert "listed order (chosen)" in chart.all_text() and "file order" not in chart.all_text()
    # Two teams from Monday 4 January 2027: A weeks 0-2 on team 1, B weeks 0-4 on team 2.
    schedule = body_rows(page.table("Order: listed"))
    assert [(r[1], r[4], r[5], r[6]) for r in schedule] == [
        ("A", "1", "0.0", "2.0"),
        ("B", "2", "0.0", "4.0"),
    ]


def test_value_versus_effort_quadrants_split_at_the_medians(tmp_path: Path) -> None:
    items = """
  - {id: Q, title: Quick, pool: p, effort: 1, scores: {v: 40}}
  - {id: G, title: Big, pool: p, effort: 4, scores: {v: 40}}
  - {id: F, title: Fill, pool: q, effort: 1, scores: {v: 10}}
  - {id: M, title: Pit, pool: q, effort: 4, scores: {v: 10}}
"""
    page = Page(report("-w", workspace(tmp_path / "ws", items)))
    # Median value (10 + 40) / 2 = 25, median effort (1 + 4) / 2 = 2.5. Ranks: G, Q by id at 40; F, M at 10.
    rows = body_rows(page.table("Value and effort of each ranked item"))
    assert [(r[1], r[5]) for r in rows] == [
        ("G", "Big bet"),
        ("Q", "Quick win"),
        ("F", "Fill-in"),
        ("M", "Money pit"),
    ]
    assert (
        "median effort (2.5) and the median value (25.0): 1 quick wins, 1 big bets, 1 fill-ins, 1 money pits"
        in page.all("svg")[1].all_text()
    )


def test_an_item_on_both_medians_is_a_quick_win(tmp_path: Path) -> None:
    items = """
  - {id: L, title: Low, pool: p, effort: 1, scores: {v: 10}}
  - {id: MID, title: Middle, pool: p, effort: 2, scores: {v: 20}}
  - {id: H, title: High, pool: p, effort: 3, scores: {v: 30}}
"""
    page = Page(report("-w", workspace(tmp_path / "ws", items)))
    # Medians 20 and 2: MID's value is at the median (high), its effort at the median (low).
    rows = body_rows(page.table("Value and effort of each ranked item"))
    assert [(r[1], r[5]) for r in rows] == [
        ("H", "Big bet"),
        ("MID", "Quick win"),
        ("L", "Fill-in"),
    ]


def test_top_sets_how_many_items_coverage_counts(tmp_path: Path) -> None:
    page = Page(report("-w", workspace(tmp_path / "ws", TWO_ITEMS), "--top", "1"))
    # Rank 1 is B (older-adults); A (rural) is rank 2, outside the top 1.
    rows = body_rows(page.table("Personas served by the top 1 ranked items"))
    assert rows == [
        ["rural", "1", "0", "0%", "Left out", "A (rank 2)"],
        ["older-adults", "1", "1", "100%", "served", ""],
    ]


def test_without_capacity_the_report_says_how_to_give_one(tmp_path: Path) -> None:
    ws = workspace(tmp_path / "ws", TWO_ITEMS, settings="criteria: v\n")
    result = run_cli("report", "-w", ws)
    assert result.exit_code == 0, result.stderr
    page = Page(result.stdout)
    section = next(s for s in page.all("section") if s.attrs["id"] == "time-to-value")
    text = section.all_text()
    assert "--capacity" in text and "prioritize.yaml" in text
    assert [s.find_all("title")[0].all_text() for s in page.all("svg")] == ["Value versus effort"]
    assert [h.all_text() for h in page.all("h2")] == list(SECTIONS.values())


def test_unscored_items_and_check_warnings_are_listed(tmp_path: Path) -> None:
    unagreed = CRITERIA.replace("    agreed_by: [Test board]\n    agreed_on: 2026-01-05\n", "")
    items = (
        TWO_ITEMS
        + "  - {id: U, title: Unknown, pool: p, effort: 1}\n  - {id: N, title: No effort, pool: p, scores: {v: 5}}\n"
    )
    result = run_cli("report", "-w", workspace(tmp_path / "ws", items, criteria=unagreed))
    assert result.exit_code == 0, result.stderr
    assert "U is unscored: no v (at scores.v)" in result.stderr
    page = Page(result.stdout)
    assert body_rows(page.table("Open items the criteria cannot score")) == [
        ["U", "Unknown", "p", "no v (at scores.v)"]
    ]
    findings = body_rows(page.table("What prioritize check reports"))
    assert ("criteria/v.yaml:1:1", "criteria-not-agreed", "warning") in {
        tuple(r[:3]) for r in findings
    }
    assert all(r[1] != "unscored" for r in findings)  # listed once, above, not again
    assert "Nobody has agreed this criteria set yet" in result.stdout
    # N is ranked (the formula does not read effort) but has no place on the effort axis or in the schedule.
    assert "Not on the matrix (no effort): N." in result.stdout
    assert "N is left out of the schedule: it has no effort" in result.stdout


# --- user data is escaped ---------------------------------------------------------------------


def test_hostile_text_is_escaped_everywhere(tmp_path: Path) -> None:
    hostile = "<script>alert(1)</script>"
    criteria = CRITERIA.replace("Value as judged", '"</style><script>alert(2)</script>"').replace(
        "[Test board]", '["<img src=x onerror=alert(3)>"]'
    )
    pools = """
    value_pools:
      - id: p
        name: "<b onmouseover=alert(4)>P</b>"
        kpis: [{id: k, name: "<iframe src=//evil>", unit: "<u>", baseline: 0, target: 10, current: 5}]
"""
    items = f"""
  - {{id: A, title: "{hostile}", pool: p, effort: 2, scores: {{v: 10}}, personas: ['"><svg onload=alert(5)>']}}
"""
    root = workspace(tmp_path / "ws", items, criteria=criteria, pools=pools)
    text = report("-w", root)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "<script" not in text.lower()
    for raw in ("<img", "<iframe", "<b ", "<u>", "</style><"):
        assert raw not in text, raw
    for escaped in (
        "&lt;b onmouseover=alert(4)&gt;",
        "&lt;iframe src=//evil&gt;",
        "&quot;&gt;&lt;svg onload",
    ):
        assert escaped in text, escaped
    page = Page(text)
    assert not [(e.tag, a) for e in page.all() for a in e.attrs if a.startswith("on")]
    allowed = {
        "html", "head", "meta", "title", "style", "body", "main", "header", "nav", "ol", "ul", "li", "a", "p",
        "h1", "h2", "h3", "section", "dl", "div", "dt", "dd", "figure", "figcaption", "svg", "desc", "g",
        "line", "rect", "text", "polyline", "circle", "details", "summary", "table", "caption", "thead",
        "tbody", "tr", "th", "td", "span", "strong", "code", "br", "footer",
    }  # fmt: skip
    found = {e.tag for e in page.all()}
    assert found <= allowed, found - allowed
    assert set(re.findall(r"<([a-zA-Z][a-zA-Z0-9]*)", text)) <= allowed


# --- output and errors -------------------------------------------------------------------------


def test_output_replaces_the_file_all_at_once(tmp_path: Path) -> None:
    ws = workspace(tmp_path / "ws", TWO_ITEMS)
    out = tmp_path / "out" / "report.html"
    out.parent.mkdir()
    out.write_text("old", encoding="utf-8")
    result = run_cli("report", "-w", ws, "--output", out)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert f"wrote {out}" in result.stderr
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert sorted(p.name for p in out.parent.iterdir()) == ["report.html"]  # no temporary file left


def test_a_broken_workspace_exits_2_and_leaves_the_output_alone(tmp_path: Path) -> None:
    ws = workspace(
        tmp_path / "ws", "  - {id: A, title: Alpha, pool: nowhere, effort: 2, scores: {v: 1}}\n"
    )
    out = tmp_path / "report.html"
    out.write_text("old", encoding="utf-8")
    result = run_cli("report", "-w", ws, "-o", out)
    assert result.exit_code == 2
    assert "backlogs/items.yaml:2:" in result.stderr and "unknown-pool" in result.stderr
    assert result.stdout == ""
    assert out.read_text(encoding="utf-8") == "old"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--capacity", "0"), "--capacity must be a number of effort units greater than 0"),
        (("-c", "nosuchset"), 'no criteria set "nosuchset"'),
    ],
)
def test_unusable_options_exit_2(tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    result = run_cli("report", "-w", workspace(tmp_path / "ws", TWO_ITEMS), *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_an_output_folder_that_does_not_exist_exits_2(tmp_path: Path) -> None:
    result = run_cli(
        "report", "-w", workspace(tmp_path / "ws", TWO_ITEMS), "-o", tmp_path / "no" / "r.html"
    )
    assert result.exit_code == 2
    assert "cannot write" in result.stderr


def test_no_workspace_exits_2(tmp_path: Path) -> None:
    result = run_cli("report", "-w", tmp_path)
    assert result.exit_code == 2
    assert "no workspace" in result.stderr


def test_the_report_reads_and_scores_the_workspace_once(monkeypatch: pytest.MonkeyPatch) -> None:
    # One load, one scoring, shared by the ranking, the schedule and the checks the page shows.
    from prioritize import pipeline, scoring, workspace

    calls = {"load": 0, "score": 0, "parse": 0}
    real_load, real_score, real_parse = workspace.load, scoring.score, workspace.yamlio.parse

    def counting(name: str, real):  # type: ignore[no-untyped-def]
        def wrapper(*args, **kwargs):  # type: ignore[no-untyped-def]
            calls[name] += 1
            return real(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(workspace, "load", counting("load", real_load))
    monkeypatch.setattr(pipeline, "score", counting("score", real_score))
    monkeypatch.setattr(workspace.yamlio, "parse", counting("parse", real_parse))
    result = run_cli("report", "-w", REPO_ROOT)
    assert result.exit_code == 0, result.stderr
    read = [
        *(REPO_ROOT / "backlogs").rglob("*.yaml"),
        *(REPO_ROOT / "votes").glob("*.yaml"),
        *(REPO_ROOT / "criteria").glob("*.yaml"),  # the set in use, and the others check loads
    ]
    # prioritize.yaml and every file above: each parsed once.
    assert calls == {"load": 1, "score": 1, "parse": 1 + len(read)}
