"""The translatable texts of the data files (catalog, collateral, training): where each is and how current.

A translatable field is a mapping of texts by language (`name: {en: …, de: …}`). Like a page's
translation, each translated text records the source text it translates: the field's
`source_hash: {de: …, ja: …}`, the sha256 of the default language's text, written by
`partnerkb i18n stamp` or `partnerkb i18n import`, never by hand.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..core.schema import STAMP_KEY
from ..core.yamledit import KeyPath, compose, dotted, set_value
from .translations import State

# The data files of today's content/ that hold translatable texts, relative to the project.
DATA_FILES = ("content/catalog/*.yml", "content/collateral/*/collateral.yml", "content/training/*.yml", "content/training/*/*.quiz.yml")


@dataclass(frozen=True)
class DataText:
    """One translatable text of a data file: its texts by language and the stamps of its translations.

    Most are a field's texts (`summary: {en: …, de: …}`); a field whose languages each hold a mapping
    or a list (a collateral item's `texts`, a course's `objectives`) gives one per entry (`suffix`),
    and its stamps, kept on the field, vouch for the language's whole entry.
    """

    file: str  # relative to the project
    path: KeyPath  # of the field
    suffix: KeyPath  # after the language: () for a field of texts, ("headline",) in `texts: {en: {headline: …}}`
    line: int  # of the default language's text
    texts: dict[str, str]  # by language, as the builder reads them (stripped)
    stamps: dict[str, str]  # the field's source_hash of each stamped translation, by language
    source: str  # what a stamp hashes: the default language's text (of the field's whole entry, for a group)
    regions: frozenset[str] | None  # the regions of the item it belongs to; None: every region

    @property
    def where(self) -> str:
        """How exports name it: `content/catalog/x.yml:skus[0].name`; `texts.*.headline` in a group."""
        return f"{self.file}:{dotted((*self.path, '*', *self.suffix) if self.suffix else self.path)}"

    def location(self, lang: str) -> KeyPath:
        """Where its text in `lang` is in the file."""
        return (*self.path, lang, *self.suffix)

    def state(self, lang: str) -> State | None:
        """How current its text in `lang` is; None when it has none."""
        if lang not in self.texts:
            return None
        if lang not in self.stamps:
            return State.UNSTAMPED
        return State.CURRENT if self.stamps[lang] == text_hash(self.source) else State.CHANGED

    def in_region(self, region: str) -> bool:
        return self.regions is None or region in self.regions


def text_hash(text: str) -> str:
    """The `source_hash` a translation of this default-language text records."""
    return hashlib.sha256(text.strip().encode("utf-8")).hexdigest()


def data_files(root: Path) -> list[Path]:
    return sorted({path for pattern in DATA_FILES for path in root.glob(pattern) if path.is_file()})


def data_texts(root: Path, languages: tuple[str, ...], default: str) -> list[DataText]:
    """Every translatable field of the data files, in file order (files the loader refused are skipped:
    check reports them)."""
    found: list[DataText] = []
    for path in data_files(root):
        try:
            node = compose(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError):
            continue
        if node is not None:
            found.extend(_walk(path.relative_to(root).as_posix(), node, (), None, set(languages), default))
    return found


def _walk(file: str, node: Node, path: KeyPath, regions: frozenset[str] | None, languages: set[str], default: str) -> Iterator[DataText]:
    if isinstance(node, SequenceNode):
        for index, item in enumerate(node.value):
            yield from _walk(file, item, (*path, index), regions, languages, default)
        return
    if not isinstance(node, MappingNode):
        return
    entries = {key.value: value for key, value in node.value if isinstance(key, ScalarNode)}
    if default in entries and set(entries) <= languages | {STAMP_KEY}:
        yield from _field(file, path, entries, regions, default)
        return
    named = entries.get("regions")
    if isinstance(named, SequenceNode):
        regions = frozenset(item.value for item in named.value if isinstance(item, ScalarNode))
    for key, value in entries.items():
        yield from _walk(file, value, (*path, key), regions, languages, default)


def _field(file: str, path: KeyPath, entries: dict[str, Node], regions: frozenset[str] | None, default: str) -> Iterator[DataText]:
    stamps = _stamps(entries.pop(STAMP_KEY, None))
    original = entries[default]
    if isinstance(original, ScalarNode):
        texts = {lang: value.value.strip() for lang, value in entries.items() if isinstance(value, ScalarNode)}
        yield DataText(file, path, (), original.start_mark.line + 1, texts, stamps, texts[default], regions)
        return
    parts = _parts(original)
    source = json.dumps({str(k): v.value.strip() for k, v in parts.items()}, ensure_ascii=False, sort_keys=True)
    by_lang = {lang: _parts(value) for lang, value in entries.items()}
    for suffix, text in parts.items():
        texts = {lang: found[suffix].value.strip() for lang, found in by_lang.items() if suffix in found}
        yield DataText(file, path, (suffix,), text.start_mark.line + 1, texts, stamps, source, regions)


def _parts(node: Node) -> dict[str | int, ScalarNode]:
    """The texts of one language's entry of a group: by key of a mapping, by index of a list."""
    if isinstance(node, MappingNode):
        return {k.value: v for k, v in node.value if isinstance(k, ScalarNode) and isinstance(v, ScalarNode)}
    if isinstance(node, SequenceNode):
        return {i: v for i, v in enumerate(node.value) if isinstance(v, ScalarNode)}
    return {}


def _stamps(node: Node | None) -> dict[str, str]:
    if not isinstance(node, MappingNode):
        return {}
    return {k.value: v.value for k, v in node.value if isinstance(k, ScalarNode) and isinstance(v, ScalarNode)}


def stamp_texts(text: str, fields: list[DataText], languages: tuple[str, ...], default: str) -> str:
    """A data file's text with every translation of `fields` in `languages` stamped as current."""
    translated: dict[KeyPath, set[str]] = {}  # by field: a group's entries share one stamp
    for field in fields:
        translated.setdefault(field.path, set()).update(lang for lang in languages if lang in field.texts and lang != default)
    first = {field.path: field for field in reversed(fields)}
    for path, stamped in translated.items():
        field = first[path]
        stamps = {**field.stamps, **dict.fromkeys(stamped, text_hash(field.source))}
        text = with_stamps(text, field, stamps, languages)
    return text


def with_stamps(text: str, field: DataText, stamps: dict[str, str], order: tuple[str, ...]) -> str:
    """The file's text with the field's `source_hash:` set to `stamps`, in the program's language order."""
    if stamps == field.stamps:
        return text
    return set_value(text, (*field.path, STAMP_KEY), ordered_stamps(stamps, order))


def ordered_stamps(stamps: dict[str, str], order: tuple[str, ...]) -> dict[str, str]:
    """Stamps in the program's language order, as they are written."""
    return {lang: stamps[lang] for lang in sorted(stamps, key=lambda lang: (order.index(lang) if lang in order else len(order), lang))}
