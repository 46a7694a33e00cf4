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
    assert len(charts) == 3
    titles = []
    for svg in charts:
        assert svg.attrs["role"] == "img"
        title, desc = svg.children[0], svg.children[1]
        assert (title.tag, desc.tag) == ("title", "desc")
        assert svg.attrs["aria-labelledby"] == f"{title.attrs['id']} {desc.attrs['id']}"
        assert desc.all_text().strip()
        titles.append(title.all_text())
    assert titles == [
        "Time to value: cumulative value over weeks",
        "Forecast: cumulative value over weeks",
        "Value versus effort",
    ]
    # The burn-up draws two step lines (score order and file order); the forecast a band and
    # the median run; the matrix a point per item.
    assert len(charts[0].find_all("polyline")) == 2
    assert len(charts[1].find_all("polygon")) == 1
    assert len(charts[1].find_all("polyline")) == 1
    assert len(charts[2].find_all("circle")) == 36
    summaries = [s.all_text() for s in page.all("summary")]
    assert summaries.count("The chart as a table") == 3


def test_the_forecast_section_names_the_deadline_at_risk_and_the_fiscal_year_cut_line(
    sample: str,
) -> None:
    page = Page(sample)
    rows = body_rows(page.table("Items with a due date"))
    # PER-6 is mandated for 15 January; the plan meets it, but most runs do not.
    assert [(r[0], r[2]) for r in rows] == [
        ("REN-8", "2027-04-26"),
        ("PER-6", "2027-01-15"),
        ("REN-10", "2027-03-31"),
    ]
    assert rows[1][-1] == "41%"
    assert "By the end of the fiscal year, 2027-06-30" in sample


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
    chart = page.all("svg")[0]
    assert len(chart.find_all("polyline")) == 1
    assert "listed order (chosen)" in chart.all_text() and "file order" not in chart.all_text()
    # Two teams from Monday 4 January 2027: A weeks 0-2 on team 1, B weeks 0-4 on team 2.
    schedule = body_rows(page.table("Order: listed"))
    assert [(r[1], r[4], r[5], r[6]) for r in schedule] == [
        ("A", "1", "0.0", "2.0"),
        ("B", "2", "0.0", "4.0"),
    ]


# A weighted set whose value is v itself (one criterion, range 0 to 100: value = 100 * v / 100),
# scored per unit of effort and halved for medium risk.
PER_EFFORT = """
    name: Value per effort
    agreed_by: [Test board]
    agreed_on: 2026-01-05
    method: weighted
    per_effort: true
    risk_factor: {low: 1, medium: 0.5}
    criteria:
      - id: v
        data: judgement
        scale: {range: [0, 100]}
"""
# (id, effort, v, risk): score = v / effort x risk factor, one score per item, listed as ranked.
TWELVE = [
    ("A1", 1, 90, "low"), ("A2", 1, 80, "low"), ("A3", 1, 70, "low"), ("A4", 1, 60, "low"),  # 90 80 70 60
    ("A5", 2, 90, "low"), ("A6", 2, 80, "low"), ("A7", 2, 70, "low"), ("A8", 2, 60, "low"),  # 45 40 35 30
    ("A9", 4, 80, "low"), ("A10", 4, 40, "low"),  # 20, 10: the 10th
    ("A11", 5, 90, "medium"),  # 90 / 5 x 0.5 = 9: value per effort 18, above the 10th's line
    ("A12", 10, 10, "low"),  # 1: the 12th and last
]  # fmt: skip


def items_yaml(rows: list[tuple[str, float, float, str]]) -> str:
    return "".join(
        f"  - {{id: {i}, title: Item {i}, pool: p, effort: {e}, risk: {r}, scores: {{v: {v}}}}}\n"
        for i, e, v, r in rows
    )


def section_text(page: Page, ident: str) -> str:
    return next(s for s in page.all("section") if s.attrs["id"] == ident).all_text()


def test_the_matrix_draws_lines_of_equal_score_through_the_10th_and_the_last(
    tmp_path: Path,
) -> None:
    root = workspace(tmp_path / "ws", items_yaml(TWELVE), criteria=PER_EFFORT)
    page = Page(report("-w", root))
    chart = page.all("svg")[-1]  # the matrix
    # Axes: effort up to 10, padded to 10.5, ticks every 2 from 0 to 12 over pixels 72 to 936, so
    # x(e) = 72 + 72e. Values 10 to 90, padded to 6 and 94, ticks every 20 from 0 to 100 over
    # pixels 540 to 20, so y(v) = 540 - 5.2v.
    # The 10th's line, value = 10 x effort, leaves by the top at effort 10: (0, 0) to (10, 100).
    # The 12th's, value = 1 x effort, leaves by the right edge at effort 12: (0, 0) to (12, 12).
    lines = [
        (e.attrs["x1"], e.attrs["y1"], e.attrs["x2"], e.attrs["y2"], e.attrs["stroke"])
        for g in chart.find_all("g")
        if g.attrs.get("class") == "score-lines"
        for e in g.find_all("line")
    ]
    assert lines == [
        ("72", "540", "792", "20", "#0b5394"),
        ("72", "540", "936", "477.6", "#8a4b00"),
    ]
    labels = [t.all_text() for t in chart.find_all("text") if t.attrs.get("class") == "score-label"]
    assert labels == ["score of the 10th: 10", "score of the 12th: 1"]
    # The points: the top 10 blue, ranks 11-12 brown; A1 at (1, 90), A12 at (10, 10).
    circles = {
        c.find_all("title")[0].all_text().split(":")[0]: c.attrs for c in chart.find_all("circle")
    }
    assert {i for i, c in circles.items() if c["fill"] == "#8a4b00"} == {"A11", "A12"}
    assert {i for i, c in circles.items() if c["fill"] == "#0b5394"} == {
        f"A{k}" for k in range(1, 11)
    }
    assert (circles["A1"]["cx"], circles["A1"]["cy"]) == ("144", "72")
    assert (circles["A12"]["cx"], circles["A12"]["cy"]) == ("792", "488")
    text = section_text(page, "value-effort")
    assert (
        "Each of 12 ranked items placed by effort (points, across) and value (up) and coloured by "
        "rank: 10 in the top 10, 2 in ranks 11\u201312. Dashed lines of equal score before delivery "
        "risk: value / effort = 10 (the 10th item's score, A10) and value / effort = 1 (the 12th "
        "item's score, A12)."
    ) in text
    assert (
        "Only 12 items are ranked, so the second line passes through the last one's score (the "
        "12th) instead of the 25th's."
    ) in text
    # A11's value per effort, 18, is above the 10th's line; its medium risk halves its score to 9.
    assert (
        "A score is the value per effort times the risk factor, so delivery risk can move an item "
        "across a line: A11 (rank 11, medium risk) lies above the line through the 10th item's "
        "score but ranks below it."
    ) in text
    (bands,) = [u for u in page.all("ul") if u.attrs.get("class") == "bands"]
    assert [
        (li.find_all("strong")[0].all_text(), [span.all_text() for span in li.find_all("span")])
        for li in bands.children
    ] == [
        ("Top 10 (10)", [f"A{k}" for k in range(1, 11)]),
        ("Ranks 11\u201312 (2)", ["A11", "A12"]),
    ]
    rows = body_rows(page.table("Value and effort of each ranked item"))
    assert [(r[1], r[5], r[6]) for r in rows][9:] == [
        ("A10", "10", "Top 10"),
        ("A11", "9", "Ranks 11\u201312"),
        ("A12", "1", "Ranks 11\u201312"),
    ]


def test_a_score_that_ignores_effort_draws_level_lines(tmp_path: Path) -> None:
    page = Page(report("-w", workspace(tmp_path / "ws", TWO_ITEMS)))
    chart = page.all("svg")[-1]  # the matrix
    # Score = v: B 30, A 10. Two items: one line, through the 2nd's score, value = 10.
    # Values 10 and 30 padded to 9 and 31: ticks every 5 from 5 to 35 over pixels 540 to 20, so
    # y(10) = 540 - (10 - 5) x 520 / 30 = 453.33. Efforts 2 and 4: ticks 0 to 5 over 72 to 936.
    lines = [
        (e.attrs["x1"], e.attrs["y1"], e.attrs["x2"], e.attrs["y2"])
        for g in chart.find_all("g")
        if g.attrs.get("class") == "score-lines"
        for e in g.find_all("line")
    ]
    assert lines == [("72", "453.3", "936", "453.3")]
    text = section_text(page, "value-effort")
    assert (
        "Only 2 items are ranked, so there is one line, through the last one's score (the 2nd) "
        "instead of the 10th's and the 25th's."
    ) in text
    assert "this criteria set's score does not divide by effort, so the lines are level." in text
    assert (
        "Dashed lines of equal score before delivery risk: value = 10 (the 2nd item's score, A)."
        in text
    )
    assert "delivery risk can move" not in text  # no risk factor: every point is on its side


def test_past_the_25th_the_rest_is_a_third_band(tmp_path: Path) -> None:
    # Score = v = 1 to 26: item N26 ranks 1st, N1 26th.
    rows26 = [(f"N{k}", 1, k, "low") for k in range(1, 27)]
    page = Page(report("-w", workspace(tmp_path / "ws", items_yaml(rows26))))
    text = section_text(page, "value-effort")
    assert "10 in the top 10, 15 in ranks 11\u201325, 1 in rank 26." in text
    assert (
        "value = 17 (the 10th item's score, N17) and value = 2 (the 25th item's score, N2)" in text
    )
    assert "Only " not in text
    bands = [r[6] for r in body_rows(page.table("Value and effort of each ranked item"))]
    assert bands == ["Top 10"] * 10 + ["Ranks 11\u201325"] * 15 + ["Rank 26"]


def figures(page: Page) -> dict[str, list[str]]:
    """At a glance: each figure's name and what follows it (the number, then any sentence)."""
    dl = next(d for d in page.all("dl") if d.attrs.get("class") == "figures")
    return {
        div.find_all("dt")[0].all_text(): [dd.all_text() for dd in div.find_all("dd")]
        for div in dl.children
    }


def test_total_value_says_what_it_adds_up(tmp_path: Path) -> None:
    page = Page(report("-w", workspace(tmp_path / "ws", items_yaml(TWELVE), criteria=PER_EFFORT)))
    # 90 + 80 + 70 + 60 + 90 + 80 + 70 + 60 + 80 + 40 + 90 + 10 = 820 over 12 items: 68.33 each.
    assert figures(page)["Total value"] == [
        "820",
        "The value of the 12 ranked items added up: each scores 0 to 100 on the agreed criteria "
        "(68.3 on average here), before effort and delivery risk are counted.",
    ]
    formula = Page(report("-w", workspace(tmp_path / "ws2", TWO_ITEMS)))
    assert figures(formula)["Total value"] == [
        "40",
        "The value of the 2 ranked items added up: each is what the formula v gives the item "
        "(20.0 on average here).",
    ]


@pytest.mark.parametrize(
    ("items", "order", "gained"),
    [
        # Score order gains 5 - 4.5 = 0.5 weeks (test_time_to_value_follows_the_options).
        (TWO_ITEMS, "score", ["+0.5", "Working in score order rather than down the backlog files "
         "as written, value arrives 0.5 weeks sooner on average (each item counted by its value)."]),
        (TWO_ITEMS, "listed", ["+0.0", "This report follows the backlog files as written, so it "
         "gains nothing over them."]),
        # Listed: S done in week 1, L in week 11: (10 x 1 + 11 x 11) / 21 = 6.24. Value order: L
        # first, done in week 10, then S in week 11: (11 x 10 + 10 x 11) / 21 = 10.48; 4.24 later.
        ("  - {id: S, title: Small, pool: p, effort: 1, scores: {v: 10}}\n"
         "  - {id: L, title: Large, pool: p, effort: 10, scores: {v: 11}}\n",
         "value", ["-4.2", "Working in value order rather than down the backlog files as written, "
         "value arrives 4.2 weeks later on average (each item counted by its value)."]),
    ],
)  # fmt: skip
def test_weeks_gained_says_what_they_mean(
    tmp_path: Path, items: str, order: str, gained: list[str]
) -> None:
    page = Page(report("-w", workspace(tmp_path / "ws", items), "--order", order))
    assert figures(page)["Weeks gained over file order"] == gained
    assert figures(page)["Ranked items"] == ["2"]  # the other figures carry no sentence


def test_the_title_names_the_report(tmp_path: Path) -> None:
    settings = SETTINGS + '    title: "Renewals & <intake> board"\n'
    text = report("-w", workspace(tmp_path / "ws", TWO_ITEMS, settings=settings))
    page = Page(text)
    assert page.all("title")[0].all_text() == "Renewals & <intake> board"
    assert [e.all_text() for e in page.all("h1")] == ["Renewals & <intake> board"]
    assert "<title>Renewals &amp; &lt;intake&gt; board</title>" in text


def test_without_a_title_the_folder_names_the_report(tmp_path: Path) -> None:
    page = Page(report("-w", workspace(tmp_path / "north-region", TWO_ITEMS)))
    assert page.all("title")[0].all_text() == "north-region"
    assert [e.all_text() for e in page.all("h1")] == ["north-region"]


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
        "line", "rect", "text", "polyline", "polygon", "circle", "details", "summary", "table", "caption", "thead",
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
