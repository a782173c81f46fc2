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
from pathlib import Path

from whoosh import highlight
from whoosh.analysis import Analyzer
from whoosh.fields import ID, STORED, TEXT, Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.index import open_dir
from whoosh.qparser import MultifieldParser, OrGroup
from whoosh.query import And, Or, Phrase, Term
from whoosh.query import Query as Query_
from whoosh.searching import Hit as WhooshHit

from .analysis import analyzer, field_name, is_cjk
from .backend import Hit, Query, Results
from .documents import Document

# A match of the words as written counts more than a folded one. Each field holds a document's
# headings (weighted by repeating them) and its text: two fields per language, not four, halve what
# a query costs, which is mostly scoring.
_BOOSTS = {False: 1.3, True: 1.0}
_HEADING_WEIGHT = 3
# On a tie of words, a page answers and a module teaches: a partner asking is looking for the answer.
_PRIOR = {"module": 0.9}
_SNIPPET_CHARACTERS = 160
_KEPT_TERMS = 50_000
_SCORED = 30  # documents ranked per query, at least: enough for 10 pages however many of their sections match


def _schema(languages: tuple[str, ...]) -> Schema:
    fields: dict[str, object] = {
        "url": STORED,
        "page": ID(stored=True, sortable=True),  # sortable: kept as columns, read for every match cheaply
        "type": ID(stored=True, sortable=True),
        "language": ID(stored=True, sortable=True),
        "product": ID(stored=True),
        "title": STORED,
        "section": STORED,
        "summary": STORED,
        "content": STORED,
    }
    for lang in languages:
        variants = _folded_variants(lang)
        for folded in variants:
            # "Did you mean" offers the words of a language's first field (as written, where it has two).
            fields[field_name(lang, folded)] = TEXT(analyzer=analyzer(lang, folded), phrase=True, spelling=folded == variants[0])
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
                    headings = " ".join([f"{doc.title} {doc.section}".strip()] * _HEADING_WEIGHT)
                    for folded in _folded_variants(doc.language):
                        fields[field_name(doc.language, folded)] = f"{headings}\n{doc.text}"
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


class WhooshSearcher:
    """A tree's index, opened once and searched many times."""

    def __init__(self, folder: Path) -> None:
        self.index = open_dir(str(folder))
        self.searcher = self.index.searcher()
        self.languages = tuple(sorted(term.decode() for term in self.searcher.lexicon("language")))
        self.parsers: dict[str, MultifieldParser] = {}
        self.analyzers: dict[str, Analyzer] = {}
        self.terms: dict[tuple[str, str], frozenset[str]] = {}
        self.reader = self.searcher.reader()
        self.page_of, self.type_of, self.language_of = (list(self.reader.column_reader(name)) for name in ("page", "type", "language"))

    def close(self) -> None:
        self.searcher.close()

    def search(self, query: Query) -> Results:
        # Each language's documents are matched by the query as that language reads it (its stop words,
        # its stems), in the fields only that language's documents fill; the facets count every language.
        by_language = {lang: self._parser(lang).parse(query.text) for lang in self.languages}
        pages = self._pages(Or(list(by_language.values())))
        facets = {
            "type": dict(sorted(Counter(kind for kind, _ in pages.values()).items())),
            "language": dict(sorted(Counter(lang for _, lang in pages.values()).items())),
        }

        def wanted(kind: str, lang: str) -> bool:
            return query.type in (None, kind) and query.asks(lang)

        total = sum(1 for kind, lang in pages.values() if wanted(kind, lang))
        # Only the languages asked for are ranked (scoring is what a query costs).
        ranked = Or([q for lang, q in by_language.items() if query.asks(lang)])
        best: dict[str, tuple[float, WhooshHit]] = {}  # the best section of each page, among the best documents
        for hit in self.searcher.search(ranked.normalize(), limit=max(_SCORED, query.limit * 3)):
            page = self.page_of[hit.docnum]
            score = hit.score * (1 + self._in_heading(hit, query.text)) * _PRIOR.get(hit["type"], 1.0)
            if page in pages and wanted(*pages[page]) and (page not in best or score > best[page][0]):
                best[page] = (score, hit)
        chosen = sorted(best.values(), key=lambda found: (-found[0], found[1]["url"]))[: query.limit]
        hits = tuple(self._hit(hit, score) for score, hit in chosen)
        suggestion = None if pages else self._suggestion(by_language, query)
        return Results(query.text, total, hits, facets, suggestion)

    def _pages(self, query: Query_) -> dict[str, tuple[str, str]]:
        """Every page (or listed item) the query matches, with its type and language (from columns: no stored fields read)."""
        pages: dict[str, tuple[str, str]] = {}
        for docnum in self._matching(query):
            pages.setdefault(self.page_of[docnum], (self.type_of[docnum], self.language_of[docnum]))
        return pages

    def _in_heading(self, hit: WhooshHit, text: str) -> float:
        """How much of the query a document's headings hold: all of it in the page's title counts 1, in
        its section's heading half as much. A page titled with the question ranks above one that
        mentions it (a heading field of its own would double what a query costs)."""
        lang = hit["language"]
        asked = self._terms(lang, text)
        if not asked:
            return 0.0
        title = self._terms(lang, hit.get("title", ""))
        section = self._terms(lang, hit.get("section", "")) - title
        return (len(asked & title) + len(asked & section) / 2) / len(asked)

    def _terms(self, lang: str, text: str) -> frozenset[str]:
        """The folded terms of a text (queries and headings repeat: each is analysed once, within a bound)."""
        key = (lang, text)
        if key not in self.terms:
            if len(self.terms) > _KEPT_TERMS:
                self.terms.clear()
            if lang not in self.analyzers:
                self.analyzers[lang] = analyzer(lang, folded=_widest(lang))
            self.terms[key] = frozenset(token.text for token in self.analyzers[lang](text))
        return self.terms[key]

    def _matching(self, query: Query_) -> set[int]:
        """The documents a query matches, from its terms' posting lists (much faster than Whoosh's
        matchers when thousands match, since nothing is scored). A phrase counts the documents that
        hold all of its terms, wherever they stand: a count may be a little high, never a result."""
        if isinstance(query, Term):
            if (query.fieldname, query.text) not in self.reader:
                return set()
            return set(self.reader.postings(query.fieldname, query.text).all_ids())
        if isinstance(query, (And, Phrase)):
            parts = (
                [self._matching(Term(query.fieldname, word)) for word in query.words]
                if isinstance(query, Phrase)
                else [self._matching(sub) for sub in query.subqueries]
            )
            return set.intersection(*parts) if parts else set()
        if isinstance(query, Or):
            return set().union(*(self._matching(sub) for sub in query.subqueries))
        return set(query.docs(self.searcher))

    def _parser(self, lang: str) -> MultifieldParser:
        if lang not in self.parsers:
            fields = {field_name(lang, folded): _BOOSTS[folded] for folded in _folded_variants(lang)}
            # Any of the words, ranked by how many match: a question's words are spread over a section.
            self.parsers[lang] = MultifieldParser(list(fields), self.index.schema, fieldboosts=fields, group=OrGroup)
        return self.parsers[lang]

    def _hit(self, hit: WhooshHit, score: float) -> Hit:
        title = f"{hit['title']} › {hit['section']}" if hit["section"] else hit["title"]
        return Hit(hit["url"], title, hit["type"], hit["language"], self._snippet(hit, title), score)

    def _snippet(self, hit: WhooshHit, title: str) -> str:
        hit.results.formatter = _Mark()
        hit.results.fragmenter = highlight.ContextFragmenter(maxchars=_SNIPPET_CHARACTERS, surround=60)
        field = field_name(hit["language"], _widest(hit["language"]))
        for text in (hit["content"], title):
            marked = hit.highlights(field, text=text, top=2) if text else ""
            if marked:  # the matches in the text, else in the headings (a query may match only a title)
                return str(marked).replace("\n", " ")
        return html.escape(hit["summary"] or hit["content"][:_SNIPPET_CHARACTERS], quote=False).replace("\n", " ")

    def _suggestion(self, by_language: dict[str, Query_], query: Query) -> str | None:
        """ "Did you mean", from the spelling words of the languages asked (not of CJK scripts: their terms are pairs)."""
        for lang, parsed in by_language.items():
            if query.asks(lang) and not is_cjk(lang):
                corrected = self.searcher.correct_query(parsed, query.text)
                if corrected.query != parsed:
                    return str(corrected.string)
        return None


def _folded_variants(lang: str) -> tuple[bool, ...]:
    """A language's fields: as written, and folded. CJK scripts have no diacritics to fold; English
    has one field, folded, as its words are told apart without them (`resume` finds `résumé`)."""
    if is_cjk(lang):
        return (False,)
    return (True,) if lang.split("-")[0] == "en" else (False, True)


def _widest(lang: str) -> bool:
    """The language's field that matches the most (folded, where it is): snippets and headings are read with it."""
    return _folded_variants(lang)[-1]
