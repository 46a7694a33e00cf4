"""Write a realistic N-item workspace for benchmarks: several backlog files, every evidence kind, dependencies.

    python benchmarks/generate.py N OUTDIR [--files K] [--one-per-file] [--seed S]

The files follow the layout of the repository's sample `backlogs/`: one value pool per list-form
file (with KPIs), items with functional, operational and experience evidence and the judgement
scores every built-in criteria set reads (`criteria/*.yaml`), comments, flow and block mappings,
folded descriptions, `x-` extension keys, outcomes on done items, and `depends_on` links (always
to an item listed earlier, so there are no cycles). About 3% of the items are new ideas kept one
per file under `backlogs/items/`, as the sample does; a third of those have no completion rate
yet, so they are unscored under the default criteria, like the sample's REN-11. `criteria/` is
copied from the repository and `prioritize.yaml` sets a capacity. The same N, options and seed
always give the same bytes.
"""

from __future__ import annotations

import argparse
import math
import random
import re
import shutil
import sys
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
ITEMS_PER_FILE = 200  # a large service's backlog file; the sample's hold 5 to 10 items
LOOSE_SHARE = 0.03  # items kept one per file under backlogs/items/
MARKER = ".generated-workspace"  # written last; its presence allows replacing the folder again

SERVICES = [
    ("BEN", "benefits-intake", "Integrated benefits application", "Intake team"),
    ("REN", "renewals", "Benefit and licence renewals", "Renewals team"),
    ("PER", "permits", "Water and building permits", "Permitting platform team"),
    ("NOT", "notices", "Notices and letters", "Notices team"),
    ("CC", "contact-centre", "Contact centre", "Contact center digital team"),
    ("CW", "caseworker-tools", "Caseworker tools", "Caseworker tools team"),
    ("DMV", "vehicle-registration", "Vehicle registration", "Motor vehicles team"),
    ("UI", "unemployment-claims", "Unemployment insurance claims", "Claims team"),
    ("TAX", "business-tax", "Business tax filing", "Revenue digital team"),
    ("LIC", "professional-licensing", "Professional licensing", "Licensing team"),
    ("PAY", "payments", "Fees and payments", "Payments platform team"),
    ("ID", "identity", "Sign-in and identity", "Identity team"),
]
REGIONS = [
    "north",
    "south",
    "east",
    "west",
    "central",
    "coast",
    "valley",
    "metro",
    "rural",
    "tribal",
]
BENEFICIARIES = ["constituents", "constituents", "agencies", "staff", "organization"]
POOL_KINDS = ["cost-driver", "mission-inhibitor", "opportunity"]
VERBS = [
    "Pre-fill",
    "Simplify",
    "Shorten",
    "Redesign",
    "Automate",
    "Explain",
    "Translate",
    "Validate",
    "Combine",
    "Remove",
    "Track",
    "Schedule",
    "Remind people about",
    "Let people save",
    "Digitize",
    "Speed up",
    "Clarify",
    "Self-service",
    "Plain-language rewrite of",
    "Mobile-first",
]
OBJECTS = [
    "address fields",
    "income section",
    "household questions",
    "document upload",
    "payment page",
    "eligibility pre-screener",
    "renewal reminders",
    "interview scheduling",
    "status tracker",
    "denial notices",
    "appeal form",
    "identity check",
    "fee calculator",
    "inspection booking",
    "change of circumstances form",
    "caseworker queue",
    "call-back request",
    "consent step",
    "account recovery",
    "application summary",
]
QUALIFIERS = [
    "from the last application",
    "for screen readers",
    "in Spanish and Vietnamese",
    "on small phones",
    "for people without a mailing address",
    "before submission",
    "for partner agencies",
    "with saved progress",
    "for older adults",
    "at the counter",
    "by text message",
    "for caseworkers",
    "",
    "",
    "",
]
PERSONAS = [
    "low-income",
    "limited-english",
    "older-adults",
    "no-fixed-address",
    "rural",
    "people-with-disabilities",
    "small-business",
    "caseworkers",
    "veterans",
    "young-adults",
]
SOURCES = [
    "analytics export",
    "usability study",
    "call reasons",
    "denial reasons",
    "exit survey",
    "caseworker interviews",
    "page-level drop-off",
    "device mix analytics",
    "complaints log",
    "finance cost model",
    "accessibility audit",
    "partner survey",
]
# The kind each source is, for the typed form most items use (README, "How sure are we?").
SOURCE_KINDS = {
    "analytics export": "analytics", "usability study": "test", "call reasons": "analytics",
    "denial reasons": "analytics", "exit survey": "survey", "caseworker interviews": "research",
    "page-level drop-off": "analytics", "device mix analytics": "analytics",
    "complaints log": "anecdote", "finance cost model": "opinion",
    "accessibility audit": "benchmark", "partner survey": "survey",
}  # fmt: skip
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
HIGH_RISK_NOTES = [
    "needs a data sharing agreement",
    "automated decision: needs an impact assessment",
    "integrates with the mainframe; no test environment yet",
    "stores case data on devices",
]
STATUSES = [("proposed", 50), ("ready", 25), ("in-progress", 8), ("done", 12), ("dropped", 5)]
RISKS = [("low", 45), ("medium", 40), ("high", 15)]
EFFORTS = [(1, 8), (2, 16), (3, 22), (5, 24), (8, 16), (13, 9), (21, 3), (0.5, 1), (2.5, 1)]
FIBONACCI = [1, 2, 3, 5, 8, 13, 20]
IMPACTS = [0.25, 0.5, 1, 2, 3]


@dataclass(frozen=True)
class Summary:
    """What was written: item, pool and file counts, and the workspace root."""

    root: Path
    items: int
    pools: int
    files: int


def _pick(rng: random.Random, weighted: list[tuple[object, int]]) -> object:
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights)[0]


def _pool_code(index: int) -> tuple[str, str, str, str]:
    code, slug, name, team = SERVICES[index % len(SERVICES)]
    lap = index // len(SERVICES)
    if lap == 0:
        return code, slug, name, team
    region = REGIONS[(lap - 1) % len(REGIONS)]
    suffix = "" if lap <= len(REGIONS) else str((lap - 1) // len(REGIONS) + 1)
    return (
        f"{code}{lap + 1}",
        f"{slug}-{region}{suffix}",
        f"{name} ({region.title()}{suffix})",
        team,
    )


def _flow(mapping: dict[str, object]) -> str:
    return "{" + ", ".join(f"{k}: {v}" for k, v in mapping.items()) + "}"


def _evidence(rng: random.Random, as_of: date, *, pending: bool) -> dict[str, dict[str, object]]:
    completion = round(rng.uniform(0.3, 0.95), 2)
    functional: dict[str, object] = {}
    if not pending:
        functional["completion_rate"] = completion
        functional["abandonment_rate"] = round(1 - completion, 2)
    if rng.random() < 0.3:
        functional["form_error_rate"] = round(rng.uniform(0.02, 0.3), 2)
    functional["digital_take_up"] = round(rng.uniform(0.15, 0.9), 2)
    volume = int(math.exp(rng.uniform(math.log(200), math.log(250_000))))
    operational: dict[str, object] = {
        "monthly_volume": volume,
        "cost_per_transaction": f"{rng.uniform(1.5, 40):.2f}",
    }
    if rng.random() < 0.25:
        operational["calls_per_month"] = int(volume * rng.uniform(0.05, 0.4))
    if rng.random() < 0.1:
        operational["processing_days"] = rng.randint(2, 45)
    experience: dict[str, object] = {"csat": round(rng.uniform(1.5, 4.6), 1)}
    if rng.random() < 0.8:
        experience["research_findings"] = rng.randint(0, 12)
    if rng.random() < 0.15:
        experience["complaints"] = rng.randint(0, 400)
    named = [rng.choice(SOURCES) for _ in range(rng.randint(1, 3))]
    when = f"{MONTHS[as_of.month - 1]} {as_of.year}"
    # Two items in three type their sources; the rest keep plain text, as older files do.
    sources = (
        [f"{{kind: {SOURCE_KINDS[s]}, name: {s} {when}}}" for s in named]
        if rng.random() < 2 / 3
        else [f"{s} {when}" for s in named]
    )
    return {
        "sources": sources,
        "functional": functional,
        "operational": operational,
        "experience": experience,
    }


def _title(rng: random.Random) -> str:
    return " ".join(
        p for p in (rng.choice(VERBS), rng.choice(OBJECTS), rng.choice(QUALIFIERS)) if p
    )


def _item_lines(
    rng: random.Random,
    item_id: str,
    pool: str,
    team: str,
    kpi: str,
    earlier: list[str],
    *,
    pending: bool,
) -> tuple[list[str], str]:
    """One item as YAML lines at the top level (the caller indents it into a list), and its status.

    `earlier` holds the ids it may depend on: items listed before it that were not dropped.
    """
    status = "proposed" if pending else str(_pick(rng, STATUSES))  # type: ignore[arg-type]
    risk = str(_pick(rng, RISKS))  # type: ignore[arg-type]
    effort = _pick(rng, EFFORTS)  # type: ignore[arg-type]
    as_of = date(2026, 1, 5) + timedelta(days=rng.randint(0, 300))  # up to 2026-11-01
    lines = [
        f"id: {item_id}",
        f"title: {_title(rng)}",
        f"pool: {pool}",
        f"status: {status}",
        f"effort: {effort}",
    ]
    lines.append(
        f"risk: {risk}"
        + (
            f"                   # {rng.choice(HIGH_RISK_NOTES)}"
            if risk == "high" and rng.random() < 0.5
            else ""
        )
    )
    lines.append(f"facing: {'public' if rng.random() < 0.7 else 'internal'}")
    lines.append(f"owner: {team}")
    if rng.random() < 0.2:
        lines += [
            "description: >-",
            "  Found in research: people stop at this step, call the contact centre",
            f"  and wait {rng.randint(5, 40)} minutes on average to finish it with an agent.",
        ]
    lines.append(f"personas: [{', '.join(rng.sample(PERSONAS, rng.randint(1, 3)))}]")
    if earlier and rng.random() < 0.15:
        deps = sorted(set(rng.choice(earlier[-400:]) for _ in range(rng.randint(1, 2))))
        lines.append(
            f"depends_on: [{', '.join(deps)}]"
            + ("          # reuses what that item builds" if rng.random() < 0.3 else "")
        )
    evidence = _evidence(rng, as_of, pending=pending)
    lines += [
        "evidence:",
        f"  as_of: {as_of.isoformat()}",
        f"  sources: [{', '.join(evidence['sources'])}]",
    ]  # type: ignore[arg-type]
    if pending:
        lines += [
            "  # Evidence pending: no online form yet, so no completion rate to measure;",
            "  # unscored under the default criteria until the prototype test.",
        ]
    block = rng.random() < 0.2
    for kind in ("functional", "operational", "experience"):
        section = evidence[kind]
        if block:
            lines.append(f"  {kind}:")
            lines += [f"    {k}: {v}" for k, v in section.items()]  # type: ignore[union-attr]
        else:
            lines.append(f"  {kind}: {_flow(section)}")  # type: ignore[arg-type]
    scores = {
        "policy_alignment": rng.randint(1, 5),
        "reach": rng.choice([500, 1000, 2000, 5000, 6000, 20000, 50000, 70000, 150000]),
        "impact": rng.choice(IMPACTS),
        "confidence": rng.choice([0.5, 0.8, 1.0]),
        "business_value": rng.choice(FIBONACCI),
        "time_criticality": rng.choice(FIBONACCI),
        "risk_reduction": rng.choice(FIBONACCI),
        "ease": rng.randint(1, 10),
        "ice_impact": rng.randint(1, 10),
        "ice_confidence": rng.randint(1, 10),
    }
    lines.append("scores:")
    lines += [f"  {k}: {v}" for k, v in scores.items()]
    if status == "done" and rng.random() < 0.6:
        before = rng.randint(20, 60)
        lines += [
            "outcome:",
            f"  delivered: {(as_of + timedelta(days=rng.randint(20, 120))).isoformat()}",
            f"  actual_effort: {rng.choice([1, 2, 3, 5, 6, 8, 13])}",
            f"  kpi: {kpi}",
            f"  before: {before}",
            f"  after: {before + rng.randint(-3, 25)}",
        ]
    if rng.random() < 0.05:
        lines.append(f"x-jira: {item_id.replace('-', '')}-{rng.randint(100, 9999)}")
    return lines, status


def _pool_lines(rng: random.Random, slug: str, name: str, kpi: str) -> list[str]:
    baseline = rng.randint(20, 60)
    return [
        f"  - id: {slug}",
        f"    name: {name}",
        f"    beneficiary: {rng.choice(BENEFICIARIES)}",
        f"    kind: {rng.choice(POOL_KINDS)}",
        f"    owner: {name} product owner",
        "    description: >-",
        f"      {name}: where people most often give up, call for help or wait;",
        "      the pool the agency leaders agreed to work on first.",
        "    kpis:",
        f"      - id: {kpi}",
        "        name: Transactions completed online",
        "        data: functional",
        '        unit: "%"',
        f"        baseline: {baseline}",
        f"        target: {baseline + rng.randint(15, 35)}",
        f"        current: {baseline + rng.randint(0, 10)}",
        "      - id: days-to-decision",
        "        name: Median days from application to decision",
        "        data: operational",
        "        unit: days",
        f"        baseline: {rng.randint(20, 40)}",
        f"        target: {rng.randint(8, 19)}",
        f"        current: {rng.randint(15, 35)}",
    ]


def _indent_item(lines: list[str]) -> list[str]:
    return [f"  - {lines[0]}", *(f"    {line}" for line in lines[1:]), ""]


def _write_settings(root: Path, items: int) -> None:
    teams = min(1000, max(2, items // 250))  # capacity grows with the backlog, as organizations do
    (root / "prioritize.yaml").write_text(
        "# Workspace settings of a generated benchmark workspace.\n"
        "criteria: default          # the set used when --criteria is not given\n"
        "capacity:\n"
        "  per_week: 10             # story points one team completes in a week\n"
        f"  teams: {teams}\n"
        "start: 2027-01-04          # first day of time-to-value schedules\n"
        "unit: points\n",
        encoding="utf-8",
    )


def _copy_criteria(root: Path) -> None:
    target = root / "criteria"
    target.mkdir(parents=True, exist_ok=True)
    source = REPO_ROOT / "criteria"
    if source.is_dir():
        for path in sorted(source.glob("*.y*ml")):
            shutil.copyfile(path, target / path.name)
        return
    from importlib import resources  # installed without the repository: the built-in presets

    for name in ("default", "rice", "wsjf", "ice"):
        text = (
            resources.files("prioritize.presets")
            .joinpath(f"{name}.yaml")
            .read_text(encoding="utf-8")
        )
        (target / f"{name}.yaml").write_text(text, encoding="utf-8")


def generate(
    n: int,
    outdir: Path,
    *,
    files: int | None = None,
    one_per_file: bool = False,
    seed: int = 0,
    force: bool = False,
) -> Summary:
    """Write an n-item workspace into outdir, replacing its backlogs/ and criteria/.

    A folder whose backlogs/ this generator did not write is refused unless force is true, so
    that a slip of the OUTDIR argument never deletes a real backlog.
    """
    if n < 1:
        raise ValueError("n must be at least 1")
    rng = random.Random(seed)
    root = Path(outdir)
    if (root / "backlogs").exists() and not (root / MARKER).exists() and not force:
        raise FileExistsError(
            f"{root} already holds a backlogs/ folder that generate.py did not write; "
            "choose an empty folder or pass --force to replace it"
        )
    for sub in ("backlogs", "criteria"):
        shutil.rmtree(root / sub, ignore_errors=True)
    backlogs = root / "backlogs"
    (backlogs / "items").mkdir(parents=True)
    loose = n if one_per_file else int(n * LOOSE_SHARE)
    listed = n - loose
    k = files if files is not None else max(1, math.ceil(max(listed, 1) / ITEMS_PER_FILE))
    k = max(1, k)
    pools = [_pool_code(i) for i in range(k)]
    kpi = "online-share"
    earlier: list[str] = []
    written = 0

    if one_per_file:  # pools in one file of their own, every item in its own file
        lines = ["# Value pools of the generated workspace.", "value_pools:"]
        for _, slug, name, _ in pools:
            lines += _pool_lines(rng, slug, name, kpi)
        (backlogs / "pools.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
        written += 1
    else:
        shares = [listed // k + (1 if i < listed % k else 0) for i in range(k)]
        for (code, slug, name, team), count in zip(pools, shares, strict=True):
            lines = [
                f"# {name}.",
                "#",
                "# Generated for benchmarks: evidence from analytics, finance and research,",
                "# judgement scores agreed in backlog refinement.",
                "",
                "value_pools:",
                *_pool_lines(rng, slug, name, kpi),
                "",
                "items:",
            ]
            for number in range(1, count + 1):
                item_id = f"{code}-{number}"
                if number % 50 == 0:
                    lines.append("  # Reviewed at the quarterly planning session.")
                body, status = _item_lines(rng, item_id, slug, team, kpi, earlier, pending=False)
                lines += _indent_item(body)
                if status != "dropped":
                    earlier.append(item_id)
            (backlogs / f"{slug}.yaml").write_text("\n".join(lines), encoding="utf-8")
            written += 1

    per_pool = [0] * k
    for index in range(loose):
        pool_index = index % k
        code, slug, _, team = pools[pool_index]
        per_pool[pool_index] += 1
        item_id = f"{code}-N{per_pool[pool_index]}"
        pending = not one_per_file and index % 3 == 0
        body, status = _item_lines(rng, item_id, slug, team, kpi, earlier, pending=pending)
        header = [
            "# One item per file: new ideas start here so that two PMs adding items at",
            "# the same time never touch the same file.",
        ]
        folder = backlogs / "items" / slug if one_per_file else backlogs / "items"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{item_id}.yaml").write_text("\n".join(header + body) + "\n", encoding="utf-8")
        if status != "dropped":
            earlier.append(item_id)
        written += 1

    _copy_criteria(root)
    _write_settings(root, n)
    (root / MARKER).write_text(
        f"generated by benchmarks/generate.py: {n} items, seed {seed}\n", encoding="utf-8"
    )
    return Summary(root, n, k, written)


_DEPENDS_ON = re.compile(r"^( *)depends_on: \[[^\]\n]*\][^\n]*\n", re.MULTILINE)
_ITEM_ID = re.compile(r"^(?:  - |)id: ([A-Za-z0-9][A-Za-z0-9._-]*)\n", re.MULTILINE)


def break_references(root: Path) -> int:
    """Make every item of a generated workspace depend on one item that does not exist.

    Each item's own `depends_on` goes; in its place, right under its id, a reference to a
    near-miss of its own id (BEN-12 depends on BEN-12x), so that `check` reports one
    unknown-dependency per item and looks for a "did you mean" among all the ids. Returns how
    many references it broke. The benchmark of "did you mean" over thousands of ids.
    """
    broken = 0
    for path in sorted((root / "backlogs").rglob("*.yaml")):
        text = _DEPENDS_ON.sub("", path.read_text(encoding="utf-8"))

        def refer(match: re.Match[str]) -> str:
            indent = "    " if match.group(0).startswith("  - ") else ""
            return f"{match.group(0)}{indent}depends_on: [{match.group(1)}x]\n"

        text, count = _ITEM_ID.subn(refer, text)
        broken += count
        path.write_text(text, encoding="utf-8")
    return broken


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of items")
    parser.add_argument(
        "outdir",
        type=Path,
        help="workspace folder to write (its backlogs/ and criteria/ are replaced)",
    )
    parser.add_argument(
        "--files",
        type=int,
        default=None,
        help=f"list-form backlog files (default: one per {ITEMS_PER_FILE} items)",
    )
    parser.add_argument(
        "--one-per-file",
        action="store_true",
        help="every item in its own file under backlogs/items/",
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument(
        "--force", action="store_true", help="replace a backlogs/ folder this script did not write"
    )
    parser.add_argument(
        "--unknown-references",
        action="store_true",
        help="make every item depend on an item that does not exist (see break_references)",
    )
    args = parser.parse_args(argv)
    if args.n < 1 or (args.files is not None and args.files < 1):
        parser.error("N and --files must be at least 1")
    try:
        summary = generate(
            args.n,
            args.outdir,
            files=args.files,
            one_per_file=args.one_per_file,
            seed=args.seed,
            force=args.force,
        )
    except FileExistsError as exc:
        parser.error(str(exc))
    if args.unknown_references:
        print(f"{break_references(summary.root)} unknown references written", file=sys.stderr)
    print(
        f"wrote {summary.items} items in {summary.pools} pools, {summary.files} backlog files, to {summary.root}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
