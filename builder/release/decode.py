"""Every output file as the text a reader could get out of it, whatever its name, or why it cannot be read.

The audit searches this text, so nothing a browser, a search index or a PDF viewer could show may
stay unread: HTML and XML are read with and without their tags and with their character references
decoded; JSON string by string; backslash escapes (`\\u0047`), percent-escapes and base64 `data:`
URLs decoded; gzip unpacked; a PDF's text and metadata extracted; a PNG's text chunks and the
metadata of other images and of fonts read. A file of any other kind is *unchecked*: it is named,
never skipped in silence.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import contextlib
import gzip
import html
import io
import json
import re
import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

_TAG = re.compile(r"<!\[CDATA\[|\]\]>|<[^>]*>")
# Put where a block element starts or ends, on a line of its own: a phrase does not run from one
# block into the next (two navigation entries side by side are not a sentence of either).
BLOCK_BREAK = "\x1e"
BREAK_LINE = f"\n{BLOCK_BREAK}\n"
_INLINE_TAG = re.compile(
    r"</?(?:a|abbr|b|bdi|bdo|cite|code|data|del|dfn|em|i|ins|kbd|mark|q|s|samp|small|span|strong|sub|sup|time|u|var)(?:\s[^>]*)?>",
    re.IGNORECASE,
)
_ATTRIBUTE = re.compile(r"""=\s*("[^"]*"|'[^']*'|[^\s"'>]+)""")
_COMMENT = re.compile(r"<!--(.*?)-->", re.DOTALL)
_BACKSLASH = re.compile(r"\\u\{([0-9a-fA-F]{1,6})\}|\\u([0-9a-fA-F]{4})|\\x([0-9a-fA-F]{2})")
_DATA_URL = re.compile(r"data:[\w.+/-]*(?:;[\w=-]+)*;base64,([A-Za-z0-9+/=\s]+)")
_PRINTABLE = re.compile(rb"[\t\n\r\x20-\x7e\x80-\xff]{4,}")
_MAX_DEPTH = 3
# Images and fonts: their pixels and outlines are not text, their metadata is.
_MAGIC = (
    (b"\xff\xd8\xff", "jpeg image"),
    (b"GIF8", "gif image"),
    (b"\x00\x00\x01\x00", "ico image"),
    (b"BM", "bmp image"),
    (b"wOFF", "woff font"),
    (b"wOF2", "woff2 font"),
    (b"\x00\x01\x00\x00", "truetype font"),
    (b"OTTO", "opentype font"),
)


@dataclass(frozen=True)
class Decoded:
    """What the audit reads of a file: its kind, and its text (None when it cannot be read)."""

    kind: str
    text: str | None


def decode(data: bytes, depth: int = 0) -> Decoded:
    """The readable text of an output file, by its content (never by its name)."""
    if data[:2] == b"\x1f\x8b" and depth < _MAX_DEPTH:
        try:
            inner = decode(gzip.decompress(data), depth + 1)
        except (OSError, EOFError, zlib.error):
            return Decoded("gzip (damaged)", None)
        return Decoded(f"gzip of {inner.kind}", inner.text)
    if data.startswith(b"%PDF"):
        return _pdf(data)
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return Decoded("png image", _png_text(data))
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return Decoded("webp image", _printable(data))
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return Decoded(kind, _font_names(data) if kind.endswith("font") else _printable(data))
    text = _as_text(data)
    if text is None:
        return Decoded("binary", None)
    return Decoded("text", readings(text, depth))


def _as_text(data: bytes) -> str | None:
    for bom, codec in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            with contextlib.suppress(UnicodeDecodeError):
                return data.decode(codec)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def readings(text: str, depth: int = 0) -> str:
    """All the ways `text` may be read, one after another."""
    parts = [text]
    if text.lstrip()[:1] in ("{", "["):
        with contextlib.suppress(ValueError, RecursionError):
            parts = [" \n ".join(strings(json.loads(text)))]
    # A decoding that changes nothing adds no reading (and would double the text to search).
    if "\\" in parts[0] and _BACKSLASH.search(parts[0]):
        parts.append(_BACKSLASH.sub(_unescape, parts[0]))
    if "%" in text:
        with contextlib.suppress(ValueError):
            if (unquoted := unquote(text)) != text:
                parts.append(unquoted)
    if "base64," in text and depth < _MAX_DEPTH:
        parts += [found for found in _data_urls(text, depth) if found]
    joined = " \n ".join(parts)
    if "<" not in joined:
        return html.unescape(joined) if "&" in joined else joined
    # Markup: its text as a browser shows it (inline tags join words, others separate them), and
    # what the tags hold (attribute values, comments). Anything else is also read as it is.
    shown = _TAG.sub(BREAK_LINE, _INLINE_TAG.sub("", joined))
    # Each value a tag holds is a block of its own: two attributes side by side are not a sentence.
    held = BREAK_LINE.join(_ATTRIBUTE.findall(joined) + _COMMENT.findall(joined))
    markup = text.lstrip()[:1] == "<"
    return html.unescape(BREAK_LINE.join([shown, held] if markup else [joined, shown, held]))


def _unescape(match: re.Match[str]) -> str:
    code = int(next(group for group in match.groups() if group), 16)
    return chr(code) if code < 0x110000 else ""


def strings(value: Any, keys: bool = True) -> Iterator[str]:
    """Every string of parsed JSON or YAML, deepest last; with `keys`, the keys of mappings too."""
    if isinstance(value, dict):
        for key, item in value.items():
            if keys:
                yield str(key)
            yield from strings(item, keys)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item, keys)
    elif value is not None:
        yield str(value)


def _data_urls(text: str, depth: int) -> Iterator[str | None]:
    for found in _DATA_URL.finditer(text):
        with contextlib.suppress(binascii.Error, ValueError):
            yield decode(base64.b64decode("".join(found.group(1).split())), depth + 1).text


def _pdf(data: bytes) -> Decoded:
    """The text of every page of a PDF and its metadata (fonts are subset: the raw bytes would not show the text)."""
    import pypdf

    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
        metadata = [str(value) for key, value in (reader.metadata or {}).items() if key not in ("/Producer", "/Creator")]
    except (pypdf.errors.PyPdfError, ValueError, KeyError, struct.error) as error:
        return Decoded(f"pdf (unreadable: {type(error).__name__})", None)
    return Decoded("pdf", " \n ".join(pages + metadata))


def _png_text(data: bytes) -> str:
    """The text chunks of a PNG (tEXt, zTXt, iTXt; compressed or not) and the strings of its EXIF data."""
    texts = []
    position = 8
    while position + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        body = data[position + 8 : position + 8 + length]
        position += 12 + length
        with contextlib.suppress(zlib.error, ValueError):
            if kind == b"tEXt":
                texts.append(body.replace(b"\0", b" ").decode("latin-1"))
            elif kind == b"zTXt":
                keyword, _, rest = body.partition(b"\0")
                texts.append(f"{keyword.decode('latin-1')} {zlib.decompress(rest[1:]).decode('latin-1')}")
            elif kind == b"iTXt":
                keyword, _, rest = body.partition(b"\0")
                compressed, rest = rest[0], rest[2:]
                language, _, rest = rest.partition(b"\0")
                translated, _, value = rest.partition(b"\0")
                value = zlib.decompress(value) if compressed else value
                texts.append(" ".join(part.decode("utf-8", errors="replace") for part in (keyword, language, translated, value)))
            elif kind == b"eXIf":
                texts.append(_printable(body))
    return " \n ".join(texts)


def _printable(data: bytes) -> str:
    """Runs of printable characters: how EXIF, XMP and comment segments of images store their text."""
    return " \n ".join(run.decode("utf-8", errors="replace") for run in _PRINTABLE.findall(data))


def _font_names(data: bytes) -> str:
    """The names a font carries (family, copyright, designer...)."""
    from fontTools.ttLib import TTFont, TTLibError

    try:
        font = TTFont(io.BytesIO(data), lazy=True)
        return " \n ".join(str(record) for record in font["name"].names) if "name" in font else ""
    except (TTLibError, struct.error, ValueError, KeyError, AssertionError):
        return _printable(data)


def read_search_index(folder: Path) -> Decoded:
    """A Whoosh index, read through Whoosh's own reader (not the code that wrote it): every stored
    value of every document, and every term of every field whose terms are words, which is what a
    query could reveal. The terms of a stemming field are stems, not words (`renew` of `renewal`):
    its words are in the stored text and in the field's spelling words, which are read."""
    from whoosh.analysis import StemFilter
    from whoosh.index import open_dir

    try:
        index = open_dir(str(folder))
        schema = index.schema
        stemmed = {name for name in schema.names() if any(isinstance(part, StemFilter) for part in _parts(schema[name]))}
        with index.reader() as reader:
            texts = [line for _, stored in reader.iter_docs() for value in stored.values() for line in str(value).split("\n")]
            texts += [_term(term) for field, term in reader.all_terms() if field not in stemmed]
    except Exception as error:  # noqa: BLE001 (whatever Whoosh raises, the index is unreadable: reported as unchecked)
        return Decoded(f"search index (unreadable: {type(error).__name__})", None)
    # A term, a stored value and each line of one (a block of the page it came from) is a block of
    # its own: the end of one and the start of the next are no phrase.
    return Decoded("search index", "\n".join(part for text in texts for part in (text, BLOCK_BREAK)))


def _parts(field: Any) -> list[Any]:
    """The tokenizer and filters of a field's analyzer (none for a field without one)."""
    analyzer = getattr(field, "analyzer", None)
    return list(getattr(analyzer, "items", [analyzer] if analyzer is not None else []))


def _term(term: bytes | str) -> str:
    return term.decode("utf-8", errors="replace") if isinstance(term, bytes) else str(term)
