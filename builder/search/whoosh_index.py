"""The Whoosh backend: one index per tree, written deterministically, searched with a warm searcher.

Whoosh (whoosh-reloaded 2.7.5, pinned) is no longer maintained upstream, so nothing outside this
module names it. Its segment names and ids come from `random`: seeded with the tree's digest
while an index is written, the same tree gives the same bytes.
"""

from __future__ import annotations

import html
import random
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from whoosh import highlight
from whoosh.fields import ID, STORED, TEXT, Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.index import open_dir
from whoosh.qparser import MultifieldParser
from whoosh.searching import Hit as WhooshHit

from .analysis import analyzer, field_name
from .backend import Hit, Query, Results
from .documents import Document

# How much a match counts, by field: a heading more than the text, the words as written more than folded.
_BOOSTS = {("title", False): 4.0, ("title", True): 3.0, ("text", False): 1.3, ("text", True): 1.0}
_SNIPPET_CHARACTERS = 160


def _schema(languages: tuple[str, ...]) -> Schema:
    fields: dict[str, object] = {
        "url": STORED,
        "page": ID(stored=True),
        "type": ID(stored=True),
        "language": ID(stored=True),
        "product": ID(stored=True),
        "title": STORED,
        "section": STORED,
        "summary": STORED,
        "content": STORED,
    }
    for lang in languages:
        for kind, folded in _BOOSTS:
            spelling = kind == "text" and not folded  # "did you mean" offers words as they are written
            fields[field_name(lang, kind, folded)] = TEXT(analyzer=analyzer(lang, folded), phrase=True, spelling=spelling)
    return Schema(**fields)


class WhooshBackend:
    def build(self, documents: Iterable[Document], languages: tuple[str, ...], folder: Path, seed: bytes) -> None:
        state = random.getstate()
        random.seed(seed)
        try:
            index = _Untimed(str(folder)).create_index(_schema(languages))
            writer = index.writer()
            for doc in documents:
                fields: dict[str, str] = {
                    "url": doc.url,
                    "page": doc.page,
                    "type": doc.type,
                    "language": doc.language,
                    "product": doc.product,
                    "title": doc.title,
                    "section": doc.section,
                    "summary": doc.summary,
                    "content": doc.text,
                }
                if doc.language in languages:
                    heading = f"{doc.title} {doc.section}".strip()
                    for folded in (False, True):
                        fields[field_name(doc.language, "title", folded)] = heading
                        fields[field_name(doc.language, "text", folded)] = doc.text
                writer.add_document(**fields)
            writer.commit()
            (folder / "MAIN_WRITELOCK").unlink(missing_ok=True)  # a writer's lock: readers need none
        finally:
            random.setstate(state)

    def open(self, folder: Path) -> WhooshSearcher:
        return WhooshSearcher(folder)


class _Untimed(FileStorage):  # type: ignore[misc]
    """A folder whose files all read as modified at 0: Whoosh records the times in a segment's directory."""

    def file_modified(self, name: str) -> float:
        return 0.0


class _Mark(highlight.HtmlFormatter):  # type: ignore[misc]  # Whoosh has no type hints
    """Matches in <mark>, everything else HTML-escaped."""

    def format_token(self, text: str, token: object, replace: bool = False) -> str:
        return f"<mark>{html.escape(highlight.get_text(text, token, replace), quote=False)}</mark>"


@dataclass
class _Page:
    hit: WhooshHit
    score: float


class WhooshSearcher:
    """A tree's index, opened once and searched many times."""

    def __init__(self, folder: Path) -> None:
        self.index = open_dir(str(folder))
        self.searcher = self.index.searcher()
        self.languages = tuple(sorted({name.split("_", 1)[1] for name in self.index.schema.names() if _is_exact_text(name)}))

    def close(self) -> None:
        self.searcher.close()

    def search(self, query: Query) -> Results:
        # Every language's fields: a document fills only its own, and the facets count every language.
        fields = {field_name(lang, kind, folded): boost for lang in self.languages for (kind, folded), boost in _BOOSTS.items()}
        parser = MultifieldParser(list(fields), self.index.schema, fieldboosts=fields)
        parsed = parser.parse(query.text)
        pages: dict[str, _Page] = {}
        for hit in self.searcher.search(parsed, limit=None):
            best = pages.get(hit["page"])
            if best is None or hit.score > best.score:
                pages[hit["page"]] = _Page(hit, hit.score)
        facets = {
            "type": dict(sorted(Counter(p.hit["type"] for p in pages.values()).items())),
            "language": dict(sorted(Counter(p.hit["language"] for p in pages.values()).items())),
        }
        wanted = [
            p
            for p in pages.values()
            if (query.type is None or p.hit["type"] == query.type)
            and (query.language is None or p.hit["language"] == query.language)
            and p.hit["language"] in query.languages
        ]
        wanted.sort(key=lambda p: (-p.score, p.hit["url"]))
        hits = tuple(self._hit(p) for p in wanted[: query.limit])
        suggestion = None if pages else self._suggestion(parsed, query.text)
        return Results(query.text, len(wanted), hits, facets, suggestion)

    def _hit(self, page: _Page) -> Hit:
        hit = page.hit
        title = f"{hit['title']} › {hit['section']}" if hit["section"] else hit["title"]
        return Hit(hit["url"], title, hit["type"], hit["language"], self._snippet(hit), page.score)

    def _snippet(self, hit: WhooshHit) -> str:
        hit.results.formatter = _Mark()
        hit.results.fragmenter = highlight.ContextFragmenter(maxchars=_SNIPPET_CHARACTERS, surround=60)
        marked = hit.highlights(field_name(hit["language"], "text", True), text=hit["content"], top=2) if hit["content"] else ""
        if marked:
            return str(marked)
        return html.escape(hit["summary"] or hit["content"][:_SNIPPET_CHARACTERS], quote=False)

    def _suggestion(self, parsed: object, text: str) -> str | None:
        corrected = self.searcher.correct_query(parsed, text)
        return str(corrected.string) if corrected.query != parsed else None


def _is_exact_text(name: str) -> bool:
    return name.startswith("text_") and not name.endswith("_folded")
