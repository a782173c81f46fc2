"""Each page's Markdown converted once for the variants that have it alike.

The tiers of a version hold mostly the same pages: a page without a gate for the tier (and each
gated page, per side of its gates) is the same text at the same place in every tree that has it.
`SharedPages` makes every page of a build a `SharedPage`, whose `render` reuses the HTML of an
earlier conversion when everything the conversion reads is the same: the Markdown (after the other
plugins' `on_page_markdown`), the page's source, the Markdown extensions with their settings, and
what each file its links looked up was, with its URL relative to the page (MkDocs resolves links through
`Files.get_file_from_path`, which a conversion is given recorded). What MkDocs logged while
converting is logged again on reuse, so a broken link is reported by every variant that has it.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from typing import Any

from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import TableOfContents

# A file as a link from the page to it is converted (its URL relative to the page's): None when the path names no file.
_Found = tuple[str, str] | None


def _as_found(file: File | None, page: File) -> _Found:
    return None if file is None else (file.url_relative_to(page), str(file.inclusion))


@dataclass(frozen=True)
class _Converted:
    """What `Page.render` sets, with the files its anchor links point to named by the path that found them."""

    lookups: tuple[tuple[str, _Found], ...]  # each path the links looked up, and what it found
    content: str
    toc: TableOfContents
    title: str | None
    anchors: frozenset[str] | None
    links_to_anchors: dict[str, dict[str, str]] | None
    logged: tuple[logging.LogRecord, ...]


class SharedPages(BasePlugin):  # type: ignore[type-arg,no-untyped-call]
    """A plugin (added to each variant's config) that turns every page into a `SharedPage`."""

    def __init__(self) -> None:
        super().__init__()
        self.converted: dict[str, list[_Converted]] = {}
        self.hits = 0
        self.misses = 0
        self.settings = ""  # the Markdown settings of the build under way

    @event_priority(-200)  # after mkdocs-static-i18n (-100) has chosen each language's files
    def on_files(self, files: Files, config: Any) -> Files:
        settings = [config["markdown_extensions"], config["mdx_configs"], config["validation"], config["use_directory_urls"]]
        self.settings = json.dumps(settings, sort_keys=True, default=str)
        for file in files.documentation_pages():
            if file.page is None:
                SharedPage(None, file, config, self)
        return files


class SharedPage(Page):
    """A page whose conversion is shared through its `SharedPages`."""

    def __init__(self, title: str | None, file: File, config: Any, shared: SharedPages) -> None:
        super().__init__(title, file, config)
        self.shared = shared

    def render(self, config: Any, files: Files) -> None:
        assert self.markdown is not None
        # Not the page's URL: what a conversion makes of it is the links' URLs relative to it, which
        # the lookups hold. A language's fallback copy of a page then shares the original's HTML.
        page = (self.shared.settings, self.file.src_uri, str(self.file.inclusion), self.markdown)
        key = hashlib.sha256("\0".join(page).encode()).hexdigest()
        earlier = self.shared.converted.setdefault(key, [])
        for found in earlier:
            if all(_as_found(files.get_file_from_path(path), self.file) == target for path, target in found.lookups):
                self._reuse(found, files)
                self.shared.hits += 1
                return
        recorded = _RecordedFiles(files, self.file)
        logged = _Logged()
        logging.getLogger("mkdocs").addHandler(logged)
        try:
            super().render(config, recorded)  # type: ignore[arg-type]
        finally:
            logging.getLogger("mkdocs").removeHandler(logged)
        self.shared.misses += 1
        links = None
        if self.links_to_anchors is not None:
            links = {recorded.path_to(target): dict(anchors) for target, anchors in self.links_to_anchors.items()}
            if None in links:
                return  # an anchor link to a file the conversion did not look up: this one is not shared
        earlier.append(
            _Converted(
                tuple(recorded.lookups.items()),
                self.content or "",
                self.toc,
                self._title_from_render,
                frozenset(self.present_anchor_ids) if self.present_anchor_ids is not None else None,
                links,  # type: ignore[arg-type]
                tuple(logged.records),
            )
        )

    def _reuse(self, found: _Converted, files: Files) -> None:
        self.content, self.toc = found.content, found.toc
        # MkDocs keeps the first heading of the converted page here; the title falls back to it.
        self._title_from_render = found.title
        self.present_anchor_ids = set(found.anchors) if found.anchors is not None else None
        if found.links_to_anchors is not None:
            # The targets were looked up by the conversion, by these paths, and are found alike now.
            self.links_to_anchors = {
                files.get_file_from_path(path) if path else self.file: dict(anchors)  # type: ignore[misc]
                for path, anchors in found.links_to_anchors.items()
            }
        for record in found.logged:
            logging.getLogger(record.name).handle(record)


class _RecordedFiles:
    """The site's files, as a conversion sees them, with every path it looks up recorded."""

    def __init__(self, files: Files, page: File) -> None:
        self.files, self.page = files, page
        self.lookups: dict[str, _Found] = {}
        self.paths: dict[File, str] = {}

    def get_file_from_path(self, path: str) -> File | None:
        file = self.files.get_file_from_path(path)
        self.lookups[path] = _as_found(file, self.page)
        if file is not None:
            self.paths.setdefault(file, path)
        return file

    def path_to(self, file: File) -> str | None:
        """A path that found `file`; "" for the page itself (a link to an anchor of its own); None if none did."""
        return "" if file is self.page else self.paths.get(file)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.files, name)


class _Logged(logging.Handler):
    """Every record MkDocs logs while one page converts."""

    def __init__(self) -> None:
        super().__init__(logging.NOTSET)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)
