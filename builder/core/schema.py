"""Declared schemas: each field once, with the one-line doc that the authors' guide shows.

`check_mapping` validates a loaded YAML mapping against a schema: types, required fields and
unknown keys (a warning, an error under --strict). Rules that relate several fields live in the
loader of each model, in one explicit step after this.
"""

from __future__ import annotations

import datetime
import difflib
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, TypeVar

from .models import Program, Region, Tier
from .problems import Reporter, Scope, did_you_mean
from .yamlio import YamlList, YamlMap

T = TypeVar("T")

_TYPE_NAMES = {
    str: "a string",
    int: "a number",
    bool: "true or false",
    list: "a list",
    dict: "a mapping",
    datetime.date: "a date (YYYY-MM-DD)",
    datetime.datetime: "a date and time with its UTC offset (2026-12-03T16:00:00+00:00)",
}
_PLAIN_NAMES = {
    str: "string",
    int: "number",
    bool: "boolean",
    list: "list",
    dict: "mapping",
    datetime.date: "date",
    datetime.datetime: "date-time",
}


@dataclass(frozen=True)
class Field:
    """One key of a YAML schema: its type, its rule and the doc the authors' guide shows."""

    name: str
    kind: type
    doc: str
    required: bool = False
    items: type | None = None  # the type of list items, for kind=list
    choices: tuple[str, ...] = ()  # the value, or each item of a list, must be one of these
    default: Any = None  # the value when the key is absent; None: by kind, (), {}, "" or false
    read: Read | None = None  # the field's own rule: checks the value and makes the model's value of it
    attr: str = ""  # the model's name for the value, when it is not the key's


@dataclass(frozen=True)
class FromEntry:
    """A default that depends on what is being read (the program's lowest tier, say)."""

    of: Callable[[Entry], Any]


class Schema:
    """The fields of one kind of mapping; `code` names its problems (`catalog-status`)."""

    def __init__(self, code: str, *fields: Field) -> None:
        self.code, self.fields = code, fields

    def __iter__(self) -> Iterator[Field]:
        return iter(self.fields)

    def without(self, *names: str) -> Schema:
        return Schema(self.code, *(f for f in self.fields if f.name not in names))

    def read(self, entry: Entry) -> bool:
        """Check `entry.data` field by field into `entry.values`; False when the types are unusable.

        Field rules run only once the types are right, so that a rule sees the type it expects.
        """
        if not check_mapping(entry.data, self.fields, entry.source, entry.scope, entry.where, entry.line):
            return False
        data = entry.data
        for field in self.fields:
            attr = field.attr or field.name
            if field.name not in data:
                default = field.default if field.default is not None else _EMPTY.get(field.kind)
                entry.values[attr] = default.of(entry) if isinstance(default, FromEntry) else default
                continue
            value = data[field.name]
            if field.choices:
                self._check_choices(entry, field, value)
            if field.read is not None:
                value = field.read(entry, field.name, value)
            elif field.kind is list:
                value = tuple(value)
            entry.values[attr] = value
        return True

    def _check_choices(self, entry: Entry, field: Field, value: Any) -> None:
        values = list(enumerate(value)) if field.kind is list else [(None, value)]
        noun = field.name.removesuffix("s") if field.kind is list else field.name
        for index, item in values:
            if item not in field.choices:
                line = entry.data[field.name].line_of(index) if index is not None else None
                close = difflib.get_close_matches(str(item), field.choices, n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                listed = ", ".join(field.choices)
                entry.error(field.name, f"{self.code}-{noun}", f"unknown {noun} {describe(item)} (expected one of {listed}){hint}", line)


# Immutable, as they are shared by every item that leaves the key out.
_EMPTY: dict[type, Any] = {list: (), dict: MappingProxyType({}), str: "", bool: False}
NOTHING = FromEntry(lambda entry: None)  # a default of None: `regions` absent is every region, not none


class Entry:
    """One mapping being read: where it is, for messages, and the problems of this item alone.

    Messages name a key as `where.key` (`skus[1].prices`); the item is usable when `ok`.
    """

    def __init__(self, data: Any, source: str, report: Reporter, where: str = "", line: int = 1, program: Program | None = None) -> None:
        self.data, self.source, self.where, self.line = data, source, where, line
        self._program = program
        self.scope = Scope(report)
        self.values: dict[str, Any] = {}

    @property
    def ok(self) -> bool:
        return not self.scope.failed

    @property
    def program(self) -> Program:
        if self._program is None:
            raise RuntimeError("this entry is read without a program")
        return self._program

    def child(self, data: Any, where: str, line: int) -> Entry:
        """A mapping inside this one (`skus[0]`), whose errors are this item's errors too."""
        return Entry(data, self.source, self.scope, where, line, self._program)

    def line_of(self, key: str) -> int:
        return self.data.line_of(key) if isinstance(self.data, YamlMap) and key in self.data else self.line

    def label(self, key: str) -> str:
        return ".".join(part for part in (self.where, key) if part)

    def error(self, key: str, code: str, message: str, line: int | None = None) -> None:
        """A problem of `key` (or of the item, for ""), at its line unless another is given."""
        self.scope.error(self.source, line or self.line_of(key), code, self._named(key, message))

    def _named(self, key: str, message: str) -> str:
        label = self.label(key)
        return f"{label}: {message}" if label else message


Read = Callable[[Entry, str, Any], Any]


def _type_ok(value: Any, kind: type) -> bool:
    if kind is int:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind is str:
        return isinstance(value, str)
    if kind is datetime.datetime:  # YAML reads an unquoted timestamp; a quoted one is parsed by its loader
        return isinstance(value, (datetime.datetime, str))
    return isinstance(value, kind)


def describe(value: Any) -> str:
    """How a received value reads in a message: `'x'`, `3`, `a list`."""
    if isinstance(value, str):  # control characters spelled out: a message stays on its line
        return "'" + re.sub(r"[\x00-\x1f\x7f]", lambda m: repr(m.group())[1:-1], value) + "'"
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, float)):
        return str(value)
    return "a list" if isinstance(value, list) else "a mapping"


def check_mapping(data: Any, fields: Iterable[Field], path: str, report: Reporter, where: str = "", line: int = 1) -> bool:
    """Report every problem of `data` against `fields`; True when the types are usable."""
    prefix = f"{where}: " if where else ""
    label = f"{where}." if where else ""
    if not isinstance(data, dict):
        report.error(path, line, "schema-type", f"{prefix}expected a mapping, got {describe(data)}")
        return False
    ok = True
    known = {f.name: f for f in fields}
    for key in data:
        if key not in known:
            key_line = data.line_of(key) if isinstance(data, YamlMap) else line
            report.warn(path, key_line, "unknown-key", f"{prefix}unknown key '{key}'{did_you_mean(str(key), known)}")
    for field in known.values():
        if field.name not in data:
            if field.required:
                report.error(
                    path, data.line if isinstance(data, YamlMap) else line, "schema-missing", f"{prefix}missing required key '{field.name}'"
                )
                ok = False
            continue
        value = data[field.name]
        key_line = data.line_of(field.name) if isinstance(data, YamlMap) else line
        if not _type_ok(value, field.kind):
            report.error(path, key_line, "schema-type", f"{label}{field.name}: expected {_TYPE_NAMES[field.kind]}, got {describe(value)}")
            ok = False
        elif field.items is not None:
            for index, item in enumerate(value):
                if not _type_ok(item, field.items):
                    item_line = value.line_of(index) if isinstance(value, YamlList) else key_line
                    report.error(
                        path,
                        item_line,
                        "schema-type",
                        f"{label}{field.name}: expected a list of {_PLAIN_NAMES[field.items]}s, got {describe(item)}",
                    )
                    ok = False
    return ok


def markdown_table(fields: Iterable[Field]) -> str:
    """The schema as a Markdown table, for the authors' guide."""
    rows = ["| key | type | required | meaning |", "| --- | --- | --- | --- |"]
    for f in fields:
        kind = f"list of {_PLAIN_NAMES[f.items]}s" if f.items else _PLAIN_NAMES[f.kind]
        rows.append(f"| `{f.name}` | {kind} | {'yes' if f.required else 'no'} | {f.doc} |")
    return "\n".join(rows)


# --- the rules fields share -------------------------------------------------------------------


def read_tier(entry: Entry, key: str, value: str) -> Tier | None:
    """An id of a tier of the program; unknown ones are reported with the closest valid name."""
    return _program_item(entry, key, value, "tier", {t.id: t for t in entry.program.tiers})


def read_region(entry: Entry, key: str, value: str) -> Region | None:
    """An id of a region of the program."""
    return _program_item(entry, key, value, "region", {r.id: r for r in entry.program.regions})


def _program_item(entry: Entry, key: str, value: str, noun: str, known: dict[str, T]) -> T | None:
    if value in known:
        return known[value]
    entry.error(key, f"unknown-{noun}", f"unknown {noun} '{value}'{did_you_mean(str(value), known)}")
    return None


def read_regions(entry: Entry, key: str, value: YamlList) -> frozenset[str]:
    """Ids of regions of the program, each checked at its own line."""
    region_ids = [r.id for r in entry.program.regions]
    for index, region in enumerate(value):
        if region not in region_ids:
            entry.error(key, "unknown-region", f"unknown region '{region}'{did_you_mean(region, region_ids)}", value.line_of(index))
    return frozenset(value)


def tier_field(doc: str) -> Field:
    """`tier`: the minimum tier that sees an item (the model's `min_tier`), by default the lowest."""
    return Field("tier", str, doc, read=read_tier, default=FromEntry(lambda entry: entry.program.lowest_tier), attr="min_tier")


def regions_field(doc: str) -> Field:
    """`regions`: the regions that have an item; absent, every region (None)."""
    return Field("regions", list, doc, items=str, read=read_regions, default=NOTHING)


def read_texts(entry: Entry, key: str, value: YamlMap) -> dict[str, str]:
    """A translatable key (`{en: …, de: …}`): its texts by language; the default language is required."""
    return texts_by_language(value, entry.label(key), entry.line_of(key), entry.source, entry.program, entry.scope)


def read_some_texts(entry: Entry, key: str, value: YamlMap) -> dict[str, str]:
    """A translatable key that may leave out the default language."""
    return texts_by_language(value, entry.label(key), entry.line_of(key), entry.source, entry.program, entry.scope, required=False)


def texts_by_language(
    value: YamlMap, label: str, line: int, source: str, program: Program, report: Reporter, required: bool = True
) -> dict[str, str]:
    """A mapping of texts by language, as `label` at `line` names it in messages."""
    texts = {lang: str(text).strip() for lang, text in value.items() if isinstance(text, (str, int, float)) and lang != STAMP_KEY}
    if required and program.default_language not in texts:
        report.error(source, line, "translation-default", f"{label}: the default language '{program.default_language}' is needed")
    check_stamps(value, label, source, program, report)
    for lang in value:
        if lang not in program.languages and lang != STAMP_KEY:
            report.warn(
                source,
                value.line_of(lang),
                "translation-language",
                f"{label}: '{lang}' is not a language any region builds{did_you_mean(str(lang), program.languages)}",
            )
    return texts


# The key of a translatable field that records the source text each translation translates (see
# features/data_texts.py): `source_hash: {de: <sha256 of the default language's text>}`.
STAMP_KEY = "source_hash"


def check_stamps(value: YamlMap, label: str, source: str, program: Program, report: Reporter) -> None:
    """A translatable field's `source_hash:`, when it has one: languages of the program, sha256 digests."""
    if STAMP_KEY not in value:
        return
    stamps, line, label = value[STAMP_KEY], value.line_of(STAMP_KEY), f"{label}.{STAMP_KEY}"
    if not isinstance(stamps, YamlMap):
        report.error(
            source,
            line,
            "source-hash",
            f"{label}: expected a mapping of languages to hashes (written by 'partnerkb i18n stamp'), got {describe(stamps)}",
        )
        return
    for lang, digest in stamps.items():
        if lang not in program.languages or lang == program.default_language:
            report.error(source, stamps.line_of(lang), "source-hash", f"{label}: '{lang}' is not a translated language of the program")
        elif not (isinstance(digest, str) and re.fullmatch(r"[0-9a-f]{64}", digest)):
            report.error(
                source,
                stamps.line_of(lang),
                "source-hash",
                f"{label}: expected the sha256 written by 'partnerkb i18n stamp', got {describe(digest)}",
            )


# Ids that become file and folder names and URLs: nothing that could climb out of a folder or need quoting.
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def read_id(entry: Entry, key: str, value: str) -> str:
    """An id must be a plain name: lower-case letters, digits and '-'."""
    if not ID_PATTERN.match(value):
        entry.error(key, "bad-id", f"expected lower-case letters, digits and '-' (it names files and URLs), got {describe(value)}")
    return value


def read_url(entry: Entry, key: str, value: str) -> str:
    """Only http(s) URLs with a host: `javascript:`, `data:` and relative ones are refused."""
    # A host, then a path without spaces, quotes, angle brackets or control characters.
    if not re.fullmatch(r"https?://[A-Za-z0-9.-]+(:[0-9]+)?(/[^\s\x00-\x1f\x7f\"'<>\\]*)?", value):
        entry.error(key, "unsafe-url", f"expected an http(s) URL, got {describe(value)}")
    return value


def read_percentage(entry: Entry, key: str, value: float) -> float:
    if not 0 <= value <= 100:
        entry.error(key, "discount-range", f"expected a percentage from 0 to 100, got {describe(value)}")
    return float(value)
