"""The project as a build reads it: the program, each version's content and every feature's data, typed.

It sits above the features because it holds their models; nothing of the features imports it.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..core.models import Locale, Page, Program, Version
from .catalog import Product
from .collateral import Collateral
from .partners import Partner
from .training import Training


@dataclass(frozen=True)
class Content:
    """The pages and assets of one version, read from its own content folder."""

    folder: Path
    pages: tuple[Page, ...]
    assets: tuple[str, ...]  # non-Markdown files, relative to `folder`
    # For each asset, the sources of the pages that name its file, in a link or in any other way.
    mentions: Mapping[str, frozenset[str]] = field(default_factory=dict)
    training: Training = field(default_factory=Training)  # courses, paths and sessions of this version
    # Pages whose file could not be read (reported there): a link to one is not reported again.
    unread: frozenset[str] = frozenset()
    # When each page with a stale translation last changed (from git; absent when git does not know).
    changed: Mapping[str, datetime.date] = field(default_factory=dict)


@dataclass(frozen=True)
class Project:
    """Everything a build reads, loaded and validated once."""

    root: Path
    program: Program
    contents: Mapping[str, Content]  # by version name
    locales: Mapping[str, Locale] = field(default_factory=dict)
    catalog: tuple[Product, ...] = ()  # today's, for every version
    partners: tuple[Partner, ...] = ()  # every partner of every region
    collateral: tuple[Collateral, ...] = ()  # today's, for every version
    # The build's point in time (from --as-of): which live sessions are upcoming and which are recordings.
    as_of: datetime.datetime = datetime.datetime(1980, 1, 1, tzinfo=datetime.UTC)

    def content(self, version: Version) -> Content:
        return self.contents[version.name]
