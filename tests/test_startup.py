"""Start-up: `--version` and `--help` answer without the heavy libraries (docs/reference.md 7)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import prioritize

HEAVY = ("pandas", "pydantic", "ruamel.yaml")

PROBE = """
import sys
sys.argv = ["prioritize", {arg!r}]
from prioritize.cli.app import main
try:
    main()
except SystemExit:
    pass
sys.stdout.flush()
print()
print("MODULES " + " ".join(sorted(sys.modules)))
"""


def python(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, env=env, timeout=60, check=False
    )


def modules_after(arg: str) -> tuple[str, set[str]]:
    result = python("-c", PROBE.format(arg=arg))
    assert result.returncode == 0, result.stderr
    out, _, modules = result.stdout.rpartition("MODULES ")
    return out, set(modules.split())


@pytest.mark.parametrize("arg", ["--version", "--help"])
def test_version_and_help_do_not_import_the_heavy_libraries(arg: str) -> None:
    _, modules = modules_after(arg)
    assert [m for m in HEAVY if m in modules] == []


@pytest.mark.parametrize("arg", ["--version", "--help"])
def test_the_probe_runs_the_command(arg: str) -> None:
    out, modules = modules_after(arg)
    assert "prioritize.cli.app" in modules
    if arg == "--version":
        assert out.strip() == f"prioritize {prioritize.__version__}"
    else:
        assert "rank" in out


def test_python_m_prioritize_version() -> None:
    result = python("-m", "prioritize", "--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"prioritize {prioritize.__version__}\n"


def test_python_m_prioritize_help() -> None:
    result = python("-m", "prioritize", "--help")
    assert result.returncode == 0, result.stderr
    assert "rank" in result.stdout
    assert "Traceback" not in result.stderr


def test_import_loads_neither_pandas_nor_numpy(tmp_path: Path) -> None:
    """`import` checks what it writes without scoring the workspace: it starts in about half
    the time where pandas and numpy are not imported (see benchmarks/)."""
    root = tmp_path / "ws"
    subprocess.run([sys.executable, "-m", "prioritize", "init", str(root)], check=True)
    csv_file = tmp_path / "rates.csv"
    csv_file.write_text("id,evidence.functional.completion_rate\nREN-1,0.5\n", encoding="utf-8")
    script = (
        "import sys\n"
        "from prioritize.cli.app import main\n"
        f"sys.argv = ['prioritize', 'import', {str(csv_file)!r}, '-w', {str(root)!r}]\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as stop:\n"
        "    assert not stop.code, stop.code\n"
        "print(sorted(m for m in ('pandas', 'numpy') if m in sys.modules))\n"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert run.stdout == "[]\n"
    assert run.stderr == "imported 1 value in 1 file\n"


def test_every_command_signature_is_read_without_evaluating_text() -> None:
    """Typer reads every command's signature at each run: the command modules evaluate their
    annotations as they are defined (no `from __future__ import annotations`), since Typer
    evaluating them from text cost some 30 ms a run."""
    import inspect

    from prioritize.cli.app import app

    for command in app.registered_commands:
        assert command.callback is not None
        annotations = inspect.get_annotations(inspect.unwrap(command.callback))
        texts = {name: a for name, a in annotations.items() if isinstance(a, str)}
        assert not texts, (command.name, texts)
