"""The links of a page as the renderer makes them, and where each one goes.

`Renderings` reads a page the way the renderer does: the `href`s and `src`s of its HTML (nothing in
code, comments or unused reference definitions; footnotes and abbreviations understood) and the ids
it gives its headings, each link found back at its line. That is what the link checker holds a
variant to. (Which assets go along with a page is decided by a wider reading, `core.references`.)
"""

from __future__ import annotations

import bisect
import hashlib
import html
import json
import os
import posixpath
import re
import secrets
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Literal
from urllib.parse import unquote, urlsplit

from ..core import gate

# What the browser follows from a page: these attributes of any element; `srcset` holds a list.
_URL_ATTRIBUTES = ("href", "src", "poster", "data")
SAFE_SCHEMES = ("http", "https", "mailto", "tel")


@dataclass(frozen=True)
class Rendering:
    """What the renderer makes of a page's text: its links with their lines, and the ids a link can aim at."""

    links: tuple[tuple[str, int], ...]  # (URL as the browser reads it, 1-based line in the text), in document order
    ids: frozenset[str]


# Links the renderer makes itself, to ids it makes with them: a heading's permalink, a footnote's.
_OWN_LINKS = {"headerlink", "footnote-ref", "footnote-backref"}


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        own = _OWN_LINKS.intersection((dict(attrs).get("class") or "").split())
        for name, value in attrs:
            if not value or not value.strip():
                continue  # `href=""` is the page itself
            if name == "id" or (name == "name" and tag == "a"):
                self.ids.add(value)
            elif name in _URL_ATTRIBUTES and not own:
                self.urls.append(value.strip())
            elif name == "srcset":
                self.urls.extend(c.split()[0] for c in value.split(",") if c.strip())


def _collect(page_html: str) -> _Collector:
    collector = _Collector()
    collector.feed(page_html)
    collector.close()
    return collector


class Renderings:
    """The `Rendering` of each text, through the renderer's own Markdown; kept in a cache file between runs.

    A rendering is a pure function of the text and the parser (its extensions, their versions and
    this code: `identity`), so a text checked before is not rendered again.
    """

    def __init__(self, to_html: Callable[[str], str], identity: bytes, cache: Path | None = None) -> None:
        self.to_html = to_html
        self.identity = identity + hashlib.sha256(Path(__file__).read_bytes()).digest()
        self.cache = cache
        self.known: dict[str, Rendering] = {}
        self.kept: dict[str, Rendering] = {}
        if cache is not None and cache.is_file():
            try:
                stored = json.loads(cache.read_text(encoding="utf-8"))
                self.known = {key: Rendering(tuple((u, n) for u, n in r["links"]), frozenset(r["ids"])) for key, r in stored.items()}
            except (ValueError, KeyError, TypeError):
                self.known = {}  # a damaged cache is only slower

    def __call__(self, text: str) -> Rendering:
        key = hashlib.sha256(self.identity + text.encode()).hexdigest()
        found = self.kept.get(key) or self.known.get(key)
        if found is None:
            found = self._render(text)
        self.kept[key] = found
        return found

    def save(self) -> None:
        """Write the renderings used in this run (only those: the cache does not grow without end)."""
        if self.cache is None:
            return
        self.cache.parent.mkdir(parents=True, exist_ok=True)
        rows = {key: {"links": list(r.links), "ids": sorted(r.ids)} for key, r in sorted(self.kept.items())}
        partial = self.cache.with_name(f"{self.cache.name}.{os.getpid()}")
        partial.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
        partial.replace(self.cache)

    def _render(self, text: str) -> Rendering:
        lines = text.split("\n")
        body = gate.body_start(lines)
        lines[:body] = [""] * body  # the renderer is given the body only, as MkDocs gives it
        body_text = "\n".join(lines)
        collector = _collect(self.to_html(body_text))
        return Rendering(tuple(zip(collector.urls, self._lines(collector.urls, body_text), strict=True)), frozenset(collector.ids))

    def _lines(self, urls: list[str], text: str) -> list[int]:
        """The line of each URL of the rendering, in order: where the text spells it.

        A URL spelled in more places than it is linked from (in a code block too, say) is told apart
        by the renderer itself: each spelling is replaced by a token of its own, and the tokens that
        come out as links are the links.
        """
        starts = [0] + [m.end() for m in re.finditer("\n", text)]
        wanted = Counter(urls)
        places = {url: _spellings(url, text) for url in wanted}
        unclear = {url: places[url] for url in wanted if len(places[url]) > wanted[url]}
        if unclear:
            places.update(self._linked_spellings(unclear, text))
        fallback = next((n for n, line in enumerate(text.split("\n"), start=1) if line.strip()), 1)
        found = []
        for url in urls:
            found.append(bisect.bisect_right(starts, places[url].pop(0)[0]) if places[url] else fallback)
        return found

    def _linked_spellings(self, unclear: dict[str, list[tuple[int, int]]], text: str) -> dict[str, list[tuple[int, int]]]:
        """Of the spellings of each URL, those the renderer makes a link of."""
        nonce = secrets.token_hex(6)
        spellings = sorted((start, -length, url) for url, found in unclear.items() for start, length in found)
        pieces: list[str] = []
        tokens: dict[str, tuple[str, int, int]] = {}
        end = 0
        for start, negative_length, url in spellings:
            if start < end:
                continue  # inside a longer spelling (`a.md` in `../a.md#x`): that one is tried
            token = f"pkb{nonce}l{len(tokens)}x"
            tokens[token] = (url, start, -negative_length)
            pieces += [text[end:start], token]
            end = start - negative_length
        pieces.append(text[end:])
        linked: dict[str, list[tuple[int, int]]] = {url: [] for url in unclear}
        for url in _collect(self.to_html("".join(pieces))).urls:
            if url in tokens:
                owner, start, length = tokens[url]
                linked[owner].append((start, length))
        return linked


def _spellings(url: str, text: str) -> list[tuple[int, int]]:
    """Where the text spells `url` (offset, length), as it is or with character references, in order."""
    found = set()
    for form in dict.fromkeys((url, html.escape(url, quote=False), html.escape(url))):
        at = text.find(form)
        while at >= 0:
            found.add((at, len(form)))
            at = text.find(form, at + 1)
    return sorted(found)


@dataclass(frozen=True)
class Target:
    """Where a link of a page goes."""

    kind: Literal["external", "unsafe", "root", "outside", "anchor", "file"]
    path: str = ""  # for "file" and "root": the content-relative file
    anchor: str = ""  # the fragment, decoded ("" when none)


def target_of(page_path: str, url: str) -> Target:
    """Classify a link of the page at `page_path` (content-relative) as the browser would follow it."""
    try:
        parts = urlsplit(url)
    except ValueError:  # `http://[oops`: no browser follows it anywhere sensible
        return Target("unsafe")
    anchor = unquote(parts.fragment)
    if parts.scheme:
        return Target("external" if parts.scheme.lower() in SAFE_SCHEMES else "unsafe")
    if parts.netloc:
        return Target("external")  # `//host/path`: the page's own scheme
    if not parts.path:
        return Target("anchor", anchor=anchor) if parts.fragment else Target("external")
    path = unquote(parts.path)
    if path.startswith("/"):
        return Target("root", posixpath.normpath(path.lstrip("/")) if path.strip("/") else "", anchor)
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(page_path), path))
    if joined.startswith(".."):
        return Target("outside", joined, anchor)
    return Target("file", joined, anchor)
