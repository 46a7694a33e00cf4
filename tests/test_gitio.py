"""Git plumbing: reading a workspace at a revision, and criteria governance, on throwaway repositories."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from datetime import date
from pathlib import Path

import pytest

from prioritize import gitio
from prioritize.errors import Finding, PrioritizeError
from prioritize.files import DiskSource, SourceFile, read_source

GIT_ENV = {"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


def git(repo: Path, *args: str, when: str | None = None) -> str:
    env = {**os.environ, **GIT_ENV}
    if when is not None:
        env |= {"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    result = subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@e", "-c", "commit.gpgsign=false", *args],
        capture_output=True, text=True, env=env, check=True,
    )  # fmt: skip
    return result.stdout


def commit_all(repo: Path, message: str, when: str | None = None) -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message, when=when)
    return git(repo, "rev-parse", "HEAD").strip()


def write(root: Path, files: Mapping[str, str | bytes]) -> None:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode())


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    return root


def test_outside_a_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    assert gitio.repository(tmp_path) is None
    with pytest.raises(PrioritizeError, match="is not inside a git repository"):
        gitio.require_repository(tmp_path)


def test_a_workspace_in_a_subfolder_knows_its_prefix(repo: Path) -> None:
    (repo / "sub" / "ws").mkdir(parents=True)
    found = gitio.repository(repo / "sub" / "ws")
    assert found is not None
    assert found.toplevel.resolve() == repo.resolve()
    assert found.prefix == "sub/ws/"
    assert gitio.repository(repo) == gitio.Repository(found.toplevel, "")


def test_revisions_resolve_or_fail_clearly(repo: Path) -> None:
    found = gitio.require_repository(repo)
    with pytest.raises(
        PrioritizeError, match=r'unknown revision "HEAD" \(the repository has no commits yet\)'
    ):
        gitio.resolve(found, "HEAD")
    write(repo, {"a.txt": "a"})
    commit = commit_all(repo, "first")
    head = gitio.resolve(found, "HEAD")
    assert head.commit == commit
    assert commit.startswith(head.short)
    assert head.label == head.short
    assert gitio.resolve(found, "main").label == f"main ({head.short})"
    for bad in ("nope", "HEAD~5", "--all", ""):
        with pytest.raises(PrioritizeError, match="unknown revision"):
            gitio.resolve(found, bad)


def test_git_source_reads_the_workspace_as_committed(repo: Path) -> None:
    ws = repo / "sub" / "ws"
    write(
        ws,
        {
            "prioritize.yaml": "criteria: default\n",
            "backlogs/b.yaml": b"items: []\r\n",
            "backlogs/z/deep one.yaml": "x: 1\n",
            "backlogs/a é.yml": "y: 2\n",
            "backlogs/notes.txt": "not yaml",
            "criteria/default.yaml": "name: d\n",
            "votes/ann.yaml": "stakeholder: Ann\n",
            "other/ignored.yaml": "z: 3\n",
        },
    )
    (ws / "backlogs" / "link.yaml").symlink_to("b.yaml")
    found = gitio.require_repository(ws)
    revision = gitio.resolve(found, commit_all(repo, "workspace"))
    # The working tree moves on; the source keeps reading the commit.
    write(ws, {"backlogs/b.yaml": "items: [changed]\n", "backlogs/new.yaml": "n: 1\n"})
    source = gitio.GitSource(found, revision)
    assert source.list_yaml("backlogs") == [
        "backlogs/a é.yml",
        "backlogs/b.yaml",
        "backlogs/z/deep one.yaml",
    ]
    assert source.read_bytes("backlogs/b.yaml") == b"items: []\r\n"
    assert source.read_bytes("prioritize.yaml") == b"criteria: default\n"
    assert source.read_bytes("backlogs/new.yaml") is None
    assert source.list_yaml("criteria") == ["criteria/default.yaml"]
    assert source.list_yaml("votes") == ["votes/ann.yaml"]
    assert source.read_bytes("other/ignored.yaml") is None
    assert source.has("backlogs") and not source.has("nothing")
    assert source.show("sub/ws/other/ignored.yaml") == b"z: 3\n"
    assert source.show("sub/ws/missing.yaml") is None


def test_many_large_files_are_read_through_the_pipes_in_one_batch(repo: Path) -> None:
    # More than a pipe holds either way: the request (3,000 ids, about 120 KB) and the answer
    # (3,000 files of 1 KiB to 3 KiB).
    files = {
        f"backlogs/f{k:04}.yaml": f"# {k}\n" + "x" * (1024 + k % 2048) + "\n" for k in range(3000)
    }
    write(repo, files)
    found = gitio.require_repository(repo)
    source = gitio.GitSource(found, gitio.resolve(found, commit_all(repo, "many")))
    assert len(source.list_yaml("backlogs")) == 3000
    for rel, text in files.items():
        assert source.read_bytes(rel) == text.encode()


def test_a_missing_object_is_named(repo: Path) -> None:
    write(repo, {"a.yaml": "a: 1\n"})
    commit_all(repo, "one")
    found = gitio.require_repository(repo)
    absent = "0123456789abcdef0123456789abcdef01234567"
    with pytest.raises(
        PrioritizeError, match=f"^cannot read backlogs/b.yaml from git: object {absent} is missing$"
    ):
        gitio._read_blobs(found, {"a.yaml": git(repo, "rev-parse", "HEAD:a.yaml").strip(),
                                  "backlogs/b.yaml": absent})  # fmt: skip


def test_a_file_is_told_the_same_at_a_revision_by_its_blob_id(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file read from disk is known to be the same at a commit without reading it there:
    its digest is git's blob id of its bytes."""
    write(repo, {"backlogs/same.yaml": "items: []\r\n", "backlogs/moved.yaml": "items: []\n"})
    found = gitio.require_repository(repo)
    revision = gitio.resolve(found, commit_all(repo, "both"))
    write(repo, {"backlogs/moved.yaml": "items: [] # changed\n"})
    batches: list[list[str]] = []
    read_blobs = gitio._read_blobs

    def counted(repository: gitio.Repository, objects: dict[str, str]) -> dict[str, bytes]:
        batches.append(sorted(objects))
        return read_blobs(repository, objects)

    monkeypatch.setattr(gitio, "_read_blobs", counted)
    source = gitio.GitSource(found, revision)
    same, moved = (on_disk(repo, f"backlogs/{name}.yaml").digest for name in ("same", "moved"))
    assert same.hex() == git(repo, "hash-object", "backlogs/same.yaml").strip()
    assert source.holds("backlogs/same.yaml", same)
    assert not source.holds("backlogs/moved.yaml", moved)
    assert not source.holds("backlogs/absent.yaml", same)
    assert batches == []  # told from the listing alone
    source.let_go(["backlogs/same.yaml"])
    assert source.read_bytes("backlogs/moved.yaml") == b"items: []\n"
    assert batches == [["backlogs/moved.yaml"]]  # a file let go is not read in the batch
    assert source.read_bytes("backlogs/same.yaml") == b"items: []\r\n"  # alone, when asked


def on_disk(root: Path, rel: str) -> SourceFile:
    findings: list[Finding] = []
    found = read_source(DiskSource(root), rel, findings)
    assert found is not None and findings == []
    return found


# --- criteria governance ----------------------------------------------------------------------

CRITERIA = """\
# The agreed set.
name: Test set
agreed_by: [Director]
agreed_on: 2026-09-15
criteria:
  - id: volume
    data: operational
    weight: {weight}
"""


def test_a_criteria_file_committed_after_its_agreement_draws_a_warning(repo: Path) -> None:
    write(repo, {"criteria/default.yaml": CRITERIA.format(weight=1)})
    commit_all(repo, "Agree the criteria", when="2026-09-15T10:00:00+02:00")
    assert gitio.criteria_governance(repo, "criteria/default.yaml", date(2026, 9, 15)) == []

    write(repo, {"criteria/default.yaml": CRITERIA.format(weight=3)})
    commit_all(repo, "Raise the volume weight", when="2026-10-02T09:30:00+02:00")
    short = git(repo, "log", "-1", "--format=%h").strip()
    [finding] = gitio.criteria_governance(repo, "criteria/default.yaml", date(2026, 9, 15))
    assert finding.code == "criteria-changed-after-agreement"
    assert finding.severity == "warning"
    assert (finding.location.path, finding.location.line, finding.location.col) == (
        "criteria/default.yaml",
        4,
        1,
    )
    assert finding.message.startswith(
        f'criteria/default.yaml was changed in commit {short} on 2026-10-02 ("Raise the volume weight"), '
        "after it was agreed on 2026-09-15"
    )
    # A new agreement date answers it.
    assert gitio.criteria_governance(repo, "criteria/default.yaml", date(2026, 10, 2)) == []
    assert gitio.criteria_governance(repo, "criteria/default.yaml", None) == []


def test_the_author_date_counts_in_the_authors_own_time_zone(repo: Path) -> None:
    write(repo, {"criteria/default.yaml": CRITERIA.format(weight=1)})
    commit_all(repo, "Late evening", when="2026-09-15T23:30:00-05:00")  # 16 Sep in UTC
    assert gitio.criteria_governance(repo, "criteria/default.yaml", date(2026, 9, 15)) == []


def test_uncommitted_criteria_draw_a_warning(repo: Path) -> None:
    write(repo, {"criteria/default.yaml": CRITERIA.format(weight=1)})
    [untracked] = gitio.criteria_governance(repo, "criteria/default.yaml", date(2026, 9, 15))
    assert untracked.code == "criteria-uncommitted"
    assert "is not committed to git" in untracked.message
    commit_all(repo, "Agree", when="2026-09-01T12:00:00+00:00")
    assert gitio.criteria_governance(repo, "criteria/default.yaml", date(2026, 9, 15)) == []
    write(repo, {"criteria/default.yaml": CRITERIA.format(weight=2)})
    [modified] = gitio.criteria_governance(repo, "criteria/default.yaml", date(2026, 9, 15))
    assert modified.code == "criteria-uncommitted"
    assert "has changes that are not committed" in modified.message
    assert modified.location.line == 4


def test_no_findings_outside_git_or_for_a_missing_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    write(tmp_path / "ws", {"criteria/default.yaml": CRITERIA.format(weight=1)})
    assert (
        gitio.criteria_governance(tmp_path / "ws", "criteria/default.yaml", date(2020, 1, 1)) == []
    )
    assert (
        gitio.criteria_governance(tmp_path / "ws", "criteria/missing.yaml", date(2020, 1, 1)) == []
    )


def test_no_findings_when_git_is_missing(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(repo, {"criteria/default.yaml": CRITERIA.format(weight=1)})
    monkeypatch.setenv("PATH", "")
    assert gitio.criteria_governance(repo, "criteria/default.yaml", date(2020, 1, 1)) == []
    with pytest.raises(PrioritizeError, match="git is not installed"):
        gitio.require_repository(repo)
