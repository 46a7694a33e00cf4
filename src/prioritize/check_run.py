"""The check run: every rule of `check` over a workspace read from disk, each problem located."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from prioritize import checks
from prioritize import workspace as ws_module
from prioritize.criteria_sets import CRITERIA_DIR, LoadedCriteria, load_criteria
from prioritize.errors import Finding, PrioritizeError, Problem, encodable, sort_findings
from prioritize.files import DiskSource, is_yaml, read_source
from prioritize.pipeline import Scored, score_workspace
from prioritize.workspace import Workspace


@dataclass(frozen=True)
class CheckResult:
    root: Path
    findings: list[Finding]
    files: int
    ideas_waiting: int = 0  # ideas still without the evidence the criteria read: never a finding

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]


def run_checks(
    path: Path | None, criteria: str | None, *, cwd: Path, max_age_days: int, today: date
) -> CheckResult:
    """Every finding in the workspace, in file order; never stops at the first."""
    root = ws_module.workspace_root(path, cwd)
    # Broken references are located with the scored problems: each file's lines read once.
    ws = ws_module.load(root, locate_references=False)
    findings = list(ws.findings)
    loaded: LoadedCriteria | None = None
    try:
        loaded = load_criteria(root, criteria, ws.settings, cwd=cwd)
    except PrioritizeError as exc:
        if not exc.findings:
            raise
        findings.extend(exc.findings)
    findings.extend(other_criteria_files(ws, loaded))
    read = _files_read(root)
    ideas = 0
    if loaded is not None:
        scored = score_workspace(ws, loaded)
        findings.extend(scored_findings(scored, today, max_age_days, ws.unlocated))
        read.append(loaded.source.path)
        ideas = len(scored.scoring.unscored_ideas)
    else:
        findings.extend(ws.locate_all(ws.unlocated))
    # One slip, one error: what the unreadable files might define is counted, not reported.
    findings, left_out = ws.without_cascade(findings)
    findings.extend(ws.cascade_notes(ws.unchecked_references + left_out))
    paths = (*read, *ws.files, *(f.location.path for f in findings))
    files = {encodable(p) for p in paths if not p.startswith("<")}
    return CheckResult(root, sort_findings(list(dict.fromkeys(findings))), len(files), ideas)


def scored_findings(
    scored: Scored, today: date, max_age_days: int, also: Sequence[Problem] = ()
) -> list[Finding]:
    """What the rules find in a workspace scored by one set: the set itself, votes, unscored
    items, stale evidence, outcomes, and whether the set changed after it was agreed; `also`
    more problems to locate with those."""
    from prioritize.analysis.outcomes import outcome_problems

    ws, loaded = scored.workspace, scored.criteria
    criteria_set = loaded.criteria
    set_problems = list(checks.criteria_problems(criteria_set, loaded.source.path))
    problems: list[Problem] = [
        *also,
        *checks.scoring_problems(scored.scoring),
        *checks.range_problems(scored.scoring),
        *checks.weak_evidence_problems(scored.scoring),
        *checks.freshness_problems(ws.items, criteria_set, today, max_age_days),
        *checks.deadline_problems(scored.scoring.frame, ws.items, ws.settings, today),
        *outcome_problems(ws.pools, ws.items),
    ]
    return [
        *(_at(loaded, p) for p in set_problems),
        *ws.locate_all(problems),
        *scored.vote_findings,
        *_governance(ws, loaded),
    ]


def _at(loaded: LoadedCriteria, problem: Problem) -> Finding:
    location = loaded.source.locate(problem.ref.path, key=problem.ref.key)
    return Finding(problem.code, problem.severity, location, problem.message)


def other_criteria_files(ws: Workspace, chosen: LoadedCriteria | None) -> list[Finding]:
    """Every criteria/ file must load, not only the chosen one: a broken set breaks someone's run."""
    findings: list[Finding] = []
    on_disk = DiskSource(ws.root)
    for rel in on_disk.list_yaml(CRITERIA_DIR):
        if chosen is not None and chosen.source.path == rel:
            continue
        if not is_yaml(rel) or (ws.root / rel).is_dir():  # a folder that cannot be read
            read_source(on_disk, rel, findings)
            continue
        try:
            load_criteria(ws.root, Path(rel).stem, files=DiskSource(ws.root))
        except PrioritizeError as exc:
            findings.extend(exc.findings)
    return findings


def _files_read(root: Path) -> list[str]:
    """Every file a check reads counts, empty ones too (they hold no data, so ws.files leaves them out)."""
    on_disk = DiskSource(root)
    folders = (ws_module.BACKLOGS_DIR, CRITERIA_DIR, ws_module.VOTES_DIR)
    read = [rel for folder in folders for rel in on_disk.list_yaml(folder)]
    if (root / ws_module.SETTINGS_FILE).is_file():
        read.append(ws_module.SETTINGS_FILE)
    return read


def _governance(ws: Workspace, loaded: LoadedCriteria) -> list[Finding]:
    if loaded.builtin or loaded.criteria.agreed_on is None or not loaded.criteria.agreed_by:
        return []
    from prioritize.gitio import criteria_governance

    return criteria_governance(ws.root, loaded.source.path, loaded.criteria.agreed_on)


def repository_prefix(root: Path) -> str:
    """The workspace's path inside its git repository ('' at the top or outside git), ending in '/'."""
    for folder in (root, *root.parents):
        if (folder / ".git").exists():
            rel = root.relative_to(folder).as_posix()
            return "" if rel == "." else rel + "/"
    return ""
