"""Declared schemas: each field once, with the one-line doc that the authors' guide shows.

`check_mapping` validates a loaded YAML mapping against a schema: types, required fields and
unknown keys (a warning, an error under --strict). Rules that relate several fields live in the
loader of each model, in one explicit step after this.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .models import Program, Tier
from .problems import Report, did_you_mean
from .yamlio import YamlList, YamlMap

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
    """One key of a YAML schema."""

    name: str
    kind: type
    doc: str
    required: bool = False
    items: type | None = None  # the type of list items, for kind=list


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


def check_mapping(data: Any, fields: Sequence[Field], path: str, report: Report, where: str = "", line: int = 1) -> bool:
    """Report every problem of `data` against `fields`; True when the types are usable."""
    prefix = f"{where}: " if where else ""
    if not isinstance(data, dict):
        report.error(path, line, "schema-type", f"{prefix}expected a mapping, got {describe(data)}")
        return False
    ok = True
    known = {f.name: f for f in fields}
    for key in data:
        if key not in known:
            key_line = data.line_of(key) if isinstance(data, YamlMap) else line
            report.warn(path, key_line, "unknown-key", f"{prefix}unknown key '{key}'{did_you_mean(str(key), known)}")
    for field in fields:
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
            report.error(path, key_line, "schema-type", f"{prefix}{field.name}: expected {_TYPE_NAMES[field.kind]}, got {describe(value)}")
            ok = False
        elif field.items is not None:
            for index, item in enumerate(value):
                if not _type_ok(item, field.items):
                    item_line = value.line_of(index) if isinstance(value, YamlList) else key_line
                    report.error(
                        path,
                        item_line,
                        "schema-type",
                        f"{prefix}{field.name}: expected a list of {_PLAIN_NAMES[field.items]}s, got {describe(item)}",
                    )
                    ok = False
    return ok


def markdown_table(fields: Sequence[Field]) -> str:
    """The schema as a Markdown table, for the authors' guide."""
    rows = ["| key | type | required | meaning |", "| --- | --- | --- | --- |"]
    for f in fields:
        kind = f"list of {_PLAIN_NAMES[f.items]}s" if f.items else _PLAIN_NAMES[f.kind]
        rows.append(f"| `{f.name}` | {kind} | {'yes' if f.required else 'no'} | {f.doc} |")
    return "\n".join(rows)


def tier_and_regions(data: YamlMap, source: str, where: str, program: Program, report: Report) -> tuple[Tier | None, frozenset[str] | None]:
    """The `tier` and `regions` keys shared by pages, products and SKUs: (None, …) when the tier is unknown.

    Unknown tiers and regions are reported at their line with the closest valid name.
    """
    tier_ids = [t.id for t in program.tiers]
    region_ids = [r.id for r in program.regions]
    tier: Tier | None = program.lowest_tier
    if "tier" in data:
        if data["tier"] in tier_ids:
            tier = program.tier(data["tier"])
        else:
            hint = did_you_mean(str(data["tier"]), tier_ids)
            report.error(source, data.line_of("tier"), "unknown-tier", f"{where}tier: unknown tier '{data['tier']}'{hint}")
            tier = None
    regions = frozenset(data["regions"]) if "regions" in data else None
    for index, region in enumerate(data.get("regions", ())):
        if region not in region_ids:
            hint = did_you_mean(region, region_ids)
            report.error(source, data["regions"].line_of(index), "unknown-region", f"{where}regions: unknown region '{region}'{hint}")
    return tier, regions


def translations(data: YamlMap, key: str, source: str, program: Program, report: Report, required: bool = True) -> dict[str, str]:
    """A translatable key (`{en: …, de: …}`): its texts by language; the default language is required."""
    value = data.get(key)
    if value is None:
        return {}
    return texts_by_language(value, key, data.line_of(key), source, program, report, required)


def texts_by_language(
    value: YamlMap, label: str, line: int, source: str, program: Program, report: Report, required: bool = True
) -> dict[str, str]:
    """A mapping of texts by language, as `label` at `line` names it in messages."""
    texts = {lang: str(text).strip() for lang, text in value.items() if isinstance(text, (str, int, float))}
    if required and program.default_language not in texts:
        report.error(source, line, "translation-default", f"{label}: the default language '{program.default_language}' is needed")
    for lang in value:
        if lang not in program.languages:
            report.warn(
                source,
                value.line_of(lang),
                "translation-language",
                f"{label}: '{lang}' is not a language any region builds{did_you_mean(str(lang), program.languages)}",
            )
    return texts


# Ids that become file and folder names and URLs: nothing that could climb out of a folder or need quoting.
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def check_id(data: YamlMap, source: str, where: str, report: Report) -> bool:
    """An `id` must be a plain name: lower-case letters, digits and '-'."""
    if ID_PATTERN.match(str(data["id"])):
        return True
    report.error(
        source,
        data.line_of("id"),
        "bad-id",
        f"{where}id: expected lower-case letters, digits and '-' (it names files and URLs), got {describe(data['id'])}",
    )
    return False


def check_url(data: YamlMap, key: str, source: str, report: Report) -> bool:
    """Only http(s) URLs with a host: `javascript:`, `data:` and relative ones are refused."""
    url = str(data.get(key, ""))
    # A host, then a path without spaces, quotes, angle brackets or control characters.
    if re.fullmatch(r"https?://[A-Za-z0-9.-]+(:[0-9]+)?(/[^\s\x00-\x1f\x7f\"'<>\\]*)?", url):
        return True
    report.error(source, data.line_of(key), "unsafe-url", f"{key}: expected an http(s) URL, got {describe(url)}")
    return False
