"""`import --from jira|azure-devops`: the tools' CSV exports, as downloaded, into a starter workspace.

The fixtures in tests/data/import/ are shaped like the real exports: Jira's many columns with
repeated Labels, Watchers and Sprint columns, dates like 12/Nov/26 10:04 AM and multi-line quoted
descriptions; Azure DevOps' query export with a BOM, CRLF and HTML descriptions.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from conftest import run_cli
from prioritize.import_sources import AZURE_DEVOPS, JIRA, STATES, known_states

DATA = Path(__file__).resolve().parent / "data" / "import"
JIRA_CSV = DATA / "jira.csv"
ADO_CSV = DATA / "azure-devops.csv"


def hashes(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    result = run_cli("init", tmp_path / "x")
    assert result.exit_code == 0, result.stderr
    return tmp_path / "x"


# Written by hand from jira.csv: Issue key, Summary, Status through the state table (To Do ->
# proposed, Selected for Development -> ready, In Progress -> in-progress, Done -> done,
# Backlog -> proposed, Won't Do -> dropped), Custom field (Story Points) as effort (LIC-45 has
# none), in renewals.yaml's layout: two-space lists, a blank line between items.
JIRA_ITEMS = """
  - id: LIC-41
    title: Save a half-finished renewal and come back to it
    pool: renewals
    status: proposed
    effort: 5

  - id: LIC-42
    title: Show the fee, including the late fee, before payment
    pool: renewals
    status: ready
    effort: 3

  - id: LIC-43
    title: Renewal reminder texts in Spanish and Vietnamese
    pool: renewals
    status: in-progress
    effort: 8

  - id: LIC-44
    title: Fix the address lookup timing out on rural addresses
    pool: renewals
    status: done
    effort: 2

  - id: LIC-45
    title: Let counter staff start a renewal for someone on the phone
    pool: renewals
    status: proposed

  - id: LIC-46
    title: Print-at-home temporary licence
    pool: renewals
    status: dropped
    effort: 13
"""

# From azure-devops.csv: New -> proposed, Approved and Committed -> ready, Active ->
# in-progress, Done -> done, Removed -> dropped; numeric ids quoted so that they stay text.
ADO_ITEMS = """
  - id: '4211'
    title: Call-back instead of hold music at peak times
    pool: contact-centre
    status: proposed
    effort: 5

  - id: '4212'
    title: Answer "where is my application" by text message
    pool: contact-centre
    status: ready
    effort: 3

  - id: '4213'
    title: Agents see the wrong case after a transfer
    pool: contact-centre
    status: ready
    effort: 2

  - id: '4214'
    title: Knowledge base search for agents
    pool: contact-centre
    status: in-progress
    effort: 8

  - id: '4215'
    title: Retire the fax intake line
    pool: contact-centre
    status: done
    effort: 1

  - id: '4216'
    title: Chat widget on every page
    pool: contact-centre
    status: dropped
"""


def test_jira_and_azure_devops_exports_into_a_starter_workspace(ws: Path) -> None:
    renewals, centre = ws / "backlogs/renewals.yaml", ws / "backlogs/contact-centre.yaml"
    before, old_renewals, old_centre = hashes(ws), renewals.read_text(), centre.read_text()

    jira = run_cli("import", JIRA_CSV, "--from", "jira", "--pool", "renewals", "-w", ws)
    assert jira.exit_code == 0, jira.stderr
    assert jira.stderr == "created 6 items in 1 file\n"
    assert renewals.read_text() == old_renewals + JIRA_ITEMS
    after_jira = hashes(ws)
    assert {k: v for k, v in after_jira.items() if k != "backlogs/renewals.yaml"} == {
        k: v for k, v in before.items() if k != "backlogs/renewals.yaml"
    }

    again = run_cli("import", JIRA_CSV, "--from", "jira", "--pool", "renewals", "-w", ws)
    assert again.exit_code == 0, again.stderr
    assert again.stderr == "nothing to import: the backlog already holds these values\n"
    assert hashes(ws) == after_jira

    ado = run_cli("import", ADO_CSV, "--from", "azure-devops", "--pool", "contact-centre", "-w", ws)
    assert ado.exit_code == 0, ado.stderr
    assert ado.stderr == "created 6 items in 1 file\n"
    assert centre.read_text() == old_centre + ADO_ITEMS
    changed = {"backlogs/renewals.yaml", "backlogs/contact-centre.yaml"}
    assert {k: v for k, v in hashes(ws).items() if k not in changed} == {
        k: v for k, v in before.items() if k not in changed
    }

    # check: the exports carry no evidence, so the eight new open items (To Do, Selected,
    # In Progress, Backlog, New, Approved, Committed, Active) are unscored, and an unscored
    # open item is a check error: exit 1 is the expected answer until evidence is imported.
    # The two done items lack an outcome (a warning); dropped items are never reported.
    check = run_cli("check", "-w", ws)
    assert check.exit_code == 1
    lines = check.stdout.splitlines()
    unscored = sorted({line.split()[2] for line in lines if " unscored " in line})
    assert unscored == ["4211", "4212", "4213", "4214", "LIC-41", "LIC-42", "LIC-43", "LIC-45"]
    no_outcome = sorted(line.split()[2] for line in lines if " done-without-outcome " in line)
    assert no_outcome == ["4215", "LIC-44"]
    assert not any("LIC-46" in line or "4216" in line for line in lines)

    # rank leaves the unscored out, names each on stderr, and ranks the six starter items.
    rank = run_cli("rank", "-w", ws, "--format", "csv")
    assert rank.exit_code == 0, rank.stderr
    ranked = [row.split(",")[1] for row in rank.stdout.splitlines()[1:]]
    assert sorted(ranked) == ["CC-1", "CC-2", "CC-3", "REN-1", "REN-2", "REN-3"]
    warned = sorted(
        {line.split()[2] for line in rank.stderr.splitlines() if " is unscored" in line}
    )
    assert warned == unscored


def jira_with(old: str, new: str) -> str:
    text = JIRA_CSV.read_text(encoding="utf-8")
    assert text.count(old) == 1
    return text.replace(old, new)


@pytest.mark.parametrize(
    ("csv_text", "pool", "message"),
    [
        (
            jira_with(",In Progress,LIC,", ",Blocked,LIC,"),
            "renewals",
            f'bad.csv:4:5: unknown-state "Blocked" is not a workflow state this import knows '
            f"({known_states()}); rename it in the export or set the status by hand",
        ),
        (
            jira_with(",0|i0012f:,3,", ',0|i0012f:,"1,5",'),
            "renewals",
            'bad.csv:3:37: not-numeric Custom field (Story Points): "1,5" could be read more than '
            "one way",
        ),
        (
            jira_with("Let counter staff start a renewal for someone on the phone,", ","),
            "renewals",
            'bad.csv:6:2: unknown-id "LIC-45" is not an item of this workspace (did you mean '
            '"CC-4"?); give the row a "Summary" to create it',
        ),
        (
            JIRA_CSV.read_text(encoding="utf-8"),
            "renewal",
            'bad.csv:2:2: unknown-pool --pool "renewal" is not a value pool of this workspace '
            '(did you mean "renewals"?)',
        ),
    ],
    ids=["unknown-state", "ambiguous-number", "no-summary", "unknown-pool"],
)
def test_bad_export_is_a_located_error_and_changes_nothing(
    ws: Path, csv_text: str, pool: str, message: str
) -> None:
    before = hashes(ws)
    (ws.parent / "bad.csv").write_bytes(csv_text.encode("utf-8"))
    result = run_cli("import", "bad.csv", "--from", "jira", "--pool", pool, "-w", ws, cwd=ws.parent)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        *[line for line in result.stderr.splitlines() if line.startswith(message)],
        "prioritize: 1 error; nothing was done",
    ], result.stderr
    assert hashes(ws) == before


def test_azure_devops_unknown_state_lists_the_known_states(ws: Path) -> None:
    text = ADO_CSV.read_text(encoding="utf-8-sig").replace(",Active,", ",Resolved-ish,")
    (ws.parent / "bad.csv").write_text(text, encoding="utf-8")
    before = hashes(ws)
    result = run_cli(
        "import", "bad.csv", "--from", "azure-devops", "--pool", "contact-centre", "-w", ws,
        cwd=ws.parent,
    )  # fmt: skip
    assert result.exit_code == 2
    assert result.stderr.startswith('bad.csv:5:5: unknown-state "Resolved-ish" is not a workflow')
    assert hashes(ws) == before


def test_the_fixtures_are_shaped_like_real_exports() -> None:
    import csv

    with JIRA_CSV.open(encoding="utf-8", newline="") as handle:
        jira = list(csv.reader(handle))
    header = jira[0]
    assert [header.count(name) for name in ("Labels", "Sprint", "Watchers")] == [3, 2, 2]
    assert JIRA.field_of(header) == {1: "id", 0: "title", 4: "status", 36: "effort"}
    assert 5 <= len(jira) - 1 <= 8
    assert any("\n" in cell for row in jira for cell in row)  # multi-line descriptions
    assert jira[1][header.index("Created")] == "12/Nov/26 10:04 AM"
    raw = ADO_CSV.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfID,Work Item Type,Title,Assigned To,State,Tags,Effort,")
    with ADO_CSV.open(encoding="utf-8-sig", newline="") as handle:
        ado = list(csv.reader(handle))
    assert AZURE_DEVOPS.field_of(ado[0]) == {0: "id", 2: "title", 4: "status", 6: "effort"}
    assert 5 <= len(ado) - 1 <= 8


def test_every_state_in_the_table_maps_to_a_status() -> None:
    assert set(STATES.values()) == {"proposed", "ready", "in-progress", "done", "dropped"}
    assert JIRA.states is STATES and AZURE_DEVOPS.states is STATES
