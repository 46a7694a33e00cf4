"""The README documents what the code does: every finding code, the setup commands CI runs."""

from __future__ import annotations

from conftest import REPO_ROOT
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
