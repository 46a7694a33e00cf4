"""The rules of `check`, each a small pure function yielding problems about items, pools and criteria."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from prioritize.errors import Problem, Ref
from prioritize.models import Item, ValuePool, did_you_mean


def reference_problems(pools: Sequence[ValuePool], items: Sequence[Item]) -> Iterator[Problem]:
    """Unknown pools and dependencies, dependencies on dropped items, and dependency cycles."""
    pool_ids = {p.id for p in pools}
    by_id = {i.id: i for i in items}
    for item in items:
        if item.pool not in pool_ids:
            yield Problem(
                "unknown-pool", "error", Ref("item", item.id, ("pool",)),
                f'pool "{item.pool}" is not a value pool of this workspace{did_you_mean(item.pool, pool_ids)}',
            )
        for index, dep in enumerate(item.depends_on):
            target = by_id.get(dep)
            if target is None:
                yield Problem(
                    "unknown-dependency", "error", Ref("item", item.id, ("depends_on", index)),
                    f'depends on "{dep}", which is not an item of this workspace{did_you_mean(dep, by_id)}',
                )
            elif dep == item.id:
                yield Problem("dependency-cycle", "error", Ref("item", item.id, ("depends_on", index)), "an item cannot depend on itself")
            elif target.status == "dropped" and item.is_open:
                yield Problem(
                    "depends-on-dropped", "error", Ref("item", item.id, ("depends_on", index)),
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
                    cycle = path[path.index(nxt):]
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
            "dependency-cycle", "error", Ref("item", first, ("depends_on", index)),
            f"dependency cycle {loop}; one of these dependencies must go",
        )
