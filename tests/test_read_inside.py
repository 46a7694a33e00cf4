"""Reading only the workspace, and never silently less of it.

- A folder under backlogs/ that cannot be read is an `unreadable` finding, like a file.
- A criteria, settings, backlog or votes path that leads (through a symbolic link or `../`)
  outside the workspace is an `outside-workspace` finding at the path, and nothing of what lies
  there is read or quoted; a criteria file given on the command line (`--criteria PATH`) may
  lie anywhere.

The same for data: tests/data/check/outside-workspace/ (links to /etc/passwd and /etc).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from conftest import REPO_ROOT, run_cli, write_files

SECRET = "hunter2-TOKEN-do-not-print"

CRITERIA = """\
name: Test set
agreed_by: [Test lead]
criteria:
  - {id: v, data: operational, source: scores.v}
"""

ITEM = """\
value_pools:
  - {id: p, name: Pool}
items:
  - {id: A-1, title: First, pool: p, effort: 1, scores: {v: 3}}
"""


@pytest.fixture
def ws(make_workspace: Callable[[dict[str, str]], Path]) -> Path:
    return make_workspace({"backlogs/a.yaml": ITEM, "criteria/default.yaml": CRITERIA})


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "token"
    path.write_text(f"{SECRET}\n", encoding="utf-8")
    return path


def said(result: object) -> str:
    return f"{getattr(result, 'stdout', '')}{getattr(result, 'stderr', '')}"


# --- unreadable folders -----------------------------------------------------------------------


def test_an_unreadable_folder_is_a_finding_not_a_silent_skip(
    ws: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The suite may run as root, whom chmod 000 does not stop: the folder's listing fails instead.
    hidden = ws / "backlogs" / "team"
    write_files(ws, {"backlogs/team/b.yaml": ITEM.replace("A-1", "B-2")})
    real_scandir = os.scandir

    def scandir(path: object = ".") -> object:
        if os.fspath(path) == str(hidden):  # type: ignore[arg-type]
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", scandir)
    checked = run_cli("check", "-w", ws)
    assert checked.exit_code == 1
    assert (
        "backlogs/team:1:1: unreadable cannot read the folder: Permission denied"
        in checked.stdout.splitlines()
    )
    ranked = run_cli("rank", "-w", ws)
    assert ranked.exit_code == 2
    assert "backlogs/team:1:1: unreadable cannot read the folder" in ranked.stderr


@pytest.fixture
def shared_tmp() -> Iterator[Path]:
    """A folder another user can reach (pytest's own tmp folder is private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="prioritize-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        for path in folder.rglob("*"):
            if path.is_dir() and not path.is_symlink():
                path.chmod(0o755)
        shutil.rmtree(folder)


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0 or shutil.which("setpriv") is None,
    reason="runs check as the user nobody: needs root and setpriv",
)
def test_an_unreadable_folder_as_another_user(shared_tmp: Path) -> None:
    ws = write_files(
        shared_tmp / "ws",
        {"backlogs/a.yaml": ITEM, "backlogs/team/b.yaml": ITEM.replace("A-1", "B-2"),
         "criteria/default.yaml": CRITERIA},
    )  # fmt: skip
    for path in ws.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    (ws / "backlogs/team").chmod(0o000)
    nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    probe = subprocess.run(
        [*nobody, sys.executable, "-c", "import prioritize"], capture_output=True
    )
    if probe.returncode != 0:
        pytest.skip("the user nobody cannot run this Python")
    result = subprocess.run(
        [*nobody, sys.executable, "-m", "prioritize", "check", "-w", str(ws)],
        capture_output=True, text=True, cwd=shared_tmp, timeout=120,
        env={**os.environ, "NO_COLOR": "1"},
    )  # fmt: skip
    assert result.returncode == 1, result.stdout + result.stderr
    assert "backlogs/team:1:1: unreadable cannot read the folder: Permission denied" in (
        result.stdout.splitlines()
    )


# --- paths leading outside --------------------------------------------------------------------


def test_criteria_in_settings_outside_the_workspace_is_refused_unread(
    ws: Path, secret: Path
) -> None:
    rel = os.path.relpath(secret, ws)
    (ws / "prioritize.yaml").write_text(f"# settings\ncriteria: {rel}\n", encoding="utf-8")
    for command in ("rank", "check"):
        result = run_cli(command, "-w", ws)
        assert result.exit_code == (2 if command == "rank" else 1), said(result)
        assert SECRET not in said(result)
        assert (
            f'prioritize.yaml:2:11: outside-workspace criteria "{rel}" leads outside the '
            f"workspace (to {os.path.realpath(secret)}): not read; keep criteria sets in criteria/, or give a "
            "file outside with --criteria"
        ) in said(result).splitlines()


def test_criteria_given_on_the_command_line_may_lie_outside(ws: Path, tmp_path: Path) -> None:
    outside = tmp_path / "sets" / "mine.yaml"
    outside.parent.mkdir()
    outside.write_text(CRITERIA, encoding="utf-8")
    result = run_cli("rank", "-w", ws, "-f", "csv", "-c", outside)
    assert result.exit_code == 0, result.stderr
    assert "A-1" in result.stdout


def test_a_backlog_file_linked_outside_is_refused_unread(ws: Path, secret: Path) -> None:
    (ws / "backlogs/x.yaml").symlink_to(secret)
    checked = run_cli("check", "-w", ws)
    assert checked.exit_code == 1
    assert SECRET not in said(checked)
    assert (
        f"backlogs/x.yaml:1:1: outside-workspace backlogs/x.yaml leads outside the workspace "
        f"(to {os.path.realpath(secret)}): not read; keep the workspace's files inside it"
    ) in checked.stdout.splitlines()
    ranked = run_cli("rank", "-w", ws)
    assert ranked.exit_code == 2 and SECRET not in said(ranked)


def test_a_backlog_folder_linked_outside_is_refused_unread(ws: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    write_files(elsewhere, {"b.yaml": f"{SECRET}: [\n"})
    (ws / "backlogs/sub").symlink_to(elsewhere)
    checked = run_cli("check", "-w", ws)
    assert checked.exit_code == 1
    assert SECRET not in said(checked)
    assert (
        f"backlogs/sub:1:1: outside-workspace backlogs/sub leads outside the workspace "
        f"(to {os.path.realpath(elsewhere)}): not read; keep the workspace's files inside it"
    ) in checked.stdout.splitlines()


def test_a_criteria_file_linked_outside_is_refused_even_by_name(ws: Path, secret: Path) -> None:
    (ws / "criteria/leak.yaml").symlink_to(secret)
    result = run_cli("rank", "-w", ws, "-c", "leak")
    assert result.exit_code == 2
    assert SECRET not in said(result)
    assert "criteria/leak.yaml:1:1: outside-workspace criteria/leak.yaml leads outside" in (
        result.stderr
    )


def test_a_criteria_folder_linked_outside_is_a_finding(ws: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "sets"
    write_files(elsewhere, {"x.yaml": f"{SECRET}: [\n"})
    (ws / "criteria/more").symlink_to(elsewhere)
    checked = run_cli("check", "-w", ws)
    assert checked.exit_code == 1, checked.stderr
    assert SECRET not in said(checked)
    assert "criteria/more:1:1: outside-workspace criteria/more leads outside" in checked.stdout


def test_links_within_the_workspace_are_read(ws: Path) -> None:
    write_files(
        ws,
        {
            "shared/b.yaml": ITEM.replace("A-1", "B-2"),
            "shared/team/c.yaml": ITEM.replace("A-1", "C-3"),
        },
    )
    (ws / "backlogs/b.yaml").symlink_to(Path("../shared/b.yaml"))
    (ws / "backlogs/team").symlink_to(ws / "shared" / "team")
    result = run_cli("rank", "-w", ws, "-f", "csv")
    assert result.exit_code == 2  # pools p defined three times: each file was read
    assert "duplicate-id" in result.stderr
    assert sum("duplicate-id" in line for line in result.stderr.splitlines()) == 2


def test_a_link_back_up_is_read_once_not_forever(ws: Path) -> None:
    (ws / "backlogs/again").symlink_to(Path("."))
    result = run_cli("rank", "-w", ws, "-f", "csv")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.count("A-1") == 1


def test_the_case_folder_holds_its_links() -> None:
    # git keeps symbolic links; the case test copies them as links (see test_cli_check.copy_case).
    case = REPO_ROOT / "tests/data/check/outside-workspace/backlogs"
    assert os.readlink(case / "passwd.yaml") == "/etc/passwd"
    assert os.readlink(case / "etc") == "/etc"
