"""What `check` runs: every rule over a workspace read from disk, each problem located."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from prioritize import checks
from prioritize import workspace as ws_module
from prioritize.errors import Finding, PrioritizeError, Problem, sort_findings
from prioritize.scoring import score
from prioritize.workspace import CRITERIA_DIR, DiskSource, LoadedCriteria, Workspace


@dataclass(frozen=True)
class CheckResult:
    root: Path
    findings: list[Finding]
    files: int

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]


def _criteria_files(ws: Workspace, chosen: LoadedCriteria | None) -> list[Finding]:
    """Every criteria/ file must load, not only the chosen one: a broken set breaks someone's run."""
    findings: list[Finding] = []
    for rel in DiskSource(ws.root).list_yaml(CRITERIA_DIR):
        if chosen is not None and chosen.source.path == rel:
            continue
        try:
            ws_module.load_criteria(ws.root, Path(rel).stem, files=DiskSource(ws.root))
        except PrioritizeError as exc:
            findings.extend(exc.findings)
    return findings


def run_checks(
    path: Path | None, criteria: str | None, *, max_age_days: int, today: date
) -> CheckResult:
    """Every finding in the workspace, in file order; never stops at the first."""
    root = ws_module.workspace_root(path, Path.cwd())
    ws = ws_module.load(root)
    findings = list(ws.findings)
    loaded: LoadedCriteria | None = None
    try:
        loaded = ws_module.load_criteria(root, criteria, ws.settings)
    except PrioritizeError as exc:
        if not exc.findings:
            raise
        findings.extend(exc.findings)
    findings.extend(_criteria_files(ws, loaded))
    if loaded is not None:
        ws.files[loaded.source.path] = loaded.source
        criteria_set = loaded.criteria
        problems = list(checks.criteria_problems(criteria_set, loaded.source.path))
        scoring = score(ws_module.voted_items(ws, loaded), criteria_set, loaded.formula)
        problems += checks.scoring_problems(scoring)
        problems += checks.freshness_problems(ws.items, criteria_set, today, max_age_days)
        problems += _feature_rules(ws, loaded)
        findings.extend(ws.locate_all(problems))
        findings.extend(_governance(ws, loaded))
    # Every file read counts, empty ones too (they hold no data, so ws.files leaves them out).
    on_disk = DiskSource(root)
    folders = (ws_module.BACKLOGS_DIR, CRITERIA_DIR, ws_module.VOTES_DIR)
    read = [rel for folder in folders for rel in on_disk.list_yaml(folder)]
    if (root / ws_module.SETTINGS_FILE).is_file():
        read.append(ws_module.SETTINGS_FILE)
    paths = (*read, *ws.files, *(f.location.path for f in findings))
    files = {p for p in paths if not p.startswith("<")}
    return CheckResult(root, sort_findings(list(dict.fromkeys(findings))), len(files))


def _feature_rules(ws: Workspace, loaded: LoadedCriteria) -> list[Problem]:
    """Rules that live with the features they guard: outcomes and votes."""
    from prioritize.analysis.outcomes import outcome_problems

    return [*outcome_problems(ws.pools, ws.items), *ws_module.vote_problems(ws, loaded)]


def _governance(ws: Workspace, loaded: LoadedCriteria) -> list[Finding]:
    if loaded.builtin or loaded.criteria.agreed_on is None:
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
