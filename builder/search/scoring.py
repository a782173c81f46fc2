"""Scoring a parsed query over a whole index at once, with arrays.

Whoosh scores one matching document at a time in Python: a common word in 10,000 documents costs
tens of milliseconds, and a query of three common words in four languages a hundred. An index does
not change once written, so a term's scores are the same in every query: its postings are read
once (by the first query that asks for it), scored with Whoosh's own BM25F, and kept as arrays
within a bound. A query's scores are then sums of arrays the size of the index, which numpy adds in
microseconds; what matches, how a phrase is checked and what a score is stay Whoosh's.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from whoosh.query import And, AndNot, Not, NullQuery, Or, Phrase, Term
from whoosh.query import Query as Query_
from whoosh.reading import IndexReader
from whoosh.scoring import BM25F
from whoosh.searching import Searcher as WhooshSearcher_

Scores = NDArray[np.float64]
Mask = NDArray[np.bool_]

_KEPT_POSTINGS = 4_000_000  # per index: about 50 MB of arrays, the postings of every term of a 10,000-document index


def simplified(query: Query_, reader: IndexReader) -> Query_:
    """A parsed query with its prefixes and wildcards expanded to the index's terms they match.
    Whoosh's own `simplify` fails on the binary queries (`a ANDNOT b`, and anything holding one), so
    the tree is walked here and only its leaves are simplified by Whoosh."""
    if query.is_leaf():
        return query.simplify(reader)
    return query.apply(lambda sub: simplified(sub, reader)).normalize()


@dataclass(frozen=True)
class Matched:
    """The documents a query matches, and their scores (0 where it does not match)."""

    mask: Mask
    scores: Scores


class Vectors:
    """One index's terms as arrays: document numbers and their BM25F scores, read on first use."""

    def __init__(self, searcher: WhooshSearcher_) -> None:
        self.searcher = searcher
        self.reader = searcher.reader()
        self.size = self.reader.doc_count_all()
        self.weighting = BM25F()
        self.lengths: dict[str, NDArray[np.float64]] = {}
        self.postings: dict[tuple[str, str], tuple[NDArray[np.int64], Scores]] = {}
        self.kept = 0

    def match(self, query: Query_) -> Matched:
        """What a `simplified` query matches, scored as Whoosh scores it: a term's BM25F times its boost,
        summed over the terms of an `Or` or an `And`; a phrase scores as its words do, where they stand
        in order."""
        return self._match(query)

    def _match(self, query: Query_) -> Matched:
        if isinstance(query, Term):
            return self._term(query.fieldname, query.text, query.boost)
        if isinstance(query, Phrase):
            return self._phrase(query)
        if isinstance(query, (Or, And)):
            # NOT removes what it matches, under OR too: `deal NOT quote` is deal without quote (where
            # Whoosh's OR would add every document without quote).
            kept = [self._match(sub) for sub in query.subqueries if not isinstance(sub, Not)]
            removed = [self._match(sub.query) for sub in query.subqueries if isinstance(sub, Not)]
            return self._without(self._sum(kept, all_of=isinstance(query, And)), removed)
        if isinstance(query, AndNot):
            return self._without(self._match(query.a), [self._match(query.b)])
        if isinstance(query, Not) or query is NullQuery:  # a query of nothing but NOT finds nothing
            return Matched(np.zeros(self.size, dtype=bool), self._zeros())
        return self._by_matcher(query)

    def _term(self, field: str, text: str, boost: float) -> Matched:
        ids, scores = self._postings(field, text)
        mask = np.zeros(self.size, dtype=bool)
        mask[ids] = True
        summed = self._zeros()
        summed[ids] = scores * boost
        return Matched(mask, summed)

    def _postings(self, field: str, text: str) -> tuple[NDArray[np.int64], Scores]:
        key = (field, text)
        if key not in self.postings:
            ids: list[int] = []
            weights: list[float] = []
            if (field, text) in self.reader:
                matcher = self.reader.postings(field, text)
                while matcher.is_active():
                    ids.append(matcher.id())
                    weights.append(matcher.weight())
                    matcher.next()
            found = np.array(ids, dtype=np.int64)
            scores = self._bm25(field, text, np.array(weights, dtype=np.float64), found) if ids else self._zeros()[:0]
            if self.kept + len(found) > _KEPT_POSTINGS:
                self.postings.clear()
                self.kept = 0
            self.postings[key] = (found, scores)
            self.kept += len(found)
        return self.postings[key]

    def _bm25(self, field: str, text: str, weights: Scores, ids: NDArray[np.int64]) -> Scores:
        """Whoosh's own BM25F formula, given arrays: the same scores its matchers compute one by one."""
        scorer = self.weighting.scorer(self.searcher, field, text)
        return np.asarray(scorer._score(weights, self._lengths(field)[ids]), dtype=np.float64)

    def _lengths(self, field: str) -> NDArray[np.float64]:
        if field not in self.lengths:
            length = self.searcher.doc_field_length
            self.lengths[field] = np.array([length(docnum, field, 1) for docnum in range(self.size)], dtype=np.float64)
        return self.lengths[field]

    def _phrase(self, phrase: Phrase) -> Matched:
        """A phrase scores as its words do, in the documents where Whoosh finds the words in order (it reads
        the positions of those documents only)."""
        words = self._sum([self._term(phrase.fieldname, word, phrase.boost) for word in phrase.words], all_of=True)
        if not words.mask.any():
            return words
        exact = np.zeros(self.size, dtype=bool)
        exact[list(phrase.docs(self.searcher))] = True
        return Matched(words.mask & exact, np.where(exact, words.scores, 0.0))

    def _by_matcher(self, query: Query_) -> Matched:
        """Any other kind of query (a range, say), matched and scored by Whoosh document by document."""
        mask, scores = np.zeros(self.size, dtype=bool), self._zeros()
        matcher = query.matcher(self.searcher, self.searcher.context())
        while matcher.is_active():
            mask[matcher.id()] = True
            scores[matcher.id()] = matcher.score()
            matcher.next()
        return Matched(mask, scores)

    def _sum(self, parts: list[Matched], all_of: bool) -> Matched:
        if not parts:
            return Matched(np.zeros(self.size, dtype=bool), self._zeros())
        mask, scores = parts[0].mask.copy(), parts[0].scores.copy()
        for part in parts[1:]:
            if all_of:
                mask &= part.mask
            else:
                mask |= part.mask
            scores += part.scores
        if all_of:
            scores[~mask] = 0.0
        return Matched(mask, scores)

    def _without(self, kept: Matched, removed: list[Matched]) -> Matched:
        mask = kept.mask.copy()
        for part in removed:
            mask &= ~part.mask
        return Matched(mask, np.where(mask, kept.scores, 0.0))

    def _zeros(self) -> Scores:
        return np.zeros(self.size, dtype=np.float64)


def positive_terms(query: Query_) -> set[tuple[str, str]]:
    """The (field, text) of every term a query looks for, not the ones it excludes: what a snippet marks."""
    if isinstance(query, Not):
        return set()
    if isinstance(query, AndNot):
        return positive_terms(query.a)
    if isinstance(query, Phrase):
        return {(query.fieldname, word) for word in query.words}
    if isinstance(query, Term):
        return {(query.fieldname, query.text)}
    found: set[tuple[str, str]] = set()
    for sub in query.children():
        found |= positive_terms(sub)
    return found
