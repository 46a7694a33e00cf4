"""Git plumbing: a workspace as it was at a revision, and the history of its criteria files.

Everything goes through `git -C DIR ...` subprocesses: nothing here checks anything out or
touches the working tree or the index (`GIT_OPTIONAL_LOCKS=0` keeps even `git status` from
refreshing the index). Failures become PrioritizeError with git's own words.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO

from prioritize.criteria_sets import CRITERIA_DIR
from prioritize.errors import Finding, Location, PrioritizeError
from prioritize.files import SourceFile, is_yaml
from prioritize.workspace import BACKLOGS_DIR, SETTINGS_FILE, VOTES_DIR

# Read-only plumbing: never take the index lock, never prompt for credentials.
_ENV = {"GIT_OPTIONAL_LOCKS": "0", "GIT_TERMINAL_PROMPT": "0"}
_NO_GIT = "git is not installed (or not on PATH); this needs git"
_SYMLINK_MODE = "120000"


def _git(cwd: Path, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    """Run `git -C cwd ARGS` and return what it did; git missing is a PrioritizeError."""
    try:
        return subprocess.run(
            ["git", "--literal-pathspecs", "-C", str(cwd), *args],
            input=stdin,
            capture_output=True,
            check=False,
            env={**os.environ, **_ENV},
        )
    except FileNotFoundError:
        raise PrioritizeError(message=_NO_GIT) from None


def _said(result: subprocess.CompletedProcess[bytes]) -> str:
    """git's first line of complaint, for a message."""
    return _first_line(result.stderr.decode("utf-8", "replace"), result.returncode)


def _first_line(said: str, returncode: int | None = None) -> str:
    lines = said.strip().splitlines()
    if lines:
        return lines[0].removeprefix("fatal: ").removeprefix("error: ")
    return f"git exited with {returncode}" if returncode is not None else "git stopped early"


@dataclass(frozen=True)
class Repository:
    """The git repository a folder sits in: its top folder and the folder's path inside it.

    `prefix` is "" for the top folder itself, else a relative path ending in "/".
    """

    toplevel: Path
    prefix: str


def repository(folder: Path) -> Repository | None:
    """The repository holding `folder`, or None when it is in none (or git cannot tell)."""
    if not folder.is_dir():
        return None
    result = _git(folder, "rev-parse", "--show-toplevel", "--show-prefix")
    if result.returncode != 0:
        return None
    lines = result.stdout.decode("utf-8", "surrogateescape").split("\n")
    return Repository(Path(lines[0]), lines[1] if len(lines) > 1 else "")


def require_repository(folder: Path) -> Repository:
    """The repository holding `folder`; outside one, a PrioritizeError that says so."""
    found = repository(folder)
    if found is None:
        detail = ""
        if folder.is_dir():
            said = _said(_git(folder, "rev-parse", "--show-toplevel"))
            if "not a git repository" not in said:
                detail = f" (git: {said})"
        raise PrioritizeError(
            message=f"{folder} is not inside a git repository{detail}; diff compares the working tree "
            "with a git revision"
        )
    return found


@dataclass(frozen=True)
class Revision:
    """A revision as the user named it, and the commit it stands for."""

    name: str
    commit: str
    short: str

    @property
    def label(self) -> str:
        """How messages name it: the short hash, with the name when that says more (main (abc1234))."""
        if self.name.upper() == "HEAD" or self.commit.startswith(self.name.lower()):
            return self.short
        return f"{self.name} ({self.short})"


def resolve(repo: Repository, name: str) -> Revision:
    """The commit `name` (a branch, tag, hash, HEAD~2, ...) stands for; unknown is a PrioritizeError."""
    result = _git(
        repo.toplevel, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{name}^{{commit}}"
    )
    if result.returncode != 0 or not name.strip():
        if is_shallow(repo.toplevel):
            raise PrioritizeError(
                message=f'unknown revision "{name}": this repository is a shallow clone, so older '
                "commits may not be here; fetch more history with git fetch --deepen=N (N more "
                "commits) or all of it with git fetch --unshallow, then run this again"
            )
        hint = (
            " (the repository has no commits yet)"
            if name.upper() == "HEAD" and not _has_commits(repo)
            else ""
        )
        raise PrioritizeError(
            message=f'unknown revision "{name}"{hint}: give a commit, branch or tag of {repo.toplevel}'
        )
    commit = result.stdout.decode().strip()
    short = (
        _git(repo.toplevel, "rev-parse", "--short", commit).stdout.decode().strip() or commit[:7]
    )
    return Revision(name, commit, short)


def is_shallow(folder: Path) -> bool:
    """Whether the repository holding `folder` is a shallow clone (its history cut short)."""
    result = _git(folder, "rev-parse", "--is-shallow-repository")
    return result.returncode == 0 and result.stdout.strip() == b"true"


def _shallow_boundary(folder: Path) -> set[str]:
    """The commits where a shallow clone's history is cut (git lists them in .git/shallow)."""
    result = _git(folder, "rev-parse", "--git-path", "shallow")
    if result.returncode != 0:
        return set()
    path = folder / result.stdout.decode("utf-8", "surrogateescape").strip()
    try:
        return set(path.read_text(encoding="ascii").split())
    except (OSError, UnicodeDecodeError):
        return set()


def _has_commits(repo: Repository) -> bool:
    return _git(repo.toplevel, "rev-parse", "--verify", "--quiet", "HEAD").returncode == 0


@dataclass
class GitSource:
    """A workspace's files as they were at a commit (a workspace.FileSource).

    The first use lists settings, backlogs/, criteria/ and votes/ at the commit with one
    `git ls-tree`; the first read reads every file not let go with one `git cat-file --batch`;
    nothing is checked out. Symbolic links and submodules are skipped.
    """

    repo: Repository
    revision: Revision
    _ids: dict[str, str] | None = field(default=None, init=False, repr=False)  # rel: blob id
    _files: dict[str, bytes] | None = field(default=None, init=False, repr=False)
    _let_go: set[str] = field(default_factory=set, init=False, repr=False)

    def list_yaml(self, folder: str) -> list[str]:
        start = folder.rstrip("/") + "/"
        found = [rel for rel in self._listing() if rel.startswith(start) and is_yaml(rel)]
        return sorted(found, key=lambda rel: rel.split("/"))

    def read_bytes(self, rel: str) -> bytes | None:
        if rel in self._let_go:  # read again, only to locate a problem in it
            return self.show(f"{self.repo.prefix}{rel}")
        return self._snapshot().get(rel)

    def holds(self, rel: str, blob_id: bytes) -> bool:
        """Whether the file at `rel` is, at the commit, the bytes whose git blob id is
        `blob_id` (files.SourceFile.digest): told without reading it."""
        return self._listing().get(rel) == blob_id.hex()

    def let_go(self, rels: Iterable[str]) -> None:
        """Forget the bytes of files already read or taken from elsewhere (or never read them),
        to hold a revision's files only as long as they are needed; they are still listed, and
        read again one by one when asked (to locate a problem in one)."""
        listed = self._listing()
        for rel in rels:
            if rel in listed:
                self._let_go.add(rel)
                if self._files is not None:
                    self._files.pop(rel, None)

    def has(self, folder: str) -> bool:
        """Whether anything lay below `folder` at the commit."""
        start = folder.rstrip("/") + "/"
        return any(rel.startswith(start) for rel in self._listing())

    def show(self, repo_path: str) -> bytes | None:
        """The bytes of any file of the repository at the commit (path from the top), or None."""
        blobs = _read_blobs(self.repo, self._tree(repo_path))
        return next(iter(blobs.values()), None)

    def _listing(self) -> dict[str, str]:
        """{path in the workspace: blob id} of the files read at the commit."""
        if self._ids is None:
            prefix = self.repo.prefix
            paths = [f"{prefix}{p}" for p in (BACKLOGS_DIR, CRITERIA_DIR, VOTES_DIR, SETTINGS_FILE)]
            self._ids = {
                path[len(prefix) :]: oid
                for path, oid in self._tree(*paths).items()
                if path == f"{prefix}{SETTINGS_FILE}" or is_yaml(path)
            }
        return self._ids

    def _snapshot(self) -> dict[str, bytes]:
        """The bytes of every listed file not let go, read at once on first use."""
        if self._files is None:
            wanted = {rel: oid for rel, oid in self._listing().items() if rel not in self._let_go}
            self._files = _read_blobs(self.repo, wanted)
        return self._files

    def _tree(self, *paths: str) -> dict[str, str]:
        """{path from the top: blob id} of the regular files at or below `paths` at the commit."""
        result = _git(
            self.repo.toplevel,
            "ls-tree",
            "-r",
            "-z",
            "--full-tree",
            self.revision.commit,
            "--",
            *paths,
        )
        if result.returncode != 0:
            raise PrioritizeError(
                message=f"cannot list the files of {self.revision.label}: {_said(result)}"
            )
        entries: dict[str, str] = {}
        for record in result.stdout.split(b"\0"):
            if not record:
                continue
            meta, _, raw_path = record.partition(b"\t")
            mode, kind, oid = meta.decode().split(" ")
            if kind == "blob" and mode != _SYMLINK_MODE:
                entries[raw_path.decode("utf-8", "surrogateescape")] = oid
        return entries


def _read_blobs(repo: Repository, objects: dict[str, str]) -> dict[str, bytes]:
    """{path: bytes} for {path: blob id}, read with a single `git cat-file --batch`.

    Each blob is read from the pipe as git writes it: git's whole output read at once and then
    cut into files held them two or three times over (some 200 to 300 MiB for a backlog of
    100,000 items)."""
    if not objects:
        return {}
    paths = list(objects)
    request = "".join(f"{objects[p]}\n" for p in paths).encode()
    try:
        git = subprocess.Popen(
            ["git", "--literal-pathspecs", "-C", str(repo.toplevel), "cat-file", "--batch"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**os.environ, **_ENV},
        )
    except FileNotFoundError:
        raise PrioritizeError(message=_NO_GIT) from None
    assert git.stdin is not None and git.stdout is not None and git.stderr is not None
    # The request is written beside the reading: git answers as it reads, and each side would
    # wait for the other once a pipe is full.
    writer = threading.Thread(target=_feed, args=(git.stdin, request), daemon=True)
    writer.start()
    blobs: dict[str, bytes] = {}
    try:
        for path in paths:
            header = git.stdout.readline().decode("utf-8", "replace").split()
            if len(header) == 2 and header[1] == "missing":
                raise PrioritizeError(
                    message=f"cannot read {path} from git: object {header[0]} is missing"
                )
            size = int(header[2]) if len(header) == 3 and header[2].isdigit() else -1
            data = git.stdout.read(size) if size >= 0 else b""
            if size < 0 or len(data) != size or git.stdout.read(1) != b"\n":
                git.kill()
                said = git.stderr.read().decode("utf-8", "replace")
                raise PrioritizeError(message=f"cannot read files from git: {_first_line(said)}")
            blobs[path] = data
    finally:
        if git.poll() is None and len(blobs) < len(paths):
            git.kill()
        writer.join()
        git.stdout.close()
        git.stderr.close()
        git.wait()
    return blobs


def _feed(pipe: IO[bytes], request: bytes) -> None:
    with contextlib.suppress(OSError):  # git gone: the reader says why
        pipe.write(request)
    with contextlib.suppress(OSError):
        pipe.close()


@dataclass(frozen=True)
class OneFile:
    """A FileSource holding a single file: a criteria file read from git under a workspace path."""

    rel: str
    data: bytes

    def list_yaml(self, folder: str) -> list[str]:
        return [self.rel] if self.rel.startswith(folder.rstrip("/") + "/") else []

    def read_bytes(self, rel: str) -> bytes | None:
        return self.data if rel == self.rel else None


def repo_path(repo: Repository, path: Path) -> str | None:
    """`path` relative to the repository's top folder, or None when it lies outside."""
    try:
        return path.resolve().relative_to(repo.toplevel.resolve()).as_posix()
    except ValueError:
        return None


# --- criteria governance --------------------------------------------------------------------

CHANGED_AFTER_AGREEMENT = "criteria-changed-after-agreement"
UNCOMMITTED = "criteria-uncommitted"
HISTORY_SHALLOW = "criteria-history-shallow"


def criteria_governance(
    workspace_root: Path, criteria_rel_path: str, agreed_on: date | None
) -> list[Finding]:
    """Warnings when a criteria file moved away from what was agreed, as git tells it.

    - `criteria-changed-after-agreement`: the file's last commit has an author date (in the
      author's own time zone) later than `agreed_on`; names the commit's short hash, date and subject.
    - `criteria-uncommitted`: the working tree holds changes to the file that are not committed
      (or the file is not in git at all).
    - `criteria-history-shallow`: in a shallow clone, the file's last commit as git shows it is
      where the history is cut (git lists every file there as added), dated after `agreed_on`:
      when the file really changed cannot be told, so no commit is blamed.

    Both are located at the `agreed_on` key of the file (its first line when there is none).
    Outside a git repository, for a file that does not exist, or where git is missing: no findings.
    """
    path = workspace_root / criteria_rel_path
    if not path.is_file():
        return []
    try:
        if repository(path.parent) is None:
            return []
    except PrioritizeError:  # git is not installed: nothing to say about history
        return []
    location = _agreed_on_location(path, criteria_rel_path)
    findings: list[Finding] = []
    last = _last_commit(path)
    if last is not None and agreed_on is not None:
        full, commit, authored, subject = last
        if authored.date() > agreed_on and full in _shallow_boundary(path.parent):
            findings.append(
                Finding(
                    HISTORY_SHALLOW,
                    "warning",
                    location,
                    f"cannot tell whether {criteria_rel_path} changed after it was agreed on "
                    f"{agreed_on.isoformat()}: this is a shallow clone and its history starts at "
                    f"commit {commit} ({authored.date().isoformat()}), after that date; fetch the "
                    "history (git fetch --unshallow, or fetch-depth: 0 in actions/checkout)",
                )
            )
        elif authored.date() > agreed_on:
            findings.append(
                Finding(
                    CHANGED_AFTER_AGREEMENT,
                    "warning",
                    location,
                    f"{criteria_rel_path} was changed in commit {commit} on {authored.date().isoformat()} "
                    f'("{subject}"), after it was agreed on {agreed_on.isoformat()}; have the people in '
                    "agreed_by confirm the change, then update agreed_on",
                )
            )
    status = _git(path.parent, "status", "--porcelain", "--untracked-files=all", "--", path.name)
    lines = [line for line in status.stdout.decode("utf-8", "replace").splitlines() if line.strip()]
    if status.returncode == 0 and lines:
        what = (
            "is not committed to git"
            if lines[0].startswith("??")
            else "has changes that are not committed"
        )
        findings.append(
            Finding(
                UNCOMMITTED,
                "warning",
                location,
                f"{criteria_rel_path} {what}; the ranking uses criteria nobody has reviewed yet: "
                "commit them for review with the people in agreed_by",
            )
        )
    return findings


def _last_commit(path: Path) -> tuple[str, str, datetime, str] | None:
    """The full and short hash, author date and subject of the last commit touching `path`."""
    result = _git(path.parent, "log", "-1", "--format=%H%x00%h%x00%aI%x00%s", "--", path.name)
    fields = result.stdout.decode("utf-8", "replace").rstrip("\n").split("\0")
    if result.returncode != 0 or len(fields) != 4:
        return None
    full, short, authored, subject = fields
    return full, short, datetime.fromisoformat(authored), subject


def _agreed_on_location(path: Path, rel: str) -> Location:
    from ruamel.yaml.error import YAMLError

    from prioritize import yamlio

    try:
        source = SourceFile(rel, yamlio.decode(path.read_bytes()))
        return source.locate(("agreed_on",), key=True)
    except (OSError, yamlio.YamlError, YAMLError, ValueError):
        return Location(rel)


__all__ = [
    "CHANGED_AFTER_AGREEMENT",
    "HISTORY_SHALLOW",
    "UNCOMMITTED",
    "GitSource",
    "OneFile",
    "Repository",
    "Revision",
    "criteria_governance",
    "is_shallow",
    "repo_path",
    "repository",
    "require_repository",
    "resolve",
]
