"""`prioritize import`: golden files byte for byte, and all or nothing.

Golden cases live in tests/golden/import/CASE/: `before/` (a workspace), `import.csv`, `args`
(extra options, one a line) and `after/` (every file of the workspace after the import).
PRIORITIZE_UPDATE_GOLDEN=1 rewrites `after/`; read the diff before committing it.
"""

from __future__ import annotations

import os
import shutil
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import run_cli, write_files
from prioritize import output, yamlio

GOLDEN = Path(__file__).resolve().parent / "golden" / "import"
UPDATE = os.environ.get("PRIORITIZE_UPDATE_GOLDEN") == "1"


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.mark.parametrize(
    "case", sorted(p for p in GOLDEN.iterdir() if p.is_dir()), ids=lambda p: p.name
)
def test_golden(case: Path, tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    shutil.copytree(case / "before", ws)
    args = (case / "args").read_text().split() if (case / "args").exists() else []
    result = run_cli("import", case / "import.csv", "-w", ws, *args)
    assert result.exit_code == 0, result.stderr
    actual = snapshot(ws)
    if UPDATE:
        shutil.rmtree(case / "after", ignore_errors=True)
        shutil.copytree(ws, case / "after")
    assert actual == snapshot(case / "after")
    # Nothing but whole lines of values changed: every other line is byte for byte the same.
    before = snapshot(case / "before")
    assert set(actual) == set(before)


def test_golden_cases_change_only_the_touched_lines() -> None:
    # Hand-checked summary of what each case must change (the golden files hold the bytes).
    case = GOLDEN / "crlf-four-spaces"
    old = (case / "before" / "backlogs" / "renewals.yaml").read_bytes().split(b"\r\n")
    new = (case / "after" / "backlogs" / "renewals.yaml").read_bytes().split(b"\r\n")
    removed = [line for line in old if line not in new]
    assert removed == [
        b"            as_of: 2026-10-01",
        b"                cost_per_transaction: 9.50  # dollars",
        b"                csat: 2.8",
        b"            functional: {completion_rate: 0.61, digital_take_up: 0.52}",
    ]
    assert b"\n" not in b"".join(new).replace(b"\r\n", b"")  # still CRLF throughout
    assert (case / "after" / "backlogs" / "untouched.yaml").read_bytes() == (
        case / "before" / "backlogs" / "untouched.yaml"
    ).read_bytes()


# --- all or nothing ---------------------------------------------------------------------------

POOLS = """\
value_pools:
  - id: p
    name: Pool
"""


def item(item_id: str, volume: int) -> str:
    return f"""\
# {item_id}: a comment that must survive
id: {item_id}
title: Item {item_id}
pool: p
effort: 2   # points
evidence:
  functional: {{completion_rate: 0.5, digital_take_up: 0.5}}
  operational: {{monthly_volume: {volume}, cost_per_transaction: 5.0}}
  experience: {{csat: 3.0}}
"""


@pytest.fixture
def ws(make_workspace: Callable[[dict[str, str]], Path]) -> Path:
    return make_workspace(
        {
            "backlogs/pools.yaml": POOLS,
            "backlogs/items/A-1.yaml": item("A-1", 100),
            "backlogs/items/B-2.yaml": item("B-2", 200),
            "backlogs/items/C-3.yaml": item("C-3", 300),
        }
    )


def write_csv(folder: Path, text: str) -> Path:
    path = folder / "evidence.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_import_writes_and_summarizes(ws: Path) -> None:
    csv = write_csv(ws.parent, "id,monthly_volume,csat\nA-1,150,\nB-2,,3.5\nC-3,300,\n")
    result = run_cli("import", csv, "-w", ws, "--section", "operational")
    assert result.exit_code == 0, result.stderr
    assert "imported 2 values in 2 files" in result.stderr
    assert (
        "  operational: {monthly_volume: 150, cost_per_transaction: 5.0}\n"
        in (ws / "backlogs/items/A-1.yaml").read_text()
    )
    assert (
        "  operational: {monthly_volume: 200, cost_per_transaction: 5.0, csat: 3.5}\n"
        in (ws / "backlogs/items/B-2.yaml").read_text()
    )
    assert (ws / "backlogs/items/C-3.yaml").read_text() == item("C-3", 300)
    again = run_cli("import", csv, "-w", ws, "--section", "operational")
    assert again.exit_code == 0
    assert "nothing to import" in again.stderr


def test_one_unknown_id_changes_no_file(ws: Path) -> None:
    before = snapshot(ws)
    csv = write_csv(ws.parent, "id,evidence.operational.monthly_volume\nA-1,1\nB-2,2\nX-9,3\n")
    result = run_cli("import", csv, "-w", ws)
    assert result.exit_code == 2
    assert f'{csv}:4:1: unknown-id "X-9" is not an item of this workspace' in result.stderr
    assert "nothing was done" in result.stderr
    assert snapshot(ws) == before


def test_every_problem_is_reported_at_its_cell_and_nothing_written(ws: Path) -> None:
    before = snapshot(ws)
    csv = write_csv(
        ws.parent,
        "id,effort,evidence.experience.csat\nA-1,abc,\nB-2,,high\nA-1,3,\n",
    )
    result = run_cli("import", csv, "-w", ws)
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert f'{csv}:2:2: invalid-value effort "abc": input should be a valid number' in lines
    assert f'{csv}:3:3: not-numeric satisfaction needs a number here, not "high"' in lines
    assert (
        f'{csv}:4:1: duplicate-id "A-1" is already imported by row 2; give each item one row'
        in lines
    )
    assert snapshot(ws) == before


def test_dry_run_prints_the_diff_and_writes_nothing(ws: Path) -> None:
    before = snapshot(ws)
    csv = write_csv(ws.parent, "id,evidence.operational.monthly_volume\nA-1,0.3\n")
    result = run_cli("import", csv, "-w", ws, "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "--- a/backlogs/items/A-1.yaml\n"
        "+++ b/backlogs/items/A-1.yaml\n"
        "@@ -5,5 +5,5 @@\n"
        " effort: 2   # points\n"
        " evidence:\n"
        "   functional: {completion_rate: 0.5, digital_take_up: 0.5}\n"
        "-  operational: {monthly_volume: 100, cost_per_transaction: 5.0}\n"
        "+  operational: {monthly_volume: 0.3, cost_per_transaction: 5.0}\n"
        "   experience: {csat: 3.0}\n"
    )
    assert "would import 1 value in 1 file (dry run: nothing written)" in result.stderr
    assert snapshot(ws) == before


def fail_on_call(count: int, real: Callable[..., object]) -> Callable[..., object]:
    calls = {"n": 0}

    def fake(*args: object, **kwargs: object) -> object:
        calls["n"] += 1
        if calls["n"] == count:
            raise OSError(28, "No space left on device")
        return real(*args, **kwargs)

    return fake


def test_a_failure_writing_the_second_file_leaves_every_file_as_it_was(
    ws: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(ws)
    csv = write_csv(ws.parent, "id,evidence.operational.monthly_volume\nA-1,1\nB-2,2\nC-3,3\n")
    monkeypatch.setattr(output, "atomic_write", fail_on_call(2, output.atomic_write))
    result = run_cli("import", csv, "-w", ws)
    assert result.exit_code == 2
    assert (
        "cannot write backlogs/items/B-2.yaml: No space left on device; every file is as it was"
        in result.stderr
    )
    assert snapshot(ws) == before


def test_a_failing_os_replace_on_the_second_file_leaves_every_file_as_it_was(
    ws: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(ws)
    csv = write_csv(ws.parent, "id,evidence.operational.monthly_volume\nA-1,1\nB-2,2\nC-3,3\n")
    monkeypatch.setattr(os, "replace", fail_on_call(2, os.replace))
    result = run_cli("import", csv, "-w", ws)
    assert result.exit_code == 2
    assert snapshot(ws) == before
    leftovers = [p.name for p in (ws / "backlogs/items").iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


def test_file_permissions_survive(ws: Path) -> None:
    path = ws / "backlogs/items/A-1.yaml"
    path.chmod(0o640)
    csv = write_csv(ws.parent, "id,evidence.operational.monthly_volume\nA-1,7\n")
    assert run_cli("import", csv, "-w", ws).exit_code == 0
    assert "monthly_volume: 7," in path.read_text()
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_a_file_that_cannot_be_written_back_exactly_is_refused_and_nothing_written(
    ws: Path,
) -> None:
    odd = ws / "backlogs/items/B-2.yaml"
    odd.write_text(
        item("B-2", 200).replace(
            "title: Item B-2\n", "title: Item B-2\n  folded over a second line\n"
        )
    )
    before = snapshot(ws)
    csv = write_csv(ws.parent, "id,evidence.operational.monthly_volume\nA-1,1\nB-2,2\n")
    result = run_cli("import", csv, "-w", ws)
    assert result.exit_code == 2
    assert (
        "backlogs/items/B-2.yaml:3:1: cannot-edit the file cannot be written back byte for byte"
        in result.stderr
    )
    assert snapshot(ws) == before


def test_ids_that_look_like_numbers_and_words_like_none_stay_text(
    make_workspace: Callable[[dict[str, str]], Path],
) -> None:
    ws = make_workspace(
        {"backlogs/b.yaml": POOLS + 'items:\n  - id: "0042"\n    title: T\n    pool: p\n'}
    )
    csv = write_csv(
        ws.parent,
        "id,evidence.experience.note,evidence.experience.flag,evidence.experience.other\n0042,None,NA,yes\n",
    )
    result = run_cli("import", csv, "-w", ws, "--new-metrics")  # note, flag, other are new
    assert result.exit_code == 0, result.stderr
    data = yamlio.read(ws / "backlogs/b.yaml")
    assert data["items"][0]["evidence"] == {
        "experience": {"note": "None", "flag": "NA", "other": "yes"}
    }


def test_a_bom_and_an_unreadable_csv(ws: Path) -> None:
    csv = ws.parent / "bom.csv"
    csv.write_bytes(b"\xef\xbb\xbfid,evidence.operational.monthly_volume\r\nA-1,9\r\n")
    assert run_cli("import", csv, "-w", ws).exit_code == 0
    ragged = write_csv(ws.parent, "id,x\nA-1,1,2\n")
    result = run_cli("import", ragged, "-w", ws)
    assert result.exit_code == 2
    assert f"{ragged}:2:3: too-many-cells this row has 3 cells and the header 2" in result.stderr
    undecodable = ws.parent / "latin1.csv"
    undecodable.write_bytes(b"id,x\nA-1,caf\xe9\n")
    result = run_cli("import", undecodable, "-w", ws)
    assert result.exit_code == 2
    assert f"{undecodable}: cannot read the CSV: 'utf-8' codec can't decode" in result.stderr
    missing = run_cli("import", ws.parent / "nope.csv", "-w", ws)
    assert missing.exit_code == 2


def test_a_value_outside_its_criterions_range_is_imported_with_a_warning_at_its_cell(
    ws: Path,
) -> None:
    csv = write_csv(ws.parent, "id,evidence.functional.completion_rate\nA-1,80\nB-2,0.8\n")
    result = run_cli("import", csv, "-w", ws)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == (
        f"{csv}:2:2: warning: out-of-range A-1: evidence.functional.completion_rate 80 is "
        "outside completion's range [0, 1] and is scored as 1; did you mean 0.80?\n"
        "imported 2 values in 2 files\n"
    )
    data = yamlio.read(ws / "backlogs/items/A-1.yaml")
    assert data["evidence"]["functional"]["completion_rate"] == 80  # as typed, never clipped
    wrong = write_csv(ws.parent, "id,evidence.functional.completion_rate\nA-1,81\nB-2,abc\n")
    result = run_cli("import", wrong, "-w", ws)
    assert result.exit_code == 2
    assert result.stderr == (
        f"{wrong}:2:2: warning: out-of-range A-1: evidence.functional.completion_rate 81 is "
        "outside completion's range [0, 1] and is scored as 1; did you mean 0.81?\n"
        f'{wrong}:3:2: not-numeric completion needs a number here, not "abc"\n'
        "prioritize: 1 error; nothing was done\n"
    )


def test_a_blank_first_line_is_named_not_read_as_an_empty_csv(ws: Path) -> None:
    csv = write_csv(ws.parent, "\nid,evidence.operational.monthly_volume\nA-1,9\n")
    result = run_cli("import", csv, "-w", ws)
    assert result.exit_code == 2
    assert result.stderr.startswith(
        f'{csv}:1:1: no-id-column no "id" column to name the items (the first line is blank: '
        "the header must be the first line)\n"
    )


def test_an_invalid_workspace_is_refused_before_reading_the_csv(tmp_path: Path) -> None:
    ws = write_files(tmp_path / "bad", {"backlogs/b.yaml": "items: [\n"})
    csv = write_csv(tmp_path, "id,x\n")
    assert run_cli("import", csv, "-w", ws).exit_code == 2
