"""The README documents what the code does: every finding code, the setup commands CI runs."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import REPO_ROOT, run_cli
from prioritize.checks import FINDING_CODES

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")


def test_every_finding_code_is_documented_once_in_the_code_table() -> None:
    for code, description in FINDING_CODES.items():
        assert f"| `{code}` | {description} |" in README


def test_ci_runs_the_readme_setup_commands() -> None:
    ci = (REPO_ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "python -m pip install . && prioritize rank" in README
    assert "python -m pip install . && prioritize rank" in ci
    assert 'python -m pip install -e ".[test]" && python -m pytest' in README
    assert 'python -m pip install -e ".[test]" && python -m pytest' in ci


def _block(prompt: str) -> list[str]:
    """The lines of the README's example after `$ PROMPT`, to the end of its code block."""
    lines = README.split(f"```text\n$ {prompt}\n", 1)[1].split("\n```\n", 1)[0]
    return lines.split("\n")


def test_the_readme_shows_rank_as_it_prints_at_100_columns() -> None:
    printed = run_cli("rank", "--top", "5", cwd=REPO_ROOT, columns=100).stdout
    assert _block("prioritize rank --top 5") == printed.removesuffix("\n").split("\n")


def test_the_readme_shows_parts_of_ttv_as_they_print_at_100_columns() -> None:
    """Each run of lines between `...` is printed as it stands, the runs in order."""
    printed = run_cli("ttv", cwd=REPO_ROOT, columns=100).stdout
    rest = printed
    for part in "\n".join(_block("prioritize ttv")).split("\n...\n"):
        part = part.removesuffix("\n...")
        assert part in rest, part
        rest = rest.split(part, 1)[1]


def test_the_readme_shows_parts_of_forecast_as_they_print_at_100_columns() -> None:
    printed = run_cli("forecast", "--by", "2027-01-29", cwd=REPO_ROOT, columns=100).stdout
    rest = printed
    for part in "\n".join(_block("prioritize forecast --by 2027-01-29")).split("\n...\n"):
        part = part.removesuffix("\n...")
        assert part in rest, part
        rest = rest.split(part, 1)[1]


def _in_order(printed: str, prompt: str) -> None:
    """Each run of lines of the README's example between `...` is printed as it stands, in order."""
    rest = printed
    block = "\n".join(_block(prompt)).removeprefix("...\n")
    for part in block.split("\n...\n"):
        part = part.removesuffix("\n...")
        assert part in rest, part
        rest = rest.split(part, 1)[1]


def test_the_readme_shows_how_sure_we_are_as_the_sample_prints_it(tmp_path: Path) -> None:
    checked = run_cli("check", cwd=REPO_ROOT, columns=100)
    printed = (checked.stdout + checked.stderr).removesuffix("\n").split("\n")
    assert _block("prioritize check") == printed
    quoted = README.split("and `check` says so (in the tour above):\n\n", 1)[1].split("\n\n")[0]
    assert " ".join(line.removeprefix("> ") for line in quoted.split("\n")) == f"`{printed[0]}`"
    varied = run_cli("sensitivity", "--vary", "evidence", "--top", "5", cwd=REPO_ROOT, columns=100)
    _in_order(varied.stdout, "prioritize sensitivity --vary evidence --top 5")
    # The explain example: the sample with `confidence: true` added to its criteria set.
    ws = tmp_path / "ws"
    shutil.copytree(REPO_ROOT / "backlogs", ws / "backlogs")
    shutil.copytree(REPO_ROOT / "criteria", ws / "criteria")
    shutil.copy(REPO_ROOT / "prioritize.yaml", ws / "prioritize.yaml")
    with (ws / "criteria" / "default.yaml").open("a", encoding="utf-8") as handle:
        handle.write("confidence: true\n")
    explained = run_cli("explain", "NOT-5", "-w", ws, cwd=tmp_path, columns=100)
    _in_order(explained.stdout, "prioritize explain NOT-5")
