"""The search interface the CLI and the search service use, whatever engine is behind it.

Whoosh (`whoosh_index`) is the engine of one machine. A second backend (OpenSearch, for portals
too large for one machine) implements `Backend`: it builds one index per tree from the same
`Document`s and answers a `Query` with the same `Results` (pages grouped, facets counted before
the type and language filters, snippets with `<mark>`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from .documents import Document


@dataclass(frozen=True)
class Query:
    text: str
    languages: tuple[str, ...]  # the languages to search (facets count every language of the index)
    type: str | None = None
    language: str | None = None  # a filter, as `--locale` sets it
    limit: int = 10

    def asks(self, lang: str) -> bool:
        """True when results in `lang` are wanted."""
        return lang in self.languages and self.language in (None, lang)


@dataclass(frozen=True)
class Hit:
    url: str  # below the tier root, with the anchor of the best section
    title: str
    type: str
    language: str
    snippet: str  # plain text, HTML-escaped, with <mark> around the matches
    score: float


@dataclass(frozen=True)
class Results:
    query: str
    total: int  # pages (or listed items) found after the filters
    hits: tuple[Hit, ...]
    facets: Mapping[str, Mapping[str, int]] = field(default_factory=dict)  # type and language, before the filters
    suggestion: str | None = None  # "did you mean", when nothing matches

    def as_json(self) -> dict[str, object]:
        return {
            "query": self.query,
            "total": self.total,
            "results": [
                {"url": h.url, "title": h.title, "type": h.type, "language": h.language, "snippet": h.snippet, "score": round(h.score, 4)}
                for h in self.hits
            ],
            "facets": {name: dict(counts) for name, counts in self.facets.items()},
            "suggestion": self.suggestion,
        }


class Searcher(Protocol):
    """An opened index of one tree."""

    languages: tuple[str, ...]  # of its documents

    def search(self, query: Query) -> Results: ...

    def close(self) -> None: ...


class Backend(Protocol):
    def build(self, documents: Iterable[Document], languages: tuple[str, ...], folder: Path, seed: bytes) -> None:
        """Write the index of one tree into the empty `folder`; the same documents and seed give the same bytes."""

    def open(self, folder: Path) -> Searcher: ...
