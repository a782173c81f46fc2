"""Markdown as the renderer reads it: Python-Markdown with the extensions of `mkdocs.yml`.

The line scanner of `gate` cuts pages per variant before MkDocs sees them, so that a lower tier's
`docs_dir` never holds gated text. Whether the scanner read a page as the renderer does is not
taken on trust: here the renderer's own parser reads the same page, with `tier` and `region`
registered as real pymdownx blocks, and

- every line that names a gate (`/// tier`, `/// region`) must be, for the parser, either the
  opening of a gate that the scanner found too, or text inside code; anywhere else (a table cell,
  raw HTML, a comment, a block the scanner missed) it is an error at its line;
- every gate ends where the scanner ends it and holds the same words: the scanner's pairing of
  fences, handed to the parser, must give the parser's own reading.

The same parser gives the title of a page without a `title:` (its first heading, as rendered with
every gate cut), and `GateNet` is the last line of defence inside MkDocs itself: a `tier` or
`region` block that reaches the renderer fails the build instead of being shown.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import secrets
import xml.etree.ElementTree as etree
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from importlib import metadata
from pathlib import Path
from typing import Any

import markdown
from pymdownx.blocks import BlocksExtension, BlocksProcessor
from pymdownx.blocks.block import Block

from . import gate
from .models import Page
from .problems import Report

# What MkDocs always adds to the extensions a mkdocs.yml names.
_MKDOCS_EXTENSIONS = ("toc", "tables", "fenced_code")
# Line tokens carry a number drawn anew in every process, so that no page can forge one.
_NONCE = secrets.token_hex(6)
_TOKEN = f"pkb{_NONCE}g{{}}x"
_TOKEN_RE = re.compile(rf"pkb{_NONCE}g(\d+)x")
_END = f"pkb{_NONCE}e{{}}x"
_END_RE = re.compile(rf"pkb{_NONCE}e(\d+)x")
_FENCE_RUN = re.compile(r"/{3,}")
# The element a gate becomes in the parser's reading names it: "tier|gold", "region|eu, apac".
GATE_ATTRIBUTE = "data-pkb-gate"
# A gate fence where the parser could see one: after blockquote markers and indentation only.
_LINE_START_MARKER = re.compile(r"^(?:[ \t]*>)*[ \t]*" + gate.GATE_MARKER.pattern)
_WORD = re.compile(r"\w{3,}")
_HEADER_LINK = re.compile(r'<a class="headerlink"[^>]*>.*?</a>', re.DOTALL)
_H1 = re.compile(r"<h1[^>]*>(.*?)</h1>", re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_LINK_ATTRIBUTES = ("href", "src", "srcset", "data", "poster")
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Probe(Block):  # type: ignore[misc]
    """A gate as the parser sees it: its content kept, inside an element that names its opening."""

    ARGUMENT = True

    def on_create(self, parent: etree.Element) -> etree.Element:
        return etree.SubElement(parent, "div", {GATE_ATTRIBUTE: f"{self.NAME}|{self.argument}"})


class UnplacedGate(Exception):
    """A gate reached the renderer: the builder did not cut it, so it must not be shown."""


class _Net(Block):  # type: ignore[misc]
    """A gate inside MkDocs, where none may be left: the page fails to render."""

    ARGUMENT = None

    def on_create(self, parent: etree.Element) -> etree.Element:
        raise UnplacedGate(f"a '/// {self.NAME} | {self.argument}' block reached the renderer uncut (partnerkb must cut every gate)")


class _GateBlocks(BlocksExtension):  # type: ignore[misc]
    """Registers `tier` and `region` as pymdownx blocks that behave like `BLOCK`."""

    BLOCK: type[Block]

    def extendMarkdownBlocks(self, md: markdown.Markdown, block_mgr: BlocksProcessor) -> None:  # noqa: N802 (Python-Markdown's name)
        for kind in gate.GateKind:
            block_mgr.register(type(f"{self.BLOCK.__name__}_{kind}", (self.BLOCK,), {"NAME": str(kind)}), self.getConfigs())


class GateProbe(_GateBlocks):
    """`tier` and `region` blocks that mark their content (the check)."""

    BLOCK = _Probe


class GateNet(_GateBlocks):
    """`tier` and `region` blocks that fail the build (inside MkDocs, where no gate may be left)."""

    BLOCK = _Net


def makeExtension(**kwargs: Any) -> GateNet:  # noqa: N802 (Python-Markdown's entry point)
    """`builder.core.reader` in a variant's `markdown_extensions` installs the net."""
    return GateNet(**kwargs)


def extensions_of(base: dict[str, Any]) -> tuple[list[str], dict[str, Any]]:
    """The Markdown extensions and their options that MkDocs would use for this mkdocs.yml."""
    names = list(_MKDOCS_EXTENSIONS)
    configs: dict[str, Any] = {}
    for entry in base.get("markdown_extensions") or []:
        items = entry.items() if isinstance(entry, dict) else [(entry, None)]
        for name, options in items:
            if name not in names:
                names.append(name)
            if options:
                configs[name] = options
    return names, configs


@dataclass
class _Reading:
    """What the parser made of a text: each tagged line's contexts and every word with its gates."""

    contexts: dict[int, set[str]] = field(default_factory=dict)  # line (0-based) → gate, code, text, comment, markup
    words: list[tuple[str, tuple[int, ...]]] = field(default_factory=list)  # word, opening lines of its gates
    ends: dict[int, tuple[int, ...]] = field(default_factory=dict)  # end marker of a gate → the gates it is in


class _Reader(HTMLParser):
    """Reads rendered HTML: where each line token ended up, and which gates each word is in."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.reading = _Reading()
        self.tags: list[tuple[str, int | None]] = []  # open elements, with the gate line a gate element opens

    @property
    def _gates(self) -> tuple[int, ...]:
        return tuple(line for _, line in self.tags if line is not None)

    def _note(self, text: str, context: str) -> None:
        for token in _TOKEN_RE.finditer(text):
            self.reading.contexts.setdefault(int(token.group(1)), set()).add(context)
        gates = self._gates
        for end in _END_RE.finditer(text):
            # Anywhere but in plain text, the renderer did not see the line before it as a fence.
            self.reading.ends[int(end.group(1))] = gates if context == "text" else (int(end.group(1)),)
        self.reading.words.extend((word, gates) for word in _words(text))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        opened = None
        for name, value in attrs:
            if name == GATE_ATTRIBUTE and value:
                token = _TOKEN_RE.search(value)
                opened = int(token.group(1)) if token else -1
                self.reading.contexts.setdefault(opened, set()).add("gate")
            elif value and (name in _LINK_ATTRIBUTES or _TOKEN_RE.search(value)):
                self._note(value, "markup")
        if tag not in _VOID:
            self.tags.append((tag, opened))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.tags) - 1, -1, -1):
            if self.tags[index][0] == tag:
                del self.tags[index:]
                return

    def handle_data(self, data: str) -> None:
        in_code = any(tag in ("pre", "code") for tag, _ in self.tags)
        self._note(data, "code" if in_code else "text")

    def handle_comment(self, data: str) -> None:
        self._note(data, "comment")


def _words(text: str) -> Iterator[str]:
    for word in _WORD.findall(text.lower()):
        if not word.isdigit() and not _TOKEN_RE.fullmatch(word) and not _END_RE.fullmatch(word):
            yield word


class Parser:
    """One Python-Markdown instance set up as MkDocs sets it up, plus the gate probe; reused page after page."""

    def __init__(self, base: dict[str, Any]) -> None:
        names, configs = extensions_of(base)
        self.markdown = markdown.Markdown(extensions=[*names, GateProbe()], extension_configs=configs)
        # What a reading depends on besides the text: the extensions, their versions, and this code.
        self.identity = json.dumps([names, configs], sort_keys=True, default=repr).encode()
        for package in ("Markdown", "pymdown-extensions"):
            self.identity += f"\0{package}=={metadata.version(package)}".encode()
        for module in (__file__, gate.__file__):
            self.identity += hashlib.sha256(Path(module).read_bytes()).digest()

    def html(self, text: str) -> str:
        self.markdown.reset()
        return str(self.markdown.convert(text))

    def read(self, text: str) -> _Reading:
        reader = _Reader()
        reader.feed(self.html(text))
        reader.close()
        return reader.reading

    def first_heading(self, text: str) -> str | None:
        """The text of the first `<h1>` the renderer makes of `text`, as MkDocs takes a page's title from it."""
        found = _H1.search(_HEADER_LINK.sub("", self.html(text)))
        if found is None:
            return None
        title = html.unescape(_TAG.sub("", found.group(1))).strip()
        return title or None


def tagged(lines: list[str]) -> tuple[list[str], set[int]]:
    """`lines` with a token on every line that names a gate, and the numbers of those lines.

    Where a line starts with a gate fence the token goes at its end (into a real gate's argument);
    elsewhere it goes just before the marker, so that it lands wherever the marker does.
    """
    out = list(lines)
    marked: set[int] = set()
    for number, line in enumerate(lines):
        marker = gate.GATE_MARKER.search(line)
        if marker is None:
            continue
        marked.add(number)
        token = _TOKEN.format(number)
        if _LINE_START_MARKER.match(line):
            out[number] = f"{line} {token}"
        else:
            out[number] = f"{line[: marker.start()]}{token}{line[marker.start() :]}"
    return out, marked


_WHERE = {
    "text": "the renderer reads it as text (a table cell, a paragraph), not as a gate",
    "comment": "it is inside an HTML comment, where the renderer sees no gate",
    "markup": "it is inside raw HTML, where the renderer sees no gate",
}


def check_page(parser: Parser, page: Page, report: Report) -> None:
    """Compare the gates of a page as the scanner found them with the renderer's reading; report each difference."""
    lines = page.text.split("\n")
    body = gate.body_start(lines)
    if gate.scan(lines, first=body)[1]:
        return  # the scanner's own problems (an unclosed block, say) are reported already
    text = [""] * body + lines[body:]
    probe_lines, marked = tagged(text)
    if not marked:
        return
    reading = parser.read("\n".join(probe_lines))
    scanned = {g.start for g in page.gates}
    problems = False
    for number in sorted(marked | set(reading.contexts) - {-1}):
        message = _marker_problem(reading.contexts.get(number, set()), number in scanned)
        if message is not None:
            report.error(page.source, number + 1, "gate-misread", message)
            problems = True
    if not problems and page.gates:
        _check_extents(parser, page, probe_lines, reading, report)


def _marker_problem(contexts: set[str], scanned: bool) -> str | None:
    """What is wrong with a line that names a gate, given where its token ended up in the rendered page."""
    if "gate" in contexts:
        return None if scanned else "the renderer reads a gate here that partnerkb did not cut; move it out of the construct around it"
    if scanned:
        return "partnerkb reads a gate here, but the renderer does not (is it in indented code, raw HTML or a comment?)"
    if contexts == {"code"}:
        return None
    reason = next((_WHERE[c] for c in ("comment", "markup", "text") if c in contexts), "the renderer drops it")
    return f"a gate marker outside any gate: {reason}"


def _check_extents(parser: Parser, page: Page, probe_lines: list[str], reading: _Reading, report: Report) -> None:
    """Each gate ends, for the parser, at the line where the scanner ends it, and holds the same words.

    The scanner's reading is made explicit and handed to the parser: every gate it found gets fences
    of a length of its own (20 and more slashes), so that only the line the scanner paired with an
    opening can close it, and a marker line right after that closing line. The marker must be outside
    the gate, and every word must be in the same gates as in the parser's reading of the page itself;
    otherwise (a closing fence inside raw HTML, say) the two end a gate at different lines.
    """
    explicit = list(probe_lines)
    ends: dict[int, str] = {}
    for index, found in enumerate(page.gates):
        fence = "/" * (20 + index)
        explicit[found.start] = _FENCE_RUN.sub(fence, explicit[found.start], count=1)
        closing = _FENCE_RUN.sub(fence, explicit[found.end], count=1)
        prefix = closing[: closing.index(fence)]  # blockquote markers and indentation
        ends[found.end] = f"{closing}\n{prefix.rstrip()}\n{prefix}{_END.format(found.start)}"
    lines = [ends.get(number, line) for number, line in enumerate(explicit)]
    ours = parser.read("\n".join(lines))
    for found in page.gates:
        if found.start in ours.ends.get(found.start, (found.start,)):
            report.error(page.source, found.end + 1, "gate-misread", "partnerkb ends a gate at this line, but the renderer does not")
            return
    theirs = {(word, frozenset(gates)) for word, gates in reading.words}
    differing = sorted(theirs ^ {(word, frozenset(gates)) for word, gates in ours.words}, key=lambda item: (sorted(item[1]), item[0]))
    if differing and any(gates for _, gates in differing):
        word, gates = next(item for item in differing if item[1])
        message = f"partnerkb and the renderer read this gate's extent differently (the word '{word}')"
        report.error(page.source, min(gates) + 1, "gate-misread", message)


def check_pages(parser: Parser, pages: Iterable[Page], report: Report, verdicts: Path | None = None) -> None:
    """`check_page` for every page that names a gate anywhere.

    With `verdicts` (a cache folder), a page found right before is not read again while its text,
    its gates, the parser's extensions and this code stay the same: the check is a pure function of them.
    """
    for page in pages:
        if not gate.GATE_MARKER.search(page.text):
            continue
        passed = verdicts / _verdict_key(parser, page) if verdicts is not None else None
        if passed is not None and passed.exists():
            continue
        found = Report()
        check_page(parser, page, found)
        report.extend(found.problems)
        if passed is not None and not found.problems:
            passed.parent.mkdir(parents=True, exist_ok=True)
            passed.touch()


def _verdict_key(parser: Parser, page: Page) -> str:
    digest = hashlib.sha256(parser.identity)
    digest.update(f"{page.source}\0{page.gates!r}\0".encode() + page.text.encode())
    return digest.hexdigest()
