"""Gated blocks: nesting with other `///` blocks, code fences, list items; checked on generated shapes."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from builder.gate import Gate, cut, scan

TIERS = ["registered", "silver", "gold", "platinum"]
REGIONS = ["na", "eu", "apac"]


@dataclass(frozen=True)
class Text:
    marker: str


@dataclass(frozen=True)
class Code:
    marker: str  # a fenced code block whose lines look like gate fences


@dataclass(frozen=True)
class Block:
    kind: str  # tier, region, details, tab, note
    value: str
    children: tuple[object, ...]
    in_list_item: bool


_counter = itertools.count()


def marker() -> str:
    return f"marker{next(_counter)}word"


leaf = st.one_of(st.builds(lambda: Text(marker())), st.builds(lambda: Code(marker())))


def block(children: st.SearchStrategy[tuple[object, ...]]) -> st.SearchStrategy[Block]:
    kinds = st.sampled_from(["tier", "region", "details", "tab", "note"])

    def make(kind: str, tier: str, regions: list[str], kids: tuple[object, ...], in_list: bool) -> Block:
        value = {"tier": tier, "region": ", ".join(regions), "details": "Summary", "tab": "Label", "note": "Title"}[kind]
        return Block(kind, value, kids, in_list)

    return st.builds(
        make,
        kinds,
        st.sampled_from(TIERS),
        st.lists(st.sampled_from(REGIONS), min_size=1, max_size=3, unique=True),
        children,
        st.booleans(),
    )


documents = st.recursive(leaf, lambda inner: block(st.lists(inner, min_size=1, max_size=3).map(tuple)), max_leaves=12)


def render(node: object, indent: str = "") -> list[str]:
    if isinstance(node, Text):
        return [f"{indent}Paragraph with {node.marker}.", ""]
    if isinstance(node, Code):
        return [f"{indent}```text", f"{indent}/// tier | platinum", f"{indent}{node.marker} in code", f"{indent}///", f"{indent}```", ""]
    assert isinstance(node, Block)
    lines = []
    if node.in_list_item:
        lines += [f"{indent}- a list item", ""]
        indent += "    "
    lines.append(f"{indent}/// {node.kind} | {node.value}")
    for child in node.children:
        lines += render(child, indent)
    lines += [f"{indent}///", ""]
    return lines


def expected_visible(node: object, allowed: bool, tier: int, region: str) -> dict[str, bool]:
    """Which markers a variant must see: all enclosing gates allow it (code fences are never gates)."""
    if isinstance(node, (Text, Code)):
        return {node.marker: allowed}
    assert isinstance(node, Block)
    if node.kind == "tier":
        allowed = allowed and tier >= TIERS.index(node.value)
    elif node.kind == "region":
        allowed = allowed and region in node.value.split(", ")
    result: dict[str, bool] = {}
    for child in node.children:
        result.update(expected_visible(child, allowed, tier, region))
    return result


def variant_allows(tier: int, region: str):  # type: ignore[no-untyped-def]
    def allows(gate: Gate) -> bool:
        if gate.kind == "tier":
            return tier >= TIERS.index(gate.values[0])
        return region in gate.values

    return allows


@settings(max_examples=300, deadline=None)
@given(documents, st.integers(0, 3), st.sampled_from(REGIONS))
def test_generated_nestings_hide_exactly_the_gated_text(document: object, tier: int, region: str) -> None:
    lines = ["# Page", ""] + render(document)
    gates, problems = scan(lines)
    assert problems == []
    visible, hidden = cut(lines, [g if g.kind != "tier" else g for g in gates], variant_allows(tier, region))
    visible_text, hidden_text = "\n".join(visible), "\n".join(hidden)
    for name, seen in expected_visible(document, True, tier, region).items():
        assert (name in visible_text) == seen, (name, "\n".join(lines))
        assert (name in hidden_text) != seen
    # What is left is still well-formed pymdownx: other blocks balanced, no gate fences left.
    left_gates, left_problems = scan(visible)
    assert left_problems == [] and left_gates == []
    assert len(visible) == len(lines), "line numbers are kept"


def test_equal_length_fences_nest_as_a_stack() -> None:
    lines = ["/// details | Outer", "/// tier | gold", "gold text", "///", "after", "///"]
    gates, problems = scan(lines)
    assert problems == [] and gates == [Gate("tier", ("gold",), 1, 3)]


def test_longer_fence_closes_only_its_own_block() -> None:
    lines = ["//// tier | gold", "/// details | Inner", "inner", "///", "still gold", "////", "public"]
    gates, problems = scan(lines)
    assert problems == [] and gates == [Gate("tier", ("gold",), 0, 5)]
    visible, hidden = cut(lines, gates, lambda gate: False)
    assert visible[-1] == "public" and "still gold" in hidden


def test_fence_inside_code_is_text() -> None:
    lines = ["~~~~", "/// tier | gold", "~~~", "~~~~", "open"]
    gates, problems = scan(lines)
    assert gates == [] and problems == []


def test_unclosed_inner_block_is_named_at_its_line() -> None:
    lines = ["/// tier | gold", "//// details | x", "text", "///"]
    _, problems = scan(lines)
    assert [(p.line, p.code) for p in problems] == [(1, "gate-unclosed")]
