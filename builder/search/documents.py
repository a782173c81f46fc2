"""The documents of a rendered tree, read from its HTML: what a reader of the tree can see, by section.

Only the built pages are read, never the sources, so the index shows exactly what the tree shows.
A page's article is cut at its headings (`h1` to `h3` with an id), so that a result leads to its
best heading. What a document is comes from where the builder writes it: a product page and its
SKU rows (`catalog/<id>/`), a course and its modules (`training/<course>/[<module>/]`), each
session and each collateral item of their lists. A fallback copy of an untranslated page (which
carries the theme's fallback notice) is left out: its text is indexed in its own language.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from pathlib import Path

from ..core.models import SEARCH_TYPES

TYPES = SEARCH_TYPES
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3}
_SKIPPED = {"script", "style", "form", "nav", "select", "button", "svg", "template"}
# Elements that end a run of text: their text is not glued to the next one's.
_BLOCKS = {"p", "li", "td", "th", "tr", "div", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "dt", "dd", "blockquote", "br", "table"}
_SPACES = re.compile(r"[^\S\n]+")
_LANGUAGE = re.compile(r"<html[^>]*\slang=\"([^\"]+)\"")


@dataclass(frozen=True)
class Document:
    """One searchable thing: a section of a page, a product, an SKU, a course, a module, a session, an item."""

    url: str  # below the tier root, with the heading's anchor: `2026.2/vi/deals/deal-registration/#…`
    page: str  # what results are grouped by: the page, or an item of a list (a session, an SKU)
    type: str
    language: str
    title: str  # the page's title
    section: str  # the heading of the section ("" for the page's top)
    summary: str
    product: str  # the catalog id of a product or SKU
    text: str


@dataclass
class _Section:
    anchor: str
    level: int
    heading: list[str] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)  # table rows whose first cell is code: SKUs


class _Article(HTMLParser):
    """The sections of a Material page's article, and whether the page is a fallback copy."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.fallback = False
        self.sections: list[_Section] = []
        self._depth = 0  # of elements inside the article, 0 outside it
        self._skip = 0  # depth inside elements whose text is not content
        self._heading: _Section | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._code_cell = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        if tag == "article" and "md-content__inner" in classes:
            self._depth = 1
            return
        if not self._depth:
            return
        if tag not in _VOID:
            self._depth += 1
        if self._skip or tag in _SKIPPED or "pkb-meta" in classes or "headerlink" in classes:
            self._skip += tag not in _VOID
            return
        if "pkb-fallback" in classes:
            self.fallback = True
        if tag in _HEADINGS and attributes.get("id"):
            self._heading = _Section(attributes["id"] or "", _HEADINGS[tag])
            self.sections.append(self._heading)
        if tag == "tr":
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
            self._code_cell = False
        elif tag == "code" and self._cell is not None and not "".join(self._cell).strip():
            self._code_cell = True
        if tag in _BLOCKS:
            self._text("\n")

    def handle_endtag(self, tag: str) -> None:
        if not self._depth or tag in _VOID:
            return
        self._depth -= 1
        if self._skip:
            self._skip -= 1
            return
        if tag in _HEADINGS:
            self._heading = None
        elif tag in ("td", "th") and self._row is not None and self._cell is not None:
            cell = _clean("".join(self._cell))
            self._row.append(("\0" if self._code_cell and not self._row else "") + cell)
            self._cell = None
        elif tag == "tr" and self._row is not None:
            if self._row and self._row[0].startswith("\0") and self.sections:
                self.sections[-1].rows.append([self._row[0][1:], *self._row[1:]])
            self._row = None
        if tag in _BLOCKS:
            self._text("\n")

    def handle_data(self, data: str) -> None:
        if self._depth and not self._skip:
            self._text(data)

    def _text(self, data: str) -> None:
        if not self.sections:
            self.sections.append(_Section("", 1))
        target = self._heading.heading if self._heading is not None else self.sections[-1].text
        target.append(data)
        if self._cell is not None:
            self._cell.append(data)


_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def _clean(text: str) -> str:
    """Text with its spaces collapsed and one line per block (a paragraph, a list item, a cell): the
    end of one block and the start of the next are not a phrase, for the audit as for a reader."""
    lines = (_SPACES.sub(" ", line).strip() for line in html.unescape(text).split("\n"))
    return "\n".join(line for line in lines if line)


def page_documents(html_text: str, url: str) -> list[Document]:
    """The documents of one page at `url` (below the tier root, ending in '/'); none for a fallback copy."""
    article = _Article()
    # Only the article is read (the navigation around it is most of a page and none of its content).
    start, end = html_text.find("<article"), html_text.rfind("</article>")
    article.feed(html_text[start : end + len("</article>")] if 0 <= start < end else html_text)
    article.close()
    found = _LANGUAGE.search(html_text[:2000])
    language = found.group(1) if found else ""
    # Each section as (its anchor, its level, its heading, its text, its SKU rows), cleaned once.
    sections = [(s.anchor, s.level, _clean("".join(s.heading)), _clean("".join(s.text)), s.rows) for s in article.sections]
    sections = [s for s in sections if s[2] or s[3] or s[4]]
    if len(sections) > 1 and not sections[0][0] and sections[1][1] == 1:
        # Text the builder puts above a page's title (a module's course line) belongs to the page's top.
        anchor, level, heading, text, rows = sections[1]
        sections = [(anchor, level, heading, f"{sections[0][3]} {text}".strip(), rows), *sections[2:]]
    if article.fallback or not sections:
        return []
    kind, items, product = _kind(url, language)
    title = next((heading for _, level, heading, _, _ in sections if level == 1 and heading), "") or url
    summary = next((_first_sentence(text) for _, _, _, text, _ in sections if text), "")
    base = Document(url, url, kind, language, title, "", summary, product, "")
    documents = []
    for index, (anchor, level, heading, text, rows) in enumerate(sections):
        at = f"{url}#{anchor}" if index and anchor else url
        if index and items and level > 1:  # each item of a list is a result of its own
            documents.append(replace(base, url=at, page=at, type=items, section=heading, summary=_first_sentence(text), text=text))
        else:
            documents.append(replace(base, url=at, section="" if index == 0 or heading == title else heading, text=text))
        for row in rows if kind == "product" else []:
            # One result for a product's SKUs, the best matching one: a product's name does not list them all.
            named = " ".join(row[:2])  # the code and the name
            documents.append(replace(base, url=at, page=f"{url}#skus", type="sku", section=named, text=" ".join(row)))
    return documents


def _kind(url: str, language: str) -> tuple[str, str, str]:
    """What the page at `url` is, from where the builder writes it: its type, the type of the items
    it lists ("" when its sections are just sections), and its product id."""
    parts = [p for p in url.split("/") if p][1:]  # below the version
    if parts[:1] == [language]:
        parts = parts[1:]
    if len(parts) == 2 and parts[0] == "catalog":
        return "product", "", parts[1]
    if parts == ["training", "sessions"]:
        return "page", "session", ""
    if parts == ["collateral"]:
        return "page", "collateral", ""
    if parts[:1] == ["training"] and len(parts) in (2, 3) and parts[1] != "paths":
        return ("course" if len(parts) == 2 else "module"), "", ""
    return "page", "", ""


def _first_sentence(text: str, limit: int = 200) -> str:
    text = text.replace("\n", " ")
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return f"{cut}…"


def tree_documents(version_tree: Path, version: str) -> Iterator[Document]:
    """Every document of a version's tree (`<site>/<version>/`), in a stable order."""
    for path in sorted(version_tree.rglob("index.html")):
        relative = path.parent.relative_to(version_tree).as_posix()
        url = f"{version}/" + ("" if relative == "." else f"{relative}/")
        yield from page_documents(path.read_text(encoding="utf-8"), url)
