"""A page's metadata as MkDocs itself reads it, for the stages that must agree with the renderer."""

from __future__ import annotations

from typing import Any


def mkdocs_metadata(text: str) -> tuple[str, dict[str, Any]]:
    """The body and metadata MkDocs reads from a page: YAML between `---` lines, or MultiMarkdown `key: value` lines."""
    from mkdocs.utils.meta import get_data

    body, meta = get_data(text)
    return body, meta if isinstance(meta, dict) else {}
