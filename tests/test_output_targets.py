"""Where output goes (`--output` of every command, `import` writing backlog files): a write never
destroys what it writes over.

Regular files are replaced all at once; devices, FIFOs, `/dev/fd/N` and terminals are written in
place; `-` is standard output; a symbolic link is written through to its target and stays a link;
a read-only file is refused (exit 2) and left alone; temporary files never outlive a run, even one
stopped by a signal, and one left by a killed run is removed by the next and never read.
"""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from conftest import REPO_ROOT, run_cli

BACKLOG = """\
value_pools:
  - id: p
    name: Pool
items:
  - {id: A-1, title: First, pool: p, effort: 2, evidence: {operational: {monthly_volume: 100, cost_per_transaction: 5.0}}}
  - {id: B-2, title: Second, pool: p, effort: 3, evidence: {operational: {monthly_volume: 200, cost_per_transaction: 5.0}}}
"""


@pytest.fixture
def ws(make_workspace: Callable[[dict[str, str]], Path]) -> Path:
    return make_workspace({"backlogs/work.yaml": BACKLOG})


def ranked_csv(ws: Path) -> str:
    result = run_cli("rank", "-w", ws, "-f", "csv")
    assert result.exit_code == 0, result.stderr
    return result.stdout


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# --- --output -------------------------------------------------------------------------------


def null_device(tmp_path: Path) -> Path:
    """/dev/null, or as root a null device made for the test: a regression that replaced the
    real /dev/null would break the whole machine, and only root may."""
    if os.geteuid() != 0:
        return Path("/dev/null")
    device = tmp_path / "null"
    try:
        os.mknod(device, stat.S_IFCHR | 0o666, os.stat("/dev/null").st_rdev)
    except OSError as exc:  # a container without CAP_MKNOD
        pytest.skip(f"cannot make a device node as root here: {exc}")
    return device


@pytest.mark.skipif(not Path("/dev/null").is_char_device(), reason="needs /dev/null")
def test_output_to_dev_null_leaves_it_a_character_device(ws: Path, tmp_path: Path) -> None:
    null = null_device(tmp_path)
    result = run_cli("rank", "-w", ws, "-f", "csv", "--output", null)
    assert result.exit_code == 0, result.stderr
    assert null.is_char_device()
    assert os.stat(null).st_rdev == os.stat("/dev/null").st_rdev
    assert leftovers(null.parent) == []


def test_output_to_a_fifo_delivers_the_bytes_and_the_fifo_stays(ws: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []

    def read() -> None:
        with fifo.open("rb") as handle:  # blocks until the writer opens it
            received.append(handle.read())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    result = run_cli("rank", "-w", ws, "-f", "csv", "--output", fifo)
    reader.join(timeout=10)
    assert result.exit_code == 0, result.stderr
    assert fifo.is_fifo()
    assert received == [ranked_csv(ws).encode("utf-8")]
    assert leftovers(tmp_path) == []


def test_output_through_a_symlink_writes_the_target_and_the_link_stays(
    ws: Path, tmp_path: Path
) -> None:
    target = tmp_path / "real" / "ranking.csv"
    target.parent.mkdir()
    target.write_text("old\n", encoding="utf-8")
    target.chmod(0o640)
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    result = run_cli("rank", "-w", ws, "-f", "csv", "--output", link)
    assert result.exit_code == 0, result.stderr
    assert link.is_symlink()
    assert os.readlink(link) == str(target)
    assert target.read_text(encoding="utf-8") == ranked_csv(ws)
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert leftovers(tmp_path) == [] and leftovers(target.parent) == []


def test_output_dash_is_standard_output(ws: Path, tmp_path: Path) -> None:
    result = run_cli("rank", "-w", ws, "-f", "csv", "--output", "-", cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ranked_csv(ws)
    assert not (tmp_path / "-").exists()
    assert "wrote" not in result.stderr


@pytest.mark.skipif(not Path("/dev/fd").is_dir(), reason="needs /dev/fd")
def test_output_to_dev_fd_writes_the_descriptor(ws: Path) -> None:
    read_end, write_end = os.pipe()
    with os.fdopen(read_end, "rb") as reader:
        try:
            result = run_cli("rank", "-w", ws, "-f", "csv", "--output", f"/dev/fd/{write_end}")
        finally:
            os.close(write_end)
        received = reader.read()
    assert result.exit_code == 0, result.stderr
    assert received == ranked_csv(ws).encode("utf-8")


@pytest.mark.skipif(not Path("/dev/fd").is_dir(), reason="needs /dev/fd")
def test_output_to_dev_fd_of_a_child_process(ws: Path) -> None:
    # As bash passes `--output >(wc -c)`: a descriptor the child inherits, named /dev/fd/N.
    read_end, write_end = os.pipe()
    with os.fdopen(read_end, "rb") as reader:
        try:
            child = subprocess.run(
                [sys.executable, "-m", "prioritize", "rank", "-w", str(ws), "-f", "csv",
                 "--output", f"/dev/fd/{write_end}"],
                pass_fds=(write_end,), capture_output=True, text=True, timeout=120,
            )  # fmt: skip
        finally:
            os.close(write_end)
        received = reader.read()
    assert child.returncode == 0, child.stderr
    assert received == ranked_csv(ws).encode("utf-8")


def test_a_read_only_output_is_refused_and_left_alone(ws: Path, tmp_path: Path) -> None:
    target = tmp_path / "ranking.csv"
    target.write_text("keep me\n", encoding="utf-8")
    target.chmod(0o444)
    result = run_cli("rank", "-w", ws, "-f", "csv", "--output", target)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        f"prioritize: {target} is read-only: not overwritten (make it writable or choose "
        "another --output)"
    )
    assert target.read_text(encoding="utf-8") == "keep me\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o444
    assert leftovers(tmp_path) == []


def test_a_folder_as_output_is_refused(ws: Path, tmp_path: Path) -> None:
    # Typer's own check (dir_okay=False) refuses it before the command runs.
    result = run_cli("rank", "-w", ws, "--output", tmp_path)
    assert result.exit_code == 2
    assert tmp_path.is_dir()


# --- import writing backlog files -----------------------------------------------------------


def write_csv(folder: Path, text: str) -> Path:
    path = folder / "values.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_import_into_a_read_only_backlog_file_is_refused(ws: Path) -> None:
    path = ws / "backlogs/work.yaml"
    path.chmod(0o444)
    before = path.read_bytes()
    csv = write_csv(ws.parent, "id,evidence.operational.monthly_volume\nA-1,150\n")
    result = run_cli("import", csv, "-w", ws)
    assert result.exit_code == 2
    assert (
        "prioritize: backlogs/work.yaml is read-only: nothing was written (make it writable, "
        "then run the import again)"
    ) in result.stderr
    assert path.read_bytes() == before
    assert stat.S_IMODE(path.stat().st_mode) == 0o444
    assert leftovers(path.parent) == []


def test_import_into_a_symlinked_backlog_file_updates_the_target_and_keeps_the_link(
    ws: Path,
) -> None:
    shared = ws / "shared" / "work.yaml"
    shared.parent.mkdir()
    (ws / "backlogs/work.yaml").rename(shared)
    link = ws / "backlogs/work.yaml"
    link.symlink_to(Path("../shared/work.yaml"))
    csv = write_csv(ws.parent, "id,evidence.operational.monthly_volume\nA-1,150\n")
    result = run_cli("import", csv, "-w", ws)
    assert result.exit_code == 0, result.stderr
    assert link.is_symlink()
    assert os.readlink(link) == "../shared/work.yaml"
    assert "monthly_volume: 150," in shared.read_text(encoding="utf-8")
    assert leftovers(link.parent) == [] and leftovers(shared.parent) == []


# --- temporary files ------------------------------------------------------------------------


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_stale_temporary_file_is_removed_by_the_next_run_and_never_read(ws: Path) -> None:
    folder = ws / "backlogs"
    stale = folder / f".work.yaml.{dead_pid()}.a1b2c3d4.tmp"
    # Holds an item that would be a duplicate id if discovery read it.
    stale.write_text(BACKLOG, encoding="utf-8")
    legacy = folder / ".work.yaml.k3j_x9q0.tmp"  # the name an earlier version gave: no pid
    legacy.write_text(BACKLOG, encoding="utf-8")
    checked = run_cli("check", "-w", ws)
    assert "duplicate-id" not in checked.stdout
    assert checked.stderr.endswith(" in 1 file checked\n"), checked.stderr

    # The import removes both: the pid names no process, and under the workspace lock no other
    # writer can own a file without one.
    csv = write_csv(ws.parent, "id,evidence.operational.monthly_volume\nA-1,150\n")
    result = run_cli("import", csv, "-w", ws)
    assert result.exit_code == 0, result.stderr
    assert leftovers(folder) == []


def test_a_live_runs_temporary_file_is_left_alone(ws: Path, tmp_path: Path) -> None:
    live = tmp_path / f".ranking.csv.{os.getpid()}.a1b2c3d4.tmp"
    live.write_text("being written", encoding="utf-8")
    result = run_cli("rank", "-w", ws, "-f", "csv", "--output", tmp_path / "ranking.csv")
    assert result.exit_code == 0, result.stderr
    assert live.exists()


CHILD = """
import os, signal, sys, time
from pathlib import Path
from prioritize import output

# As in a terminal: a run started in the background of a script inherits SIGINT ignored.
signal.signal(signal.SIGINT, signal.default_int_handler)

ready = Path(sys.argv[2])

def slow_fsync(fd):
    ready.write_text("writing")
    time.sleep(30)

os.fsync = slow_fsync
output.write_output(Path(sys.argv[1]), b"new bytes")
"""


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_while_writing_leaves_no_temporary_file(tmp_path: Path, signum: int) -> None:
    target = tmp_path / "out" / "ranking.csv"
    target.parent.mkdir()
    target.write_text("old\n", encoding="utf-8")
    ready = tmp_path / "ready"
    child = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(CHILD), str(target), str(ready)],
        cwd=REPO_ROOT, stderr=subprocess.PIPE,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while not ready.exists() and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    if not ready.exists():
        child.kill()
        pytest.fail(child.communicate()[1].decode())
    assert leftovers(target.parent) != []  # the temporary file is there while writing
    child.send_signal(signum)
    try:
        stderr = child.communicate(timeout=30)[1]
    except subprocess.TimeoutExpired:
        child.kill()
        child.communicate()
        pytest.fail(f"signal {signum} did not stop the writer")
    assert child.returncode != 0, stderr
    assert leftovers(target.parent) == []
    assert target.read_text(encoding="utf-8") == "old\n"


def test_write_output_never_leaves_a_temporary_file_on_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "ranking.csv"
    target.write_text("old\n", encoding="utf-8")

    def full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    from prioritize import output

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OSError):
        output.write_output(target, b"new")
    assert target.read_text(encoding="utf-8") == "old\n"
    assert leftovers(tmp_path) == []


def test_output_written_in_pieces_replaces_the_file_whole_or_not_at_all(
    ws: Path, tmp_path: Path
) -> None:
    """A long table is written as it is drawn (cli.common.emit takes its pieces): the file
    gets every piece in order, and a failure while drawing leaves the file as it was."""
    from prioritize.cli.common import emit
    from prioritize.errors import PrioritizeError

    target = tmp_path / "ranking.txt"
    target.write_text("old\n", encoding="utf-8")
    emit(iter(["Ranked ", "backlog\n", "", "é€\n"]), target)
    assert target.read_bytes() == "Ranked backlog\né€\n".encode()

    def failing() -> Iterator[str]:
        yield "half a table\n"
        raise PrioritizeError(message="drawing failed")

    with pytest.raises(PrioritizeError, match="drawing failed"):
        emit(failing(), target)
    assert target.read_bytes() == "Ranked backlog\né€\n".encode()
    assert leftovers(tmp_path) == []


def test_a_long_table_on_standard_output_is_the_table_drawn_whole(
    make_workspace: Callable[[dict[str, str]], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """rank's table reaches standard output in pieces, blocks of rows as they are drawn;
    joined, they are the text drawn in one go."""
    from prioritize.cli.common import load_scored
    from prioritize.render.rank import rank_table
    from prioritize.render.table import render_pieces, render_to_text
    from prioritize.scoring import ranking_rows

    items = "\n".join(
        f"  - {{id: I-{k}, title: Item {k}, pool: p, effort: {1 + k % 5}, evidence: "
        f"{{operational: {{monthly_volume: {100 + k}, cost_per_transaction: 5.0}}}}}}"
        for k in range(5000)
    )
    volume = (
        "name: Volume\nagreed_by: [Lead]\nagreed_on: 2026-01-01\ncriteria:\n  - {id: volume, "
        "name: Volume, data: operational, source: evidence.operational.monthly_volume, weight: 1}\n"
    )
    backlog = BACKLOG.split("items:")[0] + "items:\n" + items
    root = make_workspace({"backlogs/work.yaml": backlog, "criteria/default.yaml": volume})
    monkeypatch.setenv("COLUMNS", "100")
    scored = load_scored(root, None)
    rows = ranking_rows(scored.scoring, top=None, pool=None, risk=None, include_unscored=False)
    table = rank_table(rows, scored.criteria.criteria, scored.criteria.name, "points")
    pieces = list(render_pieces([table], color=False))
    assert len(pieces) > 3  # the body came a block at a time
    assert max(map(len, pieces)) < len("".join(pieces)) / 2
    assert "".join(pieces) == render_to_text([table], color=False)
    result = run_cli("rank", "-w", root)
    assert result.exit_code == 0, result.stderr
    assert "Ranked backlog: 5000 items\n" in result.stdout.split("┏")[0]
    assert len([line for line in result.stdout.split("\n") if line.startswith("│ ")]) == 5000


def test_a_reader_that_stops_early_ends_the_command_quietly(
    make_workspace: Callable[[dict[str, str]], Path],
) -> None:
    """`prioritize rank | head` or quitting `less`: the pipe closes while the table is written.
    Nothing is said on stderr about it, and the exit code is the shell's for a closed pipe."""
    items = "\n".join(
        f"  - {{id: I-{k}, title: Item {k}, pool: p, effort: 1, evidence: {{operational: "
        f"{{monthly_volume: {100 + k}, cost_per_transaction: 5.0}}}}}}"
        for k in range(3000)
    )
    volume = (
        "name: Volume\nagreed_by: [Lead]\nagreed_on: 2026-01-01\ncriteria:\n  - {id: volume, "
        "name: Volume, data: operational, source: evidence.operational.monthly_volume, weight: 1}\n"
    )
    root = make_workspace(
        {
            "backlogs/work.yaml": BACKLOG.split("items:")[0] + "items:\n" + items,
            "criteria/default.yaml": volume,
        }
    )
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "100"}
    child = subprocess.Popen(
        [sys.executable, "-m", "prioritize", "rank", "-w", str(root)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
    )  # fmt: skip
    assert child.stdout is not None and child.stderr is not None
    assert b"Ranked backlog: 3000 items" in child.stdout.readline()
    child.stdout.close()  # a table of some 300 KB: more than the pipe holds
    with child.stderr:
        stderr = child.stderr.read().decode()
    assert child.wait(timeout=60) == 141
    assert stderr == ""


def test_a_long_csv_comes_in_blocks_of_rows_whose_join_is_the_whole_text() -> None:
    """rank, ttv and diff write CSV a few thousand rows at a time; a row with a lone CR is
    quoted whole, and text cells are safe for a spreadsheet unless --raw-csv, in every block."""
    import csv as std_csv
    import io

    import pandas as pd

    from prioritize.cli.common import render
    from prioritize.render.formats import _CSV_ROWS_AT_ONCE, csv_pieces, to_csv

    rows = 2 * _CSV_ROWS_AT_ONCE + 5
    titles = [f"Item {k}" for k in range(rows)]
    titles[_CSV_ROWS_AT_ONCE + 1] = "=HYPERLINK()"
    titles[-1] = "carriage\rreturn"
    frame = pd.DataFrame({"id": [f"I-{k}" for k in range(rows)], "title": titles, "score": [k / 4 for k in range(rows)]})  # fmt: skip
    pieces = list(csv_pieces(frame))
    assert len(pieces) == 4  # the header, then three blocks of rows
    assert pieces[0] == "id,title,score\n"
    text = "".join(pieces)
    assert text == to_csv(frame)
    read = list(std_csv.reader(io.StringIO(text, newline="")))
    assert len(read) == rows + 1
    assert read[_CSV_ROWS_AT_ONCE + 2] == [f"I-{_CSV_ROWS_AT_ONCE + 1}", "'=HYPERLINK()", "1024.25"]
    assert read[-1] == [f"I-{rows - 1}", "carriage\\rreturn", "2049"]  # no raw control character
    # Drawn later, as standard output takes them: the cells still follow --raw-csv.
    raw = "".join(render({"csv": csv_pieces}, "csv", frame, raw_csv=True))
    assert "\nI-4097,=HYPERLINK(),1024.25\n" in raw
    assert raw.endswith('\n"I-8196","carriage\rreturn","2049"\n')  # a lone CR: quoted whole
    safe = "".join(render({"csv": csv_pieces}, "csv", frame, raw_csv=False))
    assert safe == text
