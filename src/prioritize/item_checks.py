"""The rules of `check` that read items and pools alone, applied as a workspace is read:
broken references, dependency cycles, evidence ranges. They need no scoring, so reading a
workspace (and `import`) does without pandas."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from prioritize.errors import Problem, Ref, Suggestions
from prioritize.models import EVIDENCE_KINDS, Item, ValuePool
from prioritize.values import describe, dig


def reference_problems(
    pools: Sequence[ValuePool],
    items: Sequence[Item],
    *,
    extra_pools: set[str] | frozenset[str] = frozenset(),
    extra_items: set[str] | frozenset[str] = frozenset(),
) -> Iterator[Problem]:
    """Unknown pools and dependencies, dependencies on dropped items, and dependency cycles.

    `extra_pools` and `extra_items` are ids defined by entries that failed validation: they
    exist, so naming them is not a broken reference.
    """
    pool_ids = {p.id for p in pools} | set(extra_pools)
    by_id = {i.id: i for i in items}
    # Built once: thousands of unknown references each compare against a few ids, not all.
    pool_names, item_names = Suggestions(pool_ids), Suggestions(by_id)
    for item in items:
        if item.pool not in pool_ids:
            yield Problem(
                "unknown-pool",
                "error",
                Ref("item", item.id, ("pool",)),
                f'pool "{item.pool}" is not a value pool of this workspace{pool_names.hint(item.pool)}',
            )
        for index, dep in enumerate(item.depends_on):
            target = by_id.get(dep)
            if target is None and dep in extra_items:
                continue
            if target is None:
                yield Problem(
                    "unknown-dependency",
                    "error",
                    Ref("item", item.id, ("depends_on", index)),
                    f'depends on "{dep}", which is not an item of this workspace{item_names.hint(dep, besides=item.id)}',
                )
            elif dep == item.id:
                yield Problem(
                    "dependency-cycle",
                    "error",
                    Ref("item", item.id, ("depends_on", index)),
                    "an item cannot depend on itself",
                )
            elif target.status == "dropped" and item.is_open:
                yield Problem(
                    "depends-on-dropped",
                    "error",
                    Ref("item", item.id, ("depends_on", index)),
                    f'depends on "{dep}", which was dropped; remove the dependency or revive {dep}',
                )
    yield from _cycles(items, by_id)


def dependency_cycles(items: Sequence[Item]) -> list[list[str]]:
    """Each dependency cycle once, as the ids along it starting from its smallest id."""
    by_id = {i.id: i for i in items}
    state: dict[str, int] = {}  # 1: on the current path, 2: finished
    cycles: list[list[str]] = []
    for start in sorted(by_id):
        if start in state:
            continue
        stack: list[tuple[str, int]] = [(start, 0)]
        path: list[str] = []
        while stack:
            node, edge = stack.pop()
            if edge == 0:
                state[node] = 1
                path.append(node)
            deps = [d for d in by_id[node].depends_on if d in by_id and d != node]
            if edge < len(deps):
                stack.append((node, edge + 1))
                nxt = deps[edge]
                if state.get(nxt) == 1:
                    cycle = path[path.index(nxt) :]
                    pivot = cycle.index(min(cycle))
                    cycles.append(cycle[pivot:] + cycle[:pivot])
                elif nxt not in state:
                    stack.append((nxt, 0))
            else:
                state[node] = 2
                path.pop()
    unique = {tuple(c): c for c in cycles}
    return [unique[k] for k in sorted(unique)]


def _cycles(items: Sequence[Item], by_id: dict[str, Item]) -> Iterator[Problem]:
    for cycle in dependency_cycles(items):
        first = cycle[0]
        nxt = cycle[1] if len(cycle) > 1 else first
        index = by_id[first].depends_on.index(nxt)
        loop = " -> ".join([*cycle, first])
        yield Problem(
            "dependency-cycle",
            "error",
            Ref("item", first, ("depends_on", index)),
            f"dependency cycle {loop}; one of these dependencies must go",
        )


def evidence_range_problems(items: Sequence[Item]) -> Iterator[Problem]:
    """Evidence ranges that do not hold their value: a range for a metric the item lacks, for a
    value that is not a number, or one whose value lies outside [low, high]."""
    for item in items:
        evidence = item.evidence
        for path, (low, high) in evidence.ranges.items():
            ref = Ref("item", item.id, ("evidence", "ranges", path))
            section, _, metric = path.partition(".")
            if section not in EVIDENCE_KINDS or not metric:
                yield Problem(
                    "invalid-value",
                    "error",
                    Ref("item", item.id, ("evidence", "ranges", path), key=True),
                    f'a range names a metric below evidence, as {" or ".join(f"{k}.NAME" for k in EVIDENCE_KINDS)}, not "{path}"',
                )
                continue
            value = dig(getattr(evidence, section), metric)
            if value is None:
                yield Problem(
                    "invalid-value",
                    "error",
                    Ref("item", item.id, ("evidence", "ranges", path), key=True),
                    f"a range for evidence.{path}, which {item.id} does not have; add the "
                    "measured value or remove the range",
                )
            elif not isinstance(value, int | float) or isinstance(value, bool):
                yield Problem(
                    "invalid-value",
                    "error",
                    ref,
                    f"a range for evidence.{path}, which is {describe(value)}, not a number",
                )
            elif not low <= value <= high:
                yield Problem(
                    "invalid-value",
                    "error",
                    ref,
                    f"the range [{low:g}, {high:g}] must hold the measured value of "
                    f"evidence.{path}, {value:g}: low <= value <= high",
                )
