"""Gated blocks: find `/// tier | X` and `/// region | A, B` in a page and cut text per variant.

Blocks follow pymdownx's `///` syntax: an opening fence names the block, a bare fence of the same
length closes the innermost open block of that length, and blocks nest. A `///` inside a fenced code
block is text. Gate fences and hidden lines become blank lines, so that line numbers in the staged
file are those of the source and paragraphs around a removed block do not run together.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

_CODE_FENCE = re.compile(r"^(`{3,}|~{3,})(.*)$")
_BLOCK_FENCE = re.compile(r"^(/{3,})\s*(.*?)\s*$")
# A block name that looks like a gate but is not one ("Tier", "tiers", "tier: gold") would show
# its content to everyone, so it is an error rather than an unknown pymdownx block.
_GATE_LOOKALIKE = re.compile(r"^(tiers?|regions?)\b", re.IGNORECASE)
# Anything that names a gate, wherever it stands in a line: outside a real gate it is an error.
GATE_MARKER = re.compile(r"/{3,}[ \t]*(?:tier|region)\b")
# Blockquote markers before a line's content: a gate inside a quote keeps them when it is cut.
# Greedy: a `>` after spaces counts too (a quote in a list item in a quote), which is only markup.
_QUOTE = re.compile(r"^(?:[ \t]*>[ ]?)+")
# One blockquote marker, with the spaces before it.
_MARKER = re.compile(r"( *)>( ?)")
# What opens a container whose content is indented by four more columns (Python-Markdown's tab length).
_CONTAINER = re.compile(r"^(?:[-*+]|\d+[.)])[ \t]+|^(?:!!!|\?\?\?\+?|===)[ \t]")
_TAB_LENGTH = 4


class GateKind(StrEnum):
    TIER = "tier"
    REGION = "region"


@dataclass(frozen=True)
class Gate:
    """A tier or region block: lines `start`..`end` (0-based, fences included) of a file."""

    kind: GateKind
    values: tuple[str, ...]  # the minimum tier id, or region ids
    start: int
    end: int
    rank: int | None = None  # of a tier gate's tier, set by the loader; None lets no tier through


@dataclass(frozen=True)
class GateProblem:
    line: int  # 0-based
    code: str
    message: str


@dataclass
class _Open:
    fence: str
    name: str
    start: int
    values: tuple[str, ...]


def body_start(lines: list[str]) -> int:
    """Index of the first line after a page's front matter (0 when there is none)."""
    if not lines or lines[0].rstrip() != "---":
        return 0
    return next((i + 1 for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), len(lines))


def _parse_values(argument: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in argument.split(",") if v.strip())


def _closing_code_fence(line: str, opener: str) -> bool:
    return line.startswith(opener) and set(line.rstrip()) == {opener[0]}


@dataclass(frozen=True)
class Line:
    """A line as the block parser meets it: its blockquote markers, and the rest."""

    quote: str  # the blockquote markers with what precedes them ("    > "), kept when the line is cut
    text: str  # the rest, stripped


def split_line(line: str) -> Line:
    quote = _QUOTE.match(line)
    prefix = quote.group(0) if quote else ""
    return Line(prefix, line[len(prefix) :].strip())


class _Indents:
    """The content indentation of open list items and admonitions in one context (the page, or a quote)."""

    def __init__(self) -> None:
        self.bases = [0]
        self.after_blank = True

    def blank(self) -> None:
        self.after_blank = True

    def allows(self, indent: int, opens: bool) -> bool:
        """Track containers through a non-blank line; True unless the line is indented code there."""
        while len(self.bases) > 1 and indent < self.bases[-1] and (self.after_blank or opens):
            self.bases.pop()
        self.after_blank = False
        if indent - self.bases[-1] >= _TAB_LENGTH:
            return False
        if opens:
            self.bases.append(indent + _TAB_LENGTH)
        return True


class _Containers:
    """Tells where a fence can be, so that indented code is told apart.

    A line indented four or more columns past its container is code (or a paragraph's continuation)
    for Python-Markdown, never a fence: neither a code fence nor a block fence opens there. Each
    depth of quotes has containers of its own, counted from its `>` markers; a `>` indented as code
    is text, not a deeper quote.
    """

    def __init__(self) -> None:
        self.depths = [_Indents()]

    def read(self, raw: str) -> tuple[str, bool]:
        """A line's text past its quote markers, and whether a fence may stand there."""
        rest, depth = raw.expandtabs(_TAB_LENGTH), 0
        while (marker := _MARKER.match(rest)) is not None and self._at(depth).allows(len(marker.group(1)), False):
            rest, depth = rest[marker.end() :], depth + 1
        del self.depths[depth + 1 :]  # the deeper quotes of earlier lines have ended
        indents = self._at(depth)
        text = rest.lstrip(" ")
        if not text.strip():
            indents.blank()
            return "", False
        return text.rstrip(), indents.allows(len(rest) - len(text), _CONTAINER.match(text) is not None)

    def _at(self, depth: int) -> _Indents:
        while len(self.depths) <= depth:
            self.depths.append(_Indents())
        return self.depths[depth]


def scan(lines: list[str], first: int = 0) -> tuple[list[Gate], list[GateProblem]]:
    """Find the gates in `lines[first:]` and the structural problems (unclosed, stray or empty fences).

    Gates are found in blockquotes, list items and admonitions too; a fence in indented code, in a
    code fence or in an HTML comment is not a fence (one in a comment is an error: the renderer
    would not see it). The renderer's own reading of the same text is compared in `reader`.
    """
    gates: list[Gate] = []
    problems: list[GateProblem] = []
    stack: list[_Open] = []
    code_fence: str | None = None
    in_comment = False
    containers = _Containers()
    for number in range(first, len(lines)):
        stripped = split_line(lines[number]).text
        if code_fence is not None:
            if _closing_code_fence(stripped, code_fence):
                code_fence = None
            continue
        if in_comment:
            if _BLOCK_FENCE.match(stripped):
                problems.append(
                    GateProblem(number, "gate-in-comment", "a '///' fence inside an HTML comment: the renderer does not see it")
                )
            in_comment = "-->" not in stripped
            continue
        stripped, allowed = containers.read(lines[number])
        if not allowed:
            continue
        opens_comment = stripped.rfind("<!--")
        if opens_comment >= 0 and "-->" not in stripped[opens_comment:]:
            in_comment = True
            continue
        code = _CODE_FENCE.match(stripped)
        if code and "`" not in code.group(2):
            code_fence = code.group(1)
            continue
        block = _BLOCK_FENCE.match(stripped)
        if not block:
            continue
        fence, rest = block.groups()
        if rest:
            name, _, argument = rest.partition("|")
            name = name.strip()
            values = _parse_values(argument)
            problems.extend(_check_opening(fence, name, values, number))
            stack.append(_Open(fence, name, number, values))
            continue
        matching = [i for i, opened in enumerate(stack) if opened.fence == fence]
        if not matching:
            problems.append(GateProblem(number, "gate-stray-close", f"'{fence}' closes no open block"))
            continue
        for unclosed in stack[matching[-1] + 1 :]:
            problems.append(_unclosed(unclosed))
        opened = stack[matching[-1]]
        del stack[matching[-1] :]
        if opened.name in GateKind.__members__.values() and opened.values:
            gates.append(Gate(GateKind(opened.name), opened.values, opened.start, number))
    problems.extend(_unclosed(opened) for opened in stack)
    return sorted(gates, key=lambda g: g.start), problems


def _check_opening(fence: str, name: str, values: tuple[str, ...], number: int) -> list[GateProblem]:
    examples = {"tier": f"{fence} tier | gold", "region": f"{fence} region | eu, apac"}
    if name in examples and not values:
        return [GateProblem(number, "gate-empty", f"'{fence} {name}' needs a value: '{examples[name]}'")]
    if name == "tier" and len(values) > 1:
        return [GateProblem(number, "gate-tiers", f"'{fence} tier' names one minimum tier, e.g. '{examples['tier']}'")]
    lookalike = _GATE_LOOKALIKE.match(name)
    if name not in examples and lookalike:
        meant = "region" if lookalike.group(1).lower().startswith("region") else "tier"
        return [
            GateProblem(number, "gate-name", f"'{fence} {name}' is not a gate; write '{examples[meant]}' (lower case, values after '|')")
        ]
    return []


def _unclosed(opened: _Open) -> GateProblem:
    return GateProblem(opened.start, "gate-unclosed", f"'{opened.fence} {opened.name}' block is never closed (add a line '{opened.fence}')")


def cut(lines: list[str], gates: Iterable[Gate], allows: Callable[[Gate], bool]) -> tuple[list[str], list[str]]:
    """Split `lines` into what a variant sees and what it must not see.

    `allows(gate)` says whether the variant may see a gate's content. Fences of every gate become
    blank; lines inside a refused gate become blank in the visible text and go to the hidden text.
    A blanked line keeps its blockquote markers, so that a quote around a gate stays one quote.
    """
    visible = list(lines)
    hidden: list[str] = []
    for gate in gates:
        if allows(gate):
            for fence in (gate.start, gate.end):
                visible[fence] = split_line(visible[fence]).quote.rstrip()
            continue
        for number in range(gate.start, gate.end + 1):
            if visible[number] and number not in (gate.start, gate.end):
                hidden.append(visible[number])
            visible[number] = split_line(visible[number]).quote.rstrip()
    return visible, hidden


def refuse_all(lines: list[str], gates: Iterable[Gate]) -> list[str]:
    """What every reader of a page sees, whatever its tier and region: every gate cut."""
    return cut(lines, gates, lambda gate: False)[0]
