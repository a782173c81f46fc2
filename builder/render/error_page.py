"""The site's 404 page in its default language.

mkdocs-static-i18n builds each other language into the same site folder after the default one, and
every build writes the theme's 404.html at the folder's root: the last language's would stay, so
that a region whose first language is English answered a missing page in German.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.plugins import BasePlugin, event_priority

ERROR_PAGE = "404.html"


class DefaultErrorPage(BasePlugin):  # type: ignore[type-arg,no-untyped-call]
    """Keeps the 404 page of the first (default-language) build of a site, for `restore` to put back."""

    def __init__(self) -> None:
        super().__init__()
        self.page: bytes | None = None

    @event_priority(100)  # before mkdocs-static-i18n's post-build, which runs the other languages' builds
    def on_post_build(self, config: Any) -> None:
        path = Path(config.site_dir) / ERROR_PAGE
        if self.page is None and path.is_file():
            self.page = path.read_bytes()

    def restore(self, site_dir: Path) -> None:
        if self.page is not None:
            (site_dir / ERROR_PAGE).write_bytes(self.page)
