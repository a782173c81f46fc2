"""Safe YAML loading that remembers where every key and item came from.

Every YAML file of a portal except `mkdocs.yml` goes through `load_yaml`: a safe loader (no Python
tags), duplicate keys rejected, and line numbers kept on mappings and lists so that validation can
name the offending line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, SequenceNode

from .gate import GATE_MARKER
from .problems import Reporter


class YamlMap(dict):  # type: ignore[type-arg]
    """A mapping that knows its own line and the line of each key."""

    line: int
    key_lines: dict[Any, int]

    def line_of(self, key: Any) -> int:
        return self.key_lines.get(key, self.line)

    @classmethod
    def empty(cls, line: int) -> YamlMap:
        mapping = cls()
        mapping.line, mapping.key_lines = line, {}
        return mapping


class YamlList(list):  # type: ignore[type-arg]
    """A list that knows its own line and the line of each item."""

    line: int
    item_lines: list[int]

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


class _Lines(yaml.constructor.SafeConstructor):
    """The constructors of both loaders: YamlMap/YamlList, duplicate keys collected instead of overwriting."""

    def __init__(self, stream: str, line_offset: int) -> None:
        super().__init__(stream)  # type: ignore[call-arg]  # the parser's, next in the loaders' order
        self.line_offset = line_offset
        self.duplicates: list[tuple[int, Any]] = []
        self.gate_markers: list[int] = []

    def node_line(self, node: yaml.Node) -> int:
        return node.start_mark.line + 1 + self.line_offset

    def construct_yaml_map(self, node: MappingNode):  # type: ignore[no-untyped-def]
        mapping = YamlMap.empty(self.node_line(node))
        yield mapping
        self.flatten_mapping(node)
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, (str, int, float, bool)) and key is not None:
                raise yaml.constructor.ConstructorError(None, None, "a mapping key must be a plain value", key_node.start_mark)
            if key in mapping:
                self.duplicates.append((self.node_line(key_node), key))
                continue
            mapping[key] = self.construct_object(value_node, deep=True)
            mapping.key_lines[key] = self.node_line(key_node)

    def construct_yaml_str(self, node: yaml.ScalarNode) -> str:
        value = str(self.construct_scalar(node))
        marker = GATE_MARKER.search(value)
        if marker is not None:
            # A block scalar (`|`, `>`) starts on the line after its indicator.
            first = self.node_line(node) + (1 if node.style in ("|", ">") else 0)
            self.gate_markers.append(first + value.count("\n", 0, marker.start()))
        return value

    def construct_yaml_seq(self, node: SequenceNode):  # type: ignore[no-untyped-def]
        items = YamlList()
        items.line = self.node_line(node)
        items.item_lines = [self.node_line(child) for child in node.value]
        yield items
        items.extend(self.construct_sequence(node, deep=True))


class _LineLoader(_Lines, yaml.SafeLoader):
    """The pure-Python loader: it refuses aliases as it meets them, and its messages are the ones reported."""

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        # An alias repeats a whole subtree: nested ones grow exponentially ("billion laughs").
        if self.check_event(yaml.AliasEvent):
            raise yaml.composer.ComposerError(None, None, ALIAS_PROBLEM, self.peek_event().start_mark)  # type: ignore[no-untyped-call]
        return super().compose_node(parent, index)


# libyaml's parser, about ten times faster, reads the files that have no alias and no error; the others
# go to the pure-Python loader, so every message and line stays what it is.
_LIBYAML: bool = yaml.__with_libyaml__
# What PyYAML's reader refuses; the pure-Python loader reads such a text and reports it as it always has.
_NON_PRINTABLE = yaml.reader.Reader.NON_PRINTABLE


class _FastLineLoader(_Lines, getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """libyaml's parser with the same constructors (used only when libyaml is there: `_LIBYAML`)."""


GATE_IN_DATA = (
    "a '///' gate inside a YAML value is not applied: data is gated by its own 'tier:' and 'regions:' "
    "(give the item a tier, or split it into items)"
)
ALIAS_PROBLEM = "YAML aliases (*name) are not allowed here: write the value out"


def first_alias(text: str, fast: bool = False) -> int | None:
    """The line of the first alias in a YAML text, read as events (nothing is expanded), or None;
    with `fast`, by libyaml."""
    try:
        for event in yaml.parse(text, Loader=yaml.CSafeLoader if fast else yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent):
                return event.start_mark.line + 1 if event.start_mark else 1
    except yaml.YAMLError:
        return None  # a syntax error: reported where the file is loaded
    return None


for _loader in (_LineLoader, _FastLineLoader):
    for _tag, _construct in (("map", _Lines.construct_yaml_map), ("seq", _Lines.construct_yaml_seq), ("str", _Lines.construct_yaml_str)):
        _loader.add_constructor(f"tag:yaml.org,2002:{_tag}", _construct)  # type: ignore[type-var]  # the stubs want the class's own methods

_HINTS = {
    "cannot start any token": "YAML does not allow tabs for indentation; use spaces",
    "could not determine a constructor": "only plain YAML is allowed here: no Python or custom tags",
}


def load_yaml(text: str, path: str, report: Reporter, line_offset: int = 0) -> Any:
    """Parse `text` from `path` safely; problems go to `report` and the result is None on a syntax error."""
    fast = _fast_load(text, line_offset)
    if fast is not None:
        loader, data = fast
    else:
        loader = _LineLoader(text, line_offset)
        try:
            data = loader.get_single_data()
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = (mark.line + 1 if mark else 1) + line_offset
            message = f"invalid YAML: {exc.problem or exc.context}"
            hint = next((h for k, h in _HINTS.items() if k in str(exc.problem)), None)
            report.error(path, line, "yaml-syntax", message + (f" ({hint})" if hint else ""))
            return None
        except yaml.YAMLError as exc:
            report.error(path, 1 + line_offset, "yaml-syntax", f"invalid YAML: {exc}")
            return None
        finally:
            loader.dispose()
    for line, key in loader.duplicates:
        report.error(path, line, "yaml-duplicate-key", f"duplicate key '{key}'")
    for line in loader.gate_markers:
        report.error(path, line, "gate-in-data", GATE_IN_DATA)
    return data


def _fast_load(text: str, line_offset: int) -> tuple[_Lines, Any] | None:
    """The loader libyaml read `text` with, and the data; None when the text has an alias or an error
    (or libyaml is missing), which the pure-Python loader then reads and reports."""
    if not _LIBYAML or _NON_PRINTABLE.search(text) or ("*" in text and first_alias(text, fast=True) is not None):
        return None
    loader = _FastLineLoader(text, line_offset)
    try:
        return loader, loader.get_single_data()
    except yaml.YAMLError:
        return None
    finally:
        loader.dispose()


def read_text(path: Path, relative: str, report: Reporter) -> str | None:
    """A file as text (a UTF-8 byte-order mark dropped, every line ending a line feed), or None with the reason reported as `relative`.

    A symbolic link is refused: nothing from outside the project is read."""
    if path.is_symlink():
        report.error(relative, 1, "symlink", symlink_problem(path))
        return None
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        report.error(relative, 1, "missing-file", "file not found")
        return None
    except OSError as exc:
        report.error(relative, 1, "unreadable", f"cannot read the file: {exc.strerror}")
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        report.error(relative, line, "encoding", f"not UTF-8 text: byte 0x{data[exc.start]:02x} cannot be decoded (save the file as UTF-8)")
        return None
    # Once, here, as Python-Markdown does: every later reader splits lines on line feeds alone.
    return text.replace("\r\n", "\n").replace("\r", "\n")


def load_file(path: Path, shown: str, report: Reporter) -> Any:
    """A data file read and parsed, or None (reported); an empty file is an error, not "no data"."""
    text = read_text(path, shown, report)
    if text is None:
        return None
    if not text.strip():
        report.error(shown, 1, "empty-file", "the file is empty")
        return None
    return load_yaml(text, shown, report)


def symlink_problem(path: Path) -> str:
    """Why a symbolic link is refused, saying where it points."""
    target = path.resolve()
    kind = "a folder" if target.is_dir() else "a file"
    return f"a symbolic link to {kind} ('{target}'): partnerkb follows no links, so that nothing from outside the project is published (copy it here)"


def report_symlinks(folder: Path, shown: str, report: Reporter) -> None:
    """Every symbolic link below `folder`, and the folder itself, is an error, named as `shown` + its path."""
    if folder.is_symlink():
        report.error(shown.rstrip("/"), 1, "symlink", symlink_problem(folder))
        return
    if not folder.is_dir():
        return
    for path in sorted(folder.rglob("*")):
        if path.is_symlink():
            report.error(f"{shown}{path.relative_to(folder).as_posix()}", 1, "symlink", symlink_problem(path))
