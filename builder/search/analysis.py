"""How each language's text becomes terms: stemmed words, folded diacritics, pairs of CJK characters.

Every language but Japanese, Chinese and Korean has two fields in an index: its words as written
(an exact match, which ranks higher) and folded (`hướng dẫn` and `huong dan` are the same terms; Whoosh's `accent_map` folds
`đ` to `d`, which Unicode decomposition alone does not). Japanese and Chinese have no spaces
between words: their runs of characters are indexed as overlapping pairs, so that a two-character
word is found wherever it stands, and a longer query matches as a phrase of pairs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from whoosh.analysis import Analyzer, CharsetFilter, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter, Token, Tokenizer
from whoosh.lang import has_stemmer, has_stopwords
from whoosh.support.charset import accent_map

# Hiragana, katakana (with the prolonged sound mark), CJK ideographs and half-width katakana.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f"
_RUN = re.compile(rf"[{_CJK}]+|[^\W{_CJK}]+")
_IS_CJK = re.compile(rf"[{_CJK}]")
CJK_LANGUAGES = ("ja", "zh", "ko")


class CjkPairs(Tokenizer):  # type: ignore[misc]  # Whoosh has no type hints
    """Words of letters and digits as they are; runs of CJK characters as overlapping pairs (a lone one as itself)."""

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash(type(self))

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        position = start_pos
        for match in _RUN.finditer(value):
            run = match.group(0)
            pieces = [(i, run[i : i + 2]) for i in range(max(1, len(run) - 1))] if _IS_CJK.match(run) else [(0, run)]
            for offset, text in pieces:
                token.text, token.boost, token.stopped = text, 1.0, False
                if keeporiginal:
                    token.original = text
                if positions:
                    token.pos, position = position, position + 1
                if chars:
                    token.startchar = start_char + match.start() + offset
                    token.endchar = token.startchar + len(text)
                yield token


class Stops(StopFilter):  # type: ignore[misc]
    """Whoosh's stop filter, pickled with its words in order: an index keeps its schema pickled, which
    must be the same bytes in every process (a set's order changes with the process's hash seed)."""

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "stops": tuple(sorted(self.stops))}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update({**state, "stops": frozenset(state["stops"])})


def field_name(lang: str, folded: bool) -> str:
    """The index field of a language's text: `text_de`, `text_vi_folded`."""
    return f"text_{lang.replace('-', '_')}{'_folded' if folded else ''}"


def is_cjk(lang: str) -> bool:
    return lang.split("-")[0] in CJK_LANGUAGES


def analyzer(lang: str, folded: bool) -> Analyzer:
    """The terms of `lang`'s text: stemmed where Whoosh has a stemmer, without stop words, case-folded."""
    base = lang.split("-")[0]
    if is_cjk(lang):
        chain = CjkPairs() | LowercaseFilter()
    else:
        chain = RegexTokenizer() | LowercaseFilter()
        if has_stopwords(base):
            chain = chain | Stops(lang=base)
        if has_stemmer(base):
            chain = chain | StemFilter(lang=base)
    return chain | CharsetFilter(accent_map) if folded else chain
