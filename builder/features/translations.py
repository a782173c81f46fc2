"""Translations measured against their sources: current, stale or never stamped, and what is left to translate.

A translation (`page.de.md`) records in its front matter the revision of its source it was made
from: `source_hash:`, the sha256 of the source's body (everything after the front matter), written
by `partnerkb i18n stamp` once a translator has reviewed it. When the source's body changes, the
hash no longer matches and the translation is *stale*: readers see a notice, authors see it in
`partnerkb i18n`. A translation without the line was never stamped, so no one knows whether it
is current: it counts as stale too.
"""

from __future__ import annotations

import enum
import hashlib
import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from ..core import gate
from ..core.models import Page


class State(enum.Enum):
    CURRENT = "current"
    CHANGED = "changed"  # the source's body changed since the stamp
    UNSTAMPED = "unstamped"  # never stamped: its source's revision is unknown


@dataclass(frozen=True)
class Translation:
    original: Page
    translation: Page
    state: State

    @property
    def stale(self) -> bool:
        return self.state is not State.CURRENT


def body(text: str) -> str:
    """A page's text after its front matter: what a translation translates."""
    lines = text.split("\n")
    return "\n".join(lines[gate.body_start(lines) :])


def body_hash(text: str) -> str:
    """The `source_hash` a translation of a page with this text records."""
    return hashlib.sha256(body(text).encode("utf-8")).hexdigest()


def translations(pages: tuple[Page, ...], default: str) -> list[Translation]:
    """Every translation of a version's pages with its original, in the order of their files."""
    originals = {page.path: page for page in pages if page.lang == default}
    found = []
    for page in pages:
        original = originals.get(page.path)
        if page.lang == default or original is None:
            continue
        if page.source_hash is None:
            state = State.UNSTAMPED
        else:
            state = State.CURRENT if page.source_hash == body_hash(original.text) else State.CHANGED
        found.append(Translation(original, page, state))
    return sorted(found, key=lambda t: t.translation.source)


def navigation_order(path: str) -> tuple[tuple[int, str], ...]:
    """Where a page stands in the navigation MkDocs makes of the folders: a folder's index first, then by name."""
    parts = PurePosixPath(path).parts
    return tuple((0 if i == len(parts) - 1 and part in ("index.md", "README.md") else 1, part) for i, part in enumerate(parts))


_STAMP_LINE = re.compile(r"^source_hash:.*$", re.MULTILINE)


def stamped(text: str, digest: str) -> str:
    """`text` with its front matter's `source_hash:` line set to `digest`; nothing else of the file changes.

    Without the line, it is added at the end of the front matter; without front matter, one is made.
    """
    line = f"source_hash: {digest}"
    lines = text.split("\n")
    end = gate.body_start(lines)
    if end == 0:
        return f"---\n{line}\n---\n{text}"
    front = "\n".join(lines[: end - 1])
    front = _STAMP_LINE.sub(line, front, count=1) if _STAMP_LINE.search(front) else f"{front}\n{line}"
    return "\n".join([front, *lines[end - 1 :]])
