"""How the audit compares text: folding, words of scripts without spaces, and every kind of file decoded."""

from __future__ import annotations

import gzip
import json

from builder.release.decode import decode
from builder.release.evidence import fold, words_of


def test_folding_makes_spellings_of_one_word_equal() -> None:
    assert fold("Đăng ký HƯỚNG DẪN") == "dang ky huong dan"
    assert fold("Straße Ｋｑｚｇｏｌｄ") == "strasse kqzgold"
    assert fold("café") == fold("cafe\u0301") == "cafe"
    assert fold("ｶﾀﾛｸﾞ") == "カタログ"  # half-width katakana, as NFKC writes it


def test_japanese_is_compared_by_pairs_of_characters_without_hiragana() -> None:
    assert words_of("案件登録の手順") == {"案件", "件登", "登録", "手順"}
    assert words_of("カタログ") == {"カタ", "タロ", "ログ"}
    assert "ho" not in words_of("hướng dẫn") and {"huong", "dan"} <= words_of("hướng dẫn")


def test_every_kind_of_text_is_decoded() -> None:
    page = decode(b"<p>Kqz<b>gold</b> &amp; <span title='Kqzsilver'>x</span></p><!-- kqzcomment -->").text or ""
    assert {"kqzgold", "kqzsilver", "kqzcomment"} <= words_of(page)
    index = json.dumps({"docs": [{"text": "<p>Kqzjson</p>"}]}, ensure_ascii=True).replace("Kqzjson", "\\u004bqzjson")
    assert "kqzjson" in words_of(decode(index.encode()).text or "")
    assert "kqzzip" in words_of(decode(gzip.compress(b"<x>kqzzip</x>")).text or "")
    assert "kqzscript" in words_of(decode(b'var a = "\\x4bqzscript";').text or "")
    assert "kqzurl" in words_of(decode(b"/search?q=%4Bqzurl").text or "")


def test_what_cannot_be_decoded_says_so() -> None:
    assert decode(bytes(range(256))).text is None
    assert decode(bytes(range(256))).kind == "binary"
    assert decode(b"\x1f\x8bnot gzip").kind == "gzip (damaged)"
    assert decode(b"%PDF-1.7 broken").text is None


def test_a_phrase_runs_across_lines_but_not_from_one_block_into_the_next() -> None:
    from builder.release.audit import FileReader, _PhraseIndex

    index = _PhraseIndex({"training workflow": "content/gated.md"})
    reader = FileReader()

    def found(data: bytes) -> list[str]:
        return index.found_in(reader.read(data, str(hash(data))))

    # Two navigation entries side by side are not a sentence of either.
    assert found(b"<nav><ul><li><a>Partner training</a></li><li><a>Workflow basics</a></li></ul></nav>") == []
    assert found(b"<p>Our <em>training</em>\nworkflow</p>") == ["training workflow"]
    assert found(b"Plain text, as PDF text comes out: the training\nworkflow of 2026") == ["training workflow"]
