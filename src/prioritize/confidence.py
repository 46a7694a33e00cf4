"""How sure are we: an item's evidence strength and the confidence level it earns.

Pure (README, "How sure are we?"). The strength of an item's evidence is its strongest typed
source, in the order of STRENGTHS (launch data first, an opinion last); plain-text sources count
as "unspecified", weaker than an opinion, and no source at all as "none". A criteria set that
says `confidence:` multiplies each score by the level of its item's strength.
"""

from __future__ import annotations

from collections.abc import Mapping

from prioritize.models import STRENGTHS, CriteriaSet, Evidence, Source

UNSPECIFIED, NONE = "unspecified", "none"
# Levels in (0, 1], after the steps of Itamar Gilad's Confidence Meter: what people did with a
# launched or piloted service counts most, what someone believes least.
BUILT_IN_LEVELS: Mapping[str, float] = {
    "launch": 1.0,
    "pilot": 0.9,
    "test": 0.8,
    "analytics": 0.7,
    "research": 0.6,
    "survey": 0.5,
    "benchmark": 0.4,
    "anecdote": 0.25,
    "opinion": 0.1,
    UNSPECIFIED: 0.1,
    NONE: 0.1,
}
# Too little to fund on: `check` warns where such an item is in the top 10 (weak-evidence).
WEAK = frozenset({"anecdote", "opinion", UNSPECIFIED, NONE})
WEAK_EVIDENCE_TOP = 10  # how far down the ranking weak evidence is worth a warning
_ORDER = {kind: k for k, kind in enumerate(STRENGTHS)}  # 0 is the strongest


def strongest_source(evidence: Evidence) -> Source | str | None:
    """The source the item's strength comes from: its strongest typed source (the first listed
    on a tie), else its first plain-text source, else None."""
    typed = [s for s in evidence.sources if isinstance(s, Source)]
    if typed:
        return min(typed, key=lambda s: _ORDER[s.kind])
    return evidence.sources[0] if evidence.sources else None


def strength(evidence: Evidence) -> str:
    """The kind of the strongest source, "unspecified" for plain text only, "none" for none."""
    source = strongest_source(evidence)
    if isinstance(source, Source):
        return source.kind
    return UNSPECIFIED if source is not None else NONE


def levels(criteria: CriteriaSet) -> dict[str, float]:
    """The level of every strength under `criteria`: the set's own where it gives them, else the
    built-in ones."""
    own: Mapping[str, float] = (
        {str(k): v for k, v in criteria.confidence.items()}
        if isinstance(criteria.confidence, dict)
        else {}
    )
    return {kind: float(own.get(kind, BUILT_IN_LEVELS[kind])) for kind in STRENGTHS}


def applies(criteria: CriteriaSet) -> bool:
    """Whether the set multiplies scores by confidence (`confidence: true` or its own levels)."""
    return criteria.confidence is not None and criteria.confidence is not False


def stronger(kind: str) -> list[str]:
    """The source kinds stronger than `kind`, weakest first (the next step up comes first)."""
    return [k for k in reversed(STRENGTHS[: _ORDER[kind]]) if k not in (UNSPECIFIED, NONE)]


def describe_source(source: Source | str) -> str:
    """A source in words: `pilot "Renewals pilot" (2026-10-01, n=420)`, or the plain text quoted."""
    if isinstance(source, str):
        return f'"{source}"'
    details = [
        *([source.date.isoformat()] if source.date else []),
        *([f"n={source.n}"] if source.n is not None else []),
    ]
    return f'{source.kind} "{source.name}"' + (f" ({', '.join(details)})" if details else "")
