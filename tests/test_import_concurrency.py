"""Two `import`s at once never lose a value: the workspace lock serialises their read-decide-write.

The trials fork from this process (the modules are already loaded, so a trial costs what two
imports cost) and run the CLI in each child; each trial's CSVs hold new values, so both
imports write the same files every time.
"""

from __future__ import annotations

import fcntl
import multiprocessing
import os
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import run_cli, write_files
from prioritize import yamlio

TRIALS = 100
EDITED = [f"E-{i}" for i in range(4)]  # two to a file, in the two files both imports edit
QUIET = [f"Q-{i}" for i in range(200)]  # a couple of hundred more items, read by every import


def item(item_id: str) -> str:
    return (
        f"  - id: {item_id}\n    title: Item {item_id}\n    pool: p\n    effort: 2\n"
        "    evidence:\n      operational:\n        monthly_volume: 1\n"
        "        cost_per_transaction: 1.0\n"
    )


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    files = {"backlogs/pools.yaml": "value_pools:\n  - id: p\n    name: Pool\n"}
    for n in range(2):
        files[f"backlogs/edited-{n}.yaml"] = "items:\n" + "".join(
            map(item, EDITED[2 * n : 2 * n + 2])
        )
    for n in range(2):
        files[f"backlogs/quiet-{n}.yaml"] = "items:\n" + "".join(
            map(item, QUIET[100 * n : 100 * n + 100])
        )
    return write_files(tmp_path / "ws", files)


def values(ws: Path) -> dict[str, tuple[object, object]]:
    found = {}
    for n in range(2):
        for entry in yamlio.read(ws / f"backlogs/edited-{n}.yaml")["items"]:
            operational = entry["evidence"]["operational"]
            found[entry["id"]] = (
                operational["monthly_volume"],
                operational["cost_per_transaction"],
            )
    return found


def run_import(csv: Path, ws: Path, log: Path) -> None:
    """In a forked child: one import, its exit code as the child's, its stderr in `log`."""
    result = run_cli("import", csv, "-w", ws)
    log.write_text(result.stderr, encoding="utf-8")
    sys.stdout.flush()
    os._exit(result.exit_code)


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="needs fork")
def test_two_imports_at_once_never_lose_a_value(ws: Path, tmp_path: Path) -> None:
    volume_csv, cost_csv = tmp_path / "volume.csv", tmp_path / "cost.csv"
    volume_csv.write_text("id,evidence.operational.monthly_volume\nE-0,7\n", encoding="utf-8")
    warm = run_cli("import", volume_csv, "-w", ws)  # every module loaded once, before the forks
    assert warm.exit_code == 0, warm.stderr
    fork = multiprocessing.get_context("fork")
    for trial in range(1, TRIALS + 1):
        volume = {item_id: trial * 100 + k for k, item_id in enumerate(EDITED)}
        cost = {item_id: trial * 100 + k + 0.5 for k, item_id in enumerate(EDITED)}
        volume_csv.write_text(
            "id,evidence.operational.monthly_volume\n"
            + "".join(f"{i},{v}\n" for i, v in volume.items()),
            encoding="utf-8",
        )
        cost_csv.write_text(
            "id,evidence.operational.cost_per_transaction\n"
            + "".join(f"{i},{v}\n" for i, v in cost.items()),
            encoding="utf-8",
        )
        logs = [tmp_path / "volume.log", tmp_path / "cost.log"]
        children = [
            fork.Process(target=run_import, args=(volume_csv, ws, logs[0])),
            fork.Process(target=run_import, args=(cost_csv, ws, logs[1])),
        ]
        for child in children:
            child.start()
        for child in children:
            child.join(timeout=60)
        said = [log.read_text(encoding="utf-8") if log.exists() else "" for log in logs]
        assert [c.exitcode for c in children] == [0, 0], f"trial {trial}: {said}"
        assert values(ws) == {i: (volume[i], cost[i]) for i in EDITED}, f"trial {trial}: {said}"


def hold_lock(ws: Path, text: str) -> int:
    fd = os.open(ws / ".prioritize.lock", os.O_RDWR | os.O_CREAT, 0o644)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    os.ftruncate(fd, 0)
    os.write(fd, text.encode())
    return fd


def test_a_second_import_waits_a_bounded_time_then_names_the_holder(
    ws: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("prioritize.lock.WAIT_SECONDS", 0.3)
    before = (ws / "backlogs/edited-0.yaml").read_bytes()
    csv = tmp_path / "volume.csv"
    csv.write_text("id,evidence.operational.monthly_volume\nE-0,5\n", encoding="utf-8")
    fd = hold_lock(ws, "4242 prioritize import other.csv\n")
    try:
        started = time.monotonic()
        result = run_cli("import", csv, "-w", ws)
        waited = time.monotonic() - started
    finally:
        os.close(fd)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        "prioritize: the workspace is busy: prioritize import other.csv (pid 4242) holds "
        f"{ws.resolve() / '.prioritize.lock'}; gave up after "
        "waiting 0.3 s, nothing was written; run this again when it has finished"
    )
    assert waited >= 0.3
    assert (ws / "backlogs/edited-0.yaml").read_bytes() == before


def test_a_waiting_import_goes_ahead_once_the_holder_is_done(ws: Path, tmp_path: Path) -> None:
    csv = tmp_path / "volume.csv"
    csv.write_text("id,evidence.operational.monthly_volume\nE-0,5\n", encoding="utf-8")
    fd = hold_lock(ws, f"{os.getpid()} prioritize import other.csv\n")
    release = threading.Timer(0.5, os.close, args=(fd,))
    release.start()
    try:
        result = run_cli("import", csv, "-w", ws)
    finally:
        release.join()
    assert result.exit_code == 0, result.stderr
    assert values(ws)["E-0"] == (5, 1.0)
    # The import removes the lock file when it is done: the workspace is left as it was found.
    assert not (ws / ".prioritize.lock").exists()


def test_a_dry_run_takes_no_lock(ws: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("prioritize.lock.WAIT_SECONDS", 0.1)
    csv = tmp_path / "volume.csv"
    csv.write_text("id,evidence.operational.monthly_volume\nE-0,5\n", encoding="utf-8")
    fd = hold_lock(ws, "4242 prioritize import other.csv\n")
    try:
        result = run_cli("import", csv, "-w", ws, "--dry-run")
    finally:
        os.close(fd)
    assert result.exit_code == 0, result.stderr
