"""Shared test helpers: a CLI runner with fixed width and no colour, and tiny workspace builders."""

from __future__ import annotations

import os
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from prioritize.cli.app import app

REPO_ROOT = Path(__file__).resolve().parent.parent

os.environ["NO_COLOR"] = "1"
os.environ["COLUMNS"] = "200"


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str


def run_cli(*args: str | os.PathLike[str], cwd: Path | None = None, columns: int = 200) -> Result:
    """Run `prioritize ARGS` in-process, `columns` wide, and return exit code, stdout and stderr."""
    runner = CliRunner()
    old = Path.cwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        result = runner.invoke(
            app, [str(a) for a in args], env={"NO_COLOR": "1", "COLUMNS": str(columns)}
        )
    finally:
        os.chdir(old)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Result(result.exit_code, result.stdout, result.stderr)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="Rewrite tests/golden/outputs/ from the current code instead of comparing with it.",
    )


@pytest.fixture
def cli() -> Callable[..., Result]:
    return run_cli


def write_files(root: Path, files: dict[str, str]) -> Path:
    """Write {relative path: YAML text (dedented)} under root and return root."""
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    (root / "backlogs").mkdir(exist_ok=True)
    return root


@pytest.fixture
def make_workspace(tmp_path: Path) -> Callable[[dict[str, str]], Path]:
    """A workspace in a temporary folder from {relative path: YAML text}."""

    def make(files: dict[str, str]) -> Path:
        return write_files(tmp_path / "ws", files)

    return make
