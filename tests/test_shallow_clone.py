"""A shallow clone (CI's `fetch-depth: 1`): say so and how to fetch more, never blame the wrong commit.

History: the criteria are agreed and committed in 2026-09, then an unrelated backlog change is
committed in 2026-10. In a clone of depth 1 the backlog commit is the oldest git has, so
`git log -- criteria/default.yaml` names it: governance must not blame it, and `diff HEAD~1`
must say the history is cut, not only "unknown revision".
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from conftest import run_cli
from prioritize import gitio
from test_gitio import CRITERIA, commit_all, git, repo, write

__all__ = ["repo"]  # the fixture, shared

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

BACKLOG = """\
value_pools: [{id: p, name: P}]
items:
  - {id: A-1, title: First, pool: p, effort: 1, evidence: {operational: {volume: 1}}}
"""


@pytest.fixture
def origin(repo: Path) -> Path:
    write(
        repo,
        {"criteria/default.yaml": CRITERIA.format(weight=1), "backlogs/a.yaml": BACKLOG},
    )
    commit_all(repo, "Agree the criteria", when="2026-09-15T10:00:00+02:00")
    write(repo, {"backlogs/a.yaml": BACKLOG.replace("volume: 1", "volume: 2")})
    commit_all(repo, "Unrelated backlog change", when="2026-10-02T09:30:00+02:00")
    return repo


@pytest.fixture
def shallow(origin: Path) -> Path:
    clone = origin.parent / "shallow"
    git(origin.parent, "clone", "-q", "--depth", "1", f"file://{origin}", str(clone))
    assert git(clone, "rev-parse", "--is-shallow-repository").strip() == "true"
    return clone


def test_the_fixture_agrees_with_itself(origin: Path) -> None:
    assert "agreed_on: 2026-09-15" in (origin / "criteria/default.yaml").read_text()
    # In the full history the criteria have not changed since they were agreed.
    assert gitio.criteria_governance(origin, "criteria/default.yaml", date(2026, 9, 15)) == []


def test_governance_in_a_shallow_clone_blames_no_commit(shallow: Path) -> None:
    findings = gitio.criteria_governance(shallow, "criteria/default.yaml", date(2026, 9, 15))
    assert [f.code for f in findings] == ["criteria-history-shallow"]
    [finding] = findings
    assert finding.severity == "warning"
    assert "Unrelated backlog change" not in finding.message
    short = git(shallow, "log", "-1", "--format=%h").strip()
    assert finding.message == (
        "cannot tell whether criteria/default.yaml changed after it was agreed on 2026-09-15: "
        f"this is a shallow clone and its history starts at commit {short} (2026-10-02), after "
        "that date; fetch the history (git fetch --unshallow, or fetch-depth: 0 in "
        "actions/checkout)"
    )


def test_a_shallow_boundary_before_the_agreement_needs_no_warning(shallow: Path) -> None:
    # The history that is there starts before the agreement: nothing can have changed unseen.
    assert gitio.criteria_governance(shallow, "criteria/default.yaml", date(2026, 10, 3)) == []


def test_check_in_a_shallow_clone(shallow: Path) -> None:
    result = run_cli("check", "-w", shallow)
    assert "criteria-changed-after-agreement" not in result.stdout
    assert (
        "criteria/default.yaml:4:1: criteria-history-shallow cannot tell whether" in result.stdout
    )


def test_diff_to_a_revision_beyond_a_shallow_clone_says_how_to_fetch_it(shallow: Path) -> None:
    result = run_cli("diff", "HEAD~1", "-w", shallow)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        'prioritize: unknown revision "HEAD~1": this repository is a shallow clone, so older '
        "commits may not be here; fetch more history with git fetch --deepen=N (N more "
        "commits) or all of it with git fetch --unshallow, then run this again"
    )


def test_diff_in_a_full_clone_still_says_only_unknown(origin: Path) -> None:
    result = run_cli("diff", "HEAD~5", "-w", origin)
    assert result.exit_code == 2
    assert "shallow" not in result.stderr
    assert 'unknown revision "HEAD~5"' in result.stderr
