"""File references in Markdown text, found by a scan of every line (code blocks included).

What decides which assets go along with a page may err only on the side of naming too much, so this
reading counts a link wherever it is spelled. The link checker reads pages the renderer's way
instead (`plan.links`).
"""

from __future__ import annotations

import html
import posixpath
import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

# [text](target "title"), ![alt](target), [id]: target, and href="..."/src="..." in inline HTML.
_INLINE = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+[\"'][^)]*[\"'])?\s*\)")
# A footnote's definition (`[^1]: Source: ...`) is text, not a link.
_REFERENCE = re.compile(r"^\s{0,3}\[(?!\^)[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$")
_HTML = re.compile(r"""\b(?:href|src)\s*=\s*["']([^"']+)["']""")


@dataclass(frozen=True)
class Link:
    line: int  # 1-based, in the file
    target: str  # content-relative path of the file linked to (anchor and query dropped)


def find_links(lines: list[str], page_path: str) -> list[Link]:
    """Every link of the text to a file under content/ (external URLs and pure anchors left out)."""
    found = []
    for number, line in enumerate(lines, start=1):
        # An attribute's value is read by the browser with its character references decoded.
        targets = _INLINE.findall(line) + [html.unescape(value) for value in _HTML.findall(line)]
        reference = _REFERENCE.match(line)
        if reference:
            targets.append(reference.group(1))
        for target in targets:
            resolved = resolve(page_path, target)
            if resolved is not None:
                found.append(Link(number, resolved))
    return found


# A reference in use: [text][label], [label][] or [label] (a shortcut, not followed by `(`, `[` or `:`).
_REFERENCE_USE = re.compile(r"\[([^\]]*)\]\[([^\]]*)\]|\[([^\]]+)\](?![(\[:])")
_REFERENCE_LABEL = re.compile(r"^\s{0,3}\[(?!\^)([^\]]+)\]:")


def used_links(lines: list[str], page_path: str) -> list[Link]:
    """`find_links` without the reference definitions the text never uses.

    A definition (`[plan]: img/plan.svg`) shows nothing by itself; it links only where a reference
    (`![Plan][plan]`) uses it, so a definition whose references are all gated links nothing.
    """
    used = set()
    for line in lines:
        for text, label, shortcut in _REFERENCE_USE.findall(line):
            used.add((label or text or shortcut).strip().lower())
    found = []
    for link in find_links(lines, page_path):
        definition = _REFERENCE_LABEL.match(lines[link.line - 1])
        if definition is None or definition.group(1).strip().lower() in used:
            found.append(link)
    return found


def resolve(page_path: str, target: str) -> str | None:
    """The content-relative path a link from `page_path` points to, or None when it leaves the site."""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path or target.startswith("/"):
        return None
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(page_path), unquote(parts.path)))
    return None if joined.startswith("..") else joined
