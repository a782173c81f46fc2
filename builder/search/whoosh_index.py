"""The Whoosh backend: one index per tree, written deterministically, searched with a warm searcher.

Whoosh (whoosh-reloaded 2.7.5, pinned) is no longer maintained upstream, so nothing outside this
module names it. Its segment names and ids come from `random`: seeded with the tree's digest
while an index is written, the same tree gives the same bytes.
"""

from __future__ import annotations

import html
import random
import re
import threading
from collections.abc import Iterable
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from whoosh.analysis import Analyzer
from whoosh.fields import ID, STORED, TEXT, Schema
from whoosh.filedb.filestore import RamStorage
from whoosh.index import open_dir
from whoosh.qparser import FieldsPlugin, MultifieldParser, OrGroup
from whoosh.query import Query as Query_
from whoosh.spelling import Corrector

from .analysis import analyzer, field_name, is_cjk
from .backend import Hit, Query, Results
from .documents import Document
from .scoring import Mask, Matched, Vectors, positive_terms, simplified
from .snippets import WIDTH, marked

# A match of the words as written counts more than a folded one. Each field holds a document's
# text and then its headings (weighted by repeating them): two fields per language, not four, halve
# what a query costs. The text comes first so that where its words stand (the characters the field
# keeps) is where they stand in the stored text, from which snippets are cut.
_BOOSTS = {False: 1.3, True: 1.0}
_HEADING_WEIGHT = 3
# On a tie of words, a page answers and a module teaches: a partner asking is looking for the answer.
_PRIOR = {"module": 0.9}
_KEPT_TERMS = 50_000
_WORD = re.compile(r"\w+")
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
            fields[field_name(lang, folded)] = TEXT(
                analyzer=analyzer(lang, folded), phrase=True, chars=True, spelling=folded == variants[0]
            )
    return Schema(**fields)


class WhooshBackend:
    def __init__(self) -> None:
        # The terms of each text a field was given, for the trees indexed after it: the tiers of a
        # version hold mostly the same documents.
        self.analysed = _Analysed()

    def build(self, documents: Iterable[Document], languages: tuple[str, ...], folder: Path, seed: bytes) -> None:
        state = random.getstate()
        random.seed(seed)
        try:
            storage = _Memory()
            schema = _schema(languages)
            writer = storage.create_index(schema).writer()
            self.analysed.start(schema)
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
                        fields[field_name(doc.language, folded)] = f"{doc.text}\n{headings}"
                writer.add_document(**fields)
            self.analysed.stop(schema)  # before the schema is written with the index, as Whoosh made it
            writer.commit()
            for name in storage.list():
                (folder / name).write_bytes(storage.files[name])
        finally:
            random.setstate(state)

    def open(self, folder: Path) -> WhooshSearcher:
        return WhooshSearcher(folder)


class _Analysed:
    """What each text field's analysis made of each text, kept for the next document with the same text.

    The writer asks a field for a text's terms (`index`) and its spelling words; while a schema is
    being written to, its text fields answer from here. A field's analysis depends on its name alone
    (`_schema`), so the name keys it.
    """

    _LIMIT = 200_000  # texts kept, at most

    def __init__(self) -> None:
        self.terms: dict[tuple[str, str], list[Any]] = {}
        self.spelling: dict[tuple[str, str], list[str]] = {}

    def start(self, schema: Schema) -> None:
        if len(self.terms) + len(self.spelling) > self._LIMIT:
            self.terms.clear()
            self.spelling.clear()
        for name, field in schema.items():
            if isinstance(field, TEXT):
                field.index = partial(self._remembered, self.terms, name, field.index)
                field.spellable_words = partial(self._remembered, self.spelling, name, field.spellable_words)

    @staticmethod
    def stop(schema: Schema) -> None:
        for _, field in schema.items():
            vars(field).pop("index", None)
            vars(field).pop("spellable_words", None)

    @staticmethod
    def _remembered(known: dict[tuple[str, str], list[Any]], name: str, analyse: Any, value: str) -> list[Any]:
        key = (name, value)
        if key not in known:
            known[key] = list(analyse(value))
        return known[key]


class _Memory(RamStorage):  # type: ignore[misc]
    """An index written in memory, then to its folder: the same bytes on any file system.

    Whoosh packs a segment's files in the order its storage lists them (a folder's listing order
    is the file system's), records each file's modification time, and while it writes asks the
    storage whether a file exists once per posting (a `stat` of a folder on disk).
    """

    def list(self) -> list[str]:
        return sorted(self.files)

    def file_modified(self, name: str) -> float:
        return 0.0

    def temp_storage(self, name: str | None = None) -> RamStorage:
        # Whoosh's own puts a writer's scratch files in a folder of the system's named after the
        # index, which every writer of a machine shares.
        return RamStorage()


class WhooshSearcher:
    """A tree's index, opened once and searched many times, from any thread (one query at a time:
    Python runs one anyway, and Whoosh's readers share their files)."""

    def __init__(self, folder: Path) -> None:
        self.index = open_dir(str(folder))
        self.searcher = self.index.searcher()
        self.reader = self.searcher.reader()
        self.vectors = Vectors(self.searcher)
        self.languages = tuple(sorted(term.decode() for term in self.searcher.lexicon("language")))
        self.parsers: dict[str, MultifieldParser] = {}
        self.analyzers: dict[str, Analyzer] = {}
        self.terms: dict[tuple[str, str], frozenset[str]] = {}
        self.lock = threading.Lock()
        self.pages = _Pages(*(list(self.reader.column_reader(name)) for name in ("page", "type", "language")))

    def close(self) -> None:
        self.searcher.close()

    def search(self, query: Query) -> Results:
        with self.lock:
            return self._search(query)

    def _search(self, query: Query) -> Results:
        # Each language's documents are matched by the query as that language reads it (its stop words,
        # its stems), in the fields only that language's documents fill; the facets count every language.
        by_language = {lang: simplified(self._parser(lang).parse(query.text), self.reader) for lang in self.languages}
        matched = {lang: self.vectors.match(parsed) for lang, parsed in by_language.items()}
        found = np.logical_or.reduce([m.mask for m in matched.values()]) if matched else np.zeros(0, dtype=bool)
        pages = self.pages.of(found)
        wanted = self.pages.wanted(query)
        facets = {
            "type": self.pages.count(pages, self.pages.page_type, self.pages.types),
            "language": self.pages.count(pages, self.pages.page_language, self.pages.langs),
        }
        total = int(wanted[pages].sum())
        asked = [m for lang, m in matched.items() if query.asks(lang)]
        hits = self._ranked(query, by_language, asked, wanted[self.pages.page_code]) if asked else ()
        suggestion = None if len(pages) else self._suggestion(query)
        return Results(query.text, total, hits, facets, suggestion)

    def _ranked(self, query: Query, by_language: dict[str, Query_], asked: list[Matched], wanted: Mask) -> tuple[Hit, ...]:
        """The best pages: the best-scored documents (only the languages asked for are scored), each
        weighed by the share of the query its headings hold and by its type, then the best section of each page."""
        scores = np.sum([m.scores for m in asked], axis=0)
        candidates = np.flatnonzero(np.logical_or.reduce([m.mask for m in asked]) & wanted)
        kept = max(_SCORED, query.limit * 3)
        if len(candidates) > kept:  # the top `kept` and every document tied with the last of them
            threshold = np.partition(scores[candidates], len(candidates) - kept)[len(candidates) - kept]
            candidates = candidates[scores[candidates] >= threshold]
        order = candidates[np.lexsort((candidates, -scores[candidates]))][:kept]
        best: dict[str, tuple[float, int, dict[str, str]]] = {}
        for docnum in order.tolist():
            stored = self.reader.stored_fields(docnum)
            score = float(scores[docnum]) * (1 + self._in_heading(stored, query.text)) * _PRIOR.get(stored["type"], 1.0)
            if stored["page"] not in best or score > best[stored["page"]][0]:
                best[stored["page"]] = (score, docnum, stored)
        chosen = sorted(best.values(), key=lambda found: (-found[0], found[2]["url"]))[: query.limit]
        spans = self._spans({docnum: stored["language"] for _, docnum, stored in chosen}, by_language)
        return tuple(self._hit(stored, score, spans.get(docnum, [])) for score, docnum, stored in chosen)

    def _in_heading(self, stored: dict[str, str], text: str) -> float:
        """How much of the query a document's headings hold: all of it in the page's title counts 1, in
        its section's heading half as much. A page titled with the question ranks above one that
        mentions it (a heading field of its own would double what a query costs)."""
        lang = stored["language"]
        asked = self._terms(lang, text)
        if not asked:
            return 0.0
        title = self._terms(lang, stored.get("title", ""))
        section = self._terms(lang, stored.get("section", "")) - title
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

    def _parser(self, lang: str) -> MultifieldParser:
        if lang not in self.parsers:
            fields = {field_name(lang, folded): _BOOSTS[folded] for folded in _folded_variants(lang)}
            # Any of the words, ranked by how many match: a question's words are spread over a section.
            parser = MultifieldParser(list(fields), self.index.schema, fieldboosts=fields, group=OrGroup)
            parser.remove_plugin_class(FieldsPlugin)  # `title:x` is two words: the other fields are not for readers to ask
            self.parsers[lang] = parser
        return self.parsers[lang]

    def _hit(self, stored: dict[str, str], score: float, spans: list[tuple[int, int, str]]) -> Hit:
        title = f"{stored['title']} › {stored['section']}" if stored["section"] else stored["title"]
        snippet = marked(stored["content"], spans)
        if not snippet:  # the query matches only the headings: the page's summary says what it is
            snippet = html.escape(stored["summary"] or stored["content"][:WIDTH], quote=False).replace("\n", " ")
        return Hit(stored["url"], title, stored["type"], stored["language"], snippet, score)

    def _spans(self, languages: dict[int, str], by_language: dict[str, Query_]) -> dict[int, list[tuple[int, int, str]]]:
        """Where the query's words stand in the text of each document (of the given languages), from the
        characters its index keeps: one pass over each word's postings for all the documents."""
        spans: dict[int, list[tuple[int, int, str]]] = {}
        for lang in sorted(set(languages.values())):
            documents = sorted(docnum for docnum, language in languages.items() if language == lang)
            field = field_name(lang, _widest(lang))
            for name, text in sorted(positive_terms(by_language[lang])):
                if name != field or (name, text) not in self.reader:
                    continue
                postings = self.reader.postings(name, text)
                for docnum in documents:
                    postings.skip_to(docnum)
                    if not postings.is_active():
                        break
                    if postings.id() == docnum:
                        spans.setdefault(docnum, []).extend((start, end, text) for _, start, end in postings.value_as("characters"))
        return spans

    def _suggestion(self, query: Query) -> str | None:
        """ "Did you mean": the query with each word the index does not know replaced by the nearest one
        it does (the most frequent of the nearest), in the first language asked that has one (not CJK
        scripts: their terms are pairs)."""
        for lang in self.languages:
            if query.asks(lang) and not is_cjk(lang):
                corrector: Corrector = self.searcher.corrector(field_name(lang, _folded_variants(lang)[0]))  # its spelling words
                corrected = _WORD.sub(partial(_nearest, corrector), query.text)
                if corrected != query.text:
                    return corrected
        return None


class _Pages:
    """Which page (or listed item) each document is part of, and each page's type and language, as
    arrays: the facets and totals count pages, not documents, without reading a stored field."""

    def __init__(self, page_of: list[str], type_of: list[str], language_of: list[str]) -> None:
        pages, first, self.page_code = np.unique(np.array(page_of, dtype=object), return_index=True, return_inverse=True)
        self.types, type_code = np.unique(np.array(type_of, dtype=object), return_inverse=True)
        self.langs, language_code = np.unique(np.array(language_of, dtype=object), return_inverse=True)
        self.page_type, self.page_language = type_code[first], language_code[first]  # a page's first document's

    def of(self, documents: Mask) -> NDArray[np.int64]:
        """The pages of the documents in the mask."""
        return np.unique(self.page_code[documents])

    def wanted(self, query: Query) -> Mask:
        """The pages the query's filters keep (by page number)."""
        asked = np.array([query.asks(str(lang)) for lang in self.langs], dtype=bool)[self.page_language]
        return asked if query.type is None else asked & (self.types[self.page_type] == query.type)

    @staticmethod
    def count(pages: NDArray[np.int64], code_of: NDArray[np.int64], names: NDArray[np.object_]) -> dict[str, int]:
        counts = np.bincount(code_of[pages], minlength=len(names))
        return {str(names[code]): int(counts[code]) for code in range(len(names)) if counts[code]}


def _nearest(corrector: Corrector, match: re.Match[str]) -> str:
    """The index's word nearest to a word: itself when known, else one edit away, else two."""
    word = match.group()
    for distance in (1, 2):
        found = corrector.suggest(word.lower(), limit=1, maxdist=distance)
        if found:
            return word if found[0] == word.lower() else str(found[0])
    return word


def _folded_variants(lang: str) -> tuple[bool, ...]:
    """A language's fields: as written, and folded. CJK scripts have no diacritics to fold; English
    has one field, folded, as its words are told apart without them (`resume` finds `résumé`)."""
    if is_cjk(lang):
        return (False,)
    return (True,) if lang.split("-")[0] == "en" else (False, True)


def _widest(lang: str) -> bool:
    """The language's field that matches the most (folded, where it is): snippets and headings are read with it."""
    return _folded_variants(lang)[-1]
