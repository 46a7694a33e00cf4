"""Start-up: `--version` and `--help` answer without the heavy libraries (docs/reference.md 7)."""

from __future__ import annotations

import os
import subprocess
import sys

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
