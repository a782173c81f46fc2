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

from .problems import Report


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


class _LineLoader(yaml.SafeLoader):
    """SafeLoader that builds YamlMap/YamlList and collects duplicate keys instead of overwriting."""

    def __init__(self, stream: str, line_offset: int) -> None:
        super().__init__(stream)
        self.line_offset = line_offset
        self.duplicates: list[tuple[int, Any]] = []

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

    def construct_yaml_seq(self, node: SequenceNode):  # type: ignore[no-untyped-def]
        items = YamlList()
        items.line = self.node_line(node)
        items.item_lines = [self.node_line(child) for child in node.value]
        yield items
        items.extend(self.construct_sequence(node, deep=True))


_LineLoader.add_constructor("tag:yaml.org,2002:map", _LineLoader.construct_yaml_map)
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _LineLoader.construct_yaml_seq)

_HINTS = {
    "cannot start any token": "YAML does not allow tabs for indentation; use spaces",
    "could not determine a constructor": "only plain YAML is allowed here: no Python or custom tags",
}


def load_yaml(text: str, path: str, report: Report, line_offset: int = 0) -> Any:
    """Parse `text` from `path` safely; problems go to `report` and the result is None on a syntax error."""
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
    return data


def read_text(path: Path, relative: str, report: Report) -> str | None:
    """A file as text (a UTF-8 byte-order mark dropped), or None with the reason reported as `relative`."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        report.error(relative, 1, "missing-file", "file not found")
        return None
    except OSError as exc:
        report.error(relative, 1, "unreadable", f"cannot read the file: {exc.strerror}")
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        report.error(relative, line, "encoding", f"not UTF-8 text: byte 0x{data[exc.start]:02x} cannot be decoded (save the file as UTF-8)")
        return None


def load_file(path: Path, shown: str, report: Report) -> Any:
    """A data file read and parsed, or None (reported); an empty file is an error, not "no data"."""
    text = read_text(path, shown, report)
    if text is None:
        return None
    if not text.strip():
        report.error(shown, 1, "empty-file", "the file is empty")
        return None
    return load_yaml(text, shown, report)
