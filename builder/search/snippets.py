"""A result's snippet: the stretch of its text that holds the most of the query's words, marked.

The index keeps where each word stands in a document's text (its characters), so a snippet is cut
from the text without reading it again: matches are spans of characters.
"""

from __future__ import annotations

import html

WIDTH = 160  # characters of text in a snippet
BEFORE = 60  # of them, before its first match


def marked(text: str, spans: list[tuple[int, int, str]]) -> str:
    """The window of `text` with the most distinct matched terms (the first such), each match in
    <mark>, the rest HTML-escaped, cut at spaces where there are any, `…` where the text goes on.
    `spans` are (start, end, term) of the matches; overlapping ones (CJK pairs) are marked as one."""
    merged = _merged(sorted((start, end, term) for start, end, term in spans if 0 <= start < end <= len(text)))
    if not merged:
        return ""
    first = max(range(len(merged)), key=lambda i: (len(_terms_within(merged, i)), -i))
    start = _word_start(text, max(0, merged[first][0] - BEFORE), merged[first][0])
    end = _word_end(text, min(len(text), start + WIDTH), merged[first][1])
    parts, at = [], start
    for begin, finish, _ in merged:
        if begin >= start and finish <= end:
            parts += [html.escape(text[at:begin], quote=False), f"<mark>{html.escape(text[begin:finish], quote=False)}</mark>"]
            at = finish
    parts.append(html.escape(text[at:end], quote=False))
    snippet = "".join(parts).replace("\n", " ").strip()
    return ("…" if start > 0 else "") + snippet + ("…" if end < len(text) else "")


def _merged(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, frozenset[str]]]:
    found: list[tuple[int, int, frozenset[str]]] = []
    for start, end, term in spans:
        if found and start < found[-1][1]:
            last = found[-1]
            found[-1] = (last[0], max(last[1], end), last[2] | {term})
        else:
            found.append((start, end, frozenset({term})))
    return found


def _terms_within(spans: list[tuple[int, int, frozenset[str]]], first: int) -> frozenset[str]:
    """The distinct terms of the matches that fit in a window opening at match `first`."""
    limit = max(0, spans[first][0] - BEFORE) + WIDTH
    terms: frozenset[str] = frozenset()
    for _, end, found in spans[first:]:
        if end > limit:
            break
        terms |= found
    return terms


def _word_start(text: str, start: int, match: int) -> int:
    """Move a window's start forward past the word it cuts (never past its first match)."""
    if start == 0 or text[start - 1].isspace():
        return start
    space = text.find(" ", start, match)
    return space + 1 if space >= 0 else start


def _word_end(text: str, end: int, match: int) -> int:
    """Move a window's end back before the word it cuts (never before its first match's end)."""
    if end >= len(text) or text[end].isspace():
        return end
    space = text.rfind(" ", match, end)
    return space if space >= 0 else end
