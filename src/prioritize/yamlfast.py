"""The fast read: yaml-rs, and the cheap scans that say where its reading can be trusted.

yaml-rs (a Rust YAML 1.2 parser) builds the same data as ruamel's safe loader some twenty
times faster. Where the two could read a file differently (tags, aliases, merge keys,
directives and document markers, quoted dates, impossible dates) or the file has an error,
`read` gives MISSING and the exact path (yamlio) reads the file instead.
"""

from __future__ import annotations

import re
from types import ModuleType
from typing import Any

_yaml_rs: ModuleType | None
try:
    import yaml_rs as _yaml_rs
except ImportError:  # no wheel for this platform: every file takes the exact path
    _yaml_rs = None

MISSING = object()

# How deeply a file may nest mappings and lists, however written. The readers recurse per level
# (libyaml crashes the process somewhere past 20,000 levels), and so do copy.deepcopy, json and
# the round-trip loader that writes files back (some three frames a level against Python's
# 1,000); no real file comes near this bound. (Here, not in yamldepth, which the fast read
# never needs to load.)
MAX_DEPTH = 100

# What the exact path's reader refuses (ruamel.yaml.reader.Reader.NON_PRINTABLE).
_NON_PRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)
# The same for ASCII text, as bytes.translate deletes them: a tenth of the regex's time.
_PRINTABLE_ASCII = bytes([0x09, 0x0A, 0x0D, *range(0x20, 0x7F)])

# Where the two readers part: directives and document markers, merge keys, quoted dates,
# leading-dot exponents, datetimes, upper-case radix prefixes, and underscores anywhere but
# between letters (ruamel's number patterns take them liberally: it reads `1e3_` as text and
# refuses `-_`, where yaml-rs reads 1000.0 and text). Names like completion_rate stay fast.
# One pattern each, every one starting with a literal: the regex engine then skips to that
# character, where one alternation of them all tries every alternative at every offset.
_DIFFERENT = tuple(
    re.compile(pattern)
    for pattern in (
        r"\n(?:%|---|\.\.\.)",  # at the start of a line (the first line is looked at apart)
        r"<<",
        r"'\d{4}-\d",
        r'"\d{4}-\d',
        r"\.\d[\d_]*[eE]",
        r"-\d\d?(?:[Tt]|[ \t]+)\d",
        r"0[XOB]",
        r"_(?:(?<=[^A-Za-z]_)|(?=[^A-Za-z]))",
    )
)
_TIMESTAMP = re.compile(
    r"\d{4}-\d\d?-\d\d?(?:(?:[Tt]|[ \t]+)\d\d?:\d\d:\d\d(?:\.\d*)?(?:[ \t]*(?:Z|[-+]\d\d?(?::\d\d)?))?)?"
)


def read(text: str) -> Any:
    """The data as yaml-rs reads it, or MISSING where only the exact path can be trusted."""
    if _yaml_rs is None or _differs(text) or _non_printable(text):
        return MISSING
    try:
        data = _yaml_rs.loads(text)
    except Exception:  # any problem: the exact path finds and locates it
        return MISSING
    return MISSING if _refused(data) else data


def _differs(text: str) -> bool:
    return (
        "!" in text
        or "*" in text
        or text.startswith(("%", "---", "..."))
        or any(pattern.search(text) for pattern in _DIFFERENT)
    )


def _non_printable(text: str) -> bool:
    if text.isascii():
        return bool(text.encode("ascii").translate(None, _PRINTABLE_ASCII))
    return _NON_PRINTABLE.search(text) is not None


def _refused(data: Any) -> bool:
    """True where only the exact path can be trusted with `data`."""
    # A plain scalar shaped like a date that is no date (2026-02-30) stays text in yaml-rs but
    # is an error in the exact path. Quoted ones never get here (see _DIFFERENT). Data nested
    # too deeply goes there too, to be refused in one place. Walked a level at a time; the
    # keys of a mapping are looked at only when one of them was not seen before.
    seen = _KEYS
    if len(seen) > _MAX_KEYS:
        seen.clear()
    level, depth = [data], 0
    while level:
        below: list[Any] = []
        for node in level:
            kind = type(node)
            if kind is dict:
                if depth >= MAX_DEPTH or (not node.keys() <= seen and _new_keys(node, seen)):
                    return True
                below.extend(node.values())
            elif kind is list:
                if depth >= MAX_DEPTH:
                    return True
                below.extend(node)
            elif kind is str and node[:1].isdigit() and _TIMESTAMP.fullmatch(node):
                return True
        level, depth = below, depth + 1
    return False


def _new_keys(mapping: dict[Any, Any], seen: set[str]) -> bool:
    """Whether a key of `mapping` is text shaped like a date; the other text keys are seen."""
    for key in mapping:
        if type(key) is str and key not in seen:
            if key[:1].isdigit() and _TIMESTAMP.fullmatch(key):
                return True
            seen.add(key)
    return False


# Text keys seen so far, none shaped like a date (see _refused). Emptied when it passes
# _MAX_KEYS (between files).
_KEYS: set[str] = set()
_MAX_KEYS = 50_000
