"""Editing a YAML file in place: one value set, everything else of the file (comments, order, quoting) kept byte for byte.

Authors' YAML is read with comments and layout that a dump would lose, so a command that writes a
translation or a stamp into it changes only the characters of that one value (or adds one key, after
its mapping's last or in front of a key named). The edited text is read back and compared before it is returned: an edit that
would mean something else is refused, never written.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

# Where a value is: the keys and list indexes from the top of the document ("skus", 0, "name").
KeyPath = tuple[str | int, ...]
# A value to write: a text, or a mapping of texts written on one line (`{de: …, ja: …}`), or nested keys.
Value = str | Mapping[str, Any]


class EditError(Exception):
    """The edit cannot be made as asked (a path through a text, say); the file is left as it was."""


def dotted(path: KeyPath) -> str:
    """A path as messages show it: `skus[0].name`."""
    shown = ""
    for part in path:
        shown += f"[{part}]" if isinstance(part, int) else (f".{part}" if shown else part)
    return shown


def compose(text: str) -> Node | None:
    return yaml.compose(text, Loader=yaml.SafeLoader)


def child(node: Node, part: str | int) -> tuple[Node, Node] | None:
    """The (key, value) nodes of `part` in a mapping, or (item, item) in a list; None when absent."""
    if isinstance(node, MappingNode) and isinstance(part, str):
        return next(((k, v) for k, v in node.value if isinstance(k, ScalarNode) and k.value == part), None)
    if isinstance(node, SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
        return node.value[part], node.value[part]
    return None


def set_value(text: str, path: KeyPath, value: Value, before: str | None = None) -> str:
    """`text` with the value at `path` set; a missing last key (or missing mappings on the way) is added,
    as its mapping's last entry or in front of the key `before` there."""
    try:
        node = compose(text)
    except yaml.YAMLError as exc:
        raise EditError(f"the file is not valid YAML ({exc.__class__.__name__})") from exc
    if not isinstance(node, (MappingNode, SequenceNode)) or not path:
        raise EditError("expected a mapping or a list at the top of the file")
    for depth, part in enumerate(path):
        found = child(node, part)
        if found is None:
            if not isinstance(node, MappingNode) or isinstance(part, int):
                raise EditError(f"{dotted(path[: depth + 1])}: no such item")
            nested: Value = value
            for key in reversed(path[depth + 1 :]):
                nested = _Keys({str(key): nested})
            edited = _add_key(text, node, str(part), nested, before)
            break
        key_node, node = found
        if depth == len(path) - 1:
            edited = _replace(text, key_node, node, value)
    _verify(edited, path, value)
    return edited


def _replace(text: str, key: Node, node: Node, value: Value) -> str:
    start, end = node.start_mark.index, _content_end(text, node)
    if isinstance(value, str) and isinstance(node, ScalarNode) and node.style == "|" and node.value.endswith("\n"):
        value = value.rstrip("\n") + "\n"  # a block text stays `|`, not `|-`
    rendered = _render(value, key.start_mark.column + 2)
    if isinstance(value, str) and isinstance(node, ScalarNode) and node.style in ('"', "'") and "\n" not in value:
        # A quoted text stays quoted the way it was.
        rendered = json.dumps(value, ensure_ascii=False) if node.style == '"' else "'" + value.replace("'", "''") + "'"
    return text[:start] + rendered + text[end:]


def _add_key(text: str, mapping: MappingNode, key: str, value: Value, before: str | None) -> str:
    """Add `key: value` as the mapping's last entry, or in front of `before`."""
    ahead = child(mapping, before) if before else None
    if ahead is not None and mapping.flow_style:
        at = ahead[0].start_mark.index
        return text[:at] + f"{_scalar(key, inline=True)}: {_render(value, 0, inline=True)}, " + text[at:]
    if ahead is not None:
        column = ahead[0].start_mark.column
        at = ahead[0].start_mark.index - column
        if text[at : at + column].strip() == "":  # the key starts its line
            return text[:at] + f"{' ' * column}{_scalar(key)}:{_after_key(value, column)}\n" + text[at:]
    if mapping.flow_style:
        close = mapping.end_mark.index - 1
        if text[close] != "}":
            raise EditError(f"cannot add '{key}' to the mapping at line {mapping.start_mark.line + 1}")
        separator = ", " if mapping.value else ""
        return text[:close] + f"{separator}{_scalar(key, inline=True)}: {_render(value, 0, inline=True)}" + text[close:]
    if not mapping.value:
        raise EditError(f"cannot add '{key}' to the empty mapping at line {mapping.start_mark.line + 1}")
    column = mapping.value[0][0].start_mark.column
    last = _content_end(text, mapping.value[-1][1])
    line_end = text.find("\n", last)
    line_end = len(text) if line_end == -1 else line_end
    entry = f"{' ' * column}{_scalar(key)}:{_after_key(value, column)}"
    return text[:line_end] + "\n" + entry + text[line_end:]


def _content_end(text: str, node: Node) -> int:
    """Where a value's own characters end: a block text's node also spans the line breaks after it, and a
    block collection's everything up to the next key."""
    if isinstance(node, MappingNode) and not node.flow_style and node.value:
        return _content_end(text, node.value[-1][1])
    if isinstance(node, SequenceNode) and not node.flow_style and node.value:
        return _content_end(text, node.value[-1])
    end = node.end_mark.index
    while end > node.start_mark.index and text[end - 1] in "\r\n":
        end -= 1
    return end


def _after_key(value: Value, column: int) -> str:
    """What follows `key:`: ` text`, or nested keys on the lines below."""
    if isinstance(value, _Keys):
        inner = column + 2
        return "".join(f"\n{' ' * inner}{_scalar(k)}:{_after_key(v, inner)}" for k, v in value.items())
    return " " + _render(value, column + 2)


class _Keys(dict[str, Any]):
    """Keys missing on the way to a value: written as a block of lines, not on one line."""


def _render(value: Value, indent: int, inline: bool = False) -> str:
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{_scalar(k, inline=True)}: {_render(v, indent, inline=True)}" for k, v in value.items()) + "}"
    if "\n" in value.strip("\n") and not inline:
        chomp = "" if value.endswith("\n") else "-"
        lines = value.rstrip("\n").split("\n")
        return f"|{chomp}" + "".join(f"\n{' ' * indent}{line}" if line else "\n" for line in lines)
    return _scalar(value, inline)


def _scalar(value: str, inline: bool = False) -> str:
    """A text on one line: plain where YAML reads it back unchanged, double-quoted otherwise."""
    flow_safe = not inline or not any(c in value for c in ",[]{}#")
    if value and flow_safe and "\n" not in value and value == value.strip():
        try:
            if yaml.safe_load(f"k: {value}") == {"k": value}:
                return value
        except yaml.YAMLError:
            pass
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted text


def _verify(edited: str, path: KeyPath, value: Value) -> None:
    try:
        data: Any = yaml.safe_load(edited)
    except yaml.YAMLError as exc:
        raise EditError(f"{dotted(path)}: the edit would break the file ({exc.__class__.__name__})") from exc
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            raise EditError(f"{dotted(path)}: the edit did not land where it should") from None
    expected = dict(value) if isinstance(value, Mapping) else value
    if (data.rstrip("\n") if isinstance(data, str) else data) != (expected.rstrip("\n") if isinstance(expected, str) else expected):
        raise EditError(f"{dotted(path)}: the edit would read back differently")
