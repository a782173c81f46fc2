"""Material's navigation, rendered once per item and place instead of once per page.

Material writes the whole navigation into every page, so a tree of N pages costs N² item renders:
the largest part of rendering a big portal. Yet a top-level item that is not on the page's own path
comes out the same from every page whose links to it are the same. The theme's
`partials/nav-item.html` hands each top-level item to `NavigationCache.item`, which renders it with
Material's own macro the first time and reuses that HTML wherever the item, its place and its links
(as relative URLs from the page) are the same. The items on the page's path, with the page's table of
contents, are rendered for each page, as Material renders them. The cache lives as long as a group
of variants that one worker renders (see `run.render_group`), so the tiers of a version share it.
"""

from __future__ import annotations

import json
import posixpath
from typing import Any
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup
from mkdocs.plugins import BasePlugin
from mkdocs.structure.nav import Link, Section
from mkdocs.structure.pages import Page
from mkdocs.utils import normalize_url

from ..core.compiled import keep_compiled

# The theme's override of this template calls `pkb_nav_item`; Material's own is rendered from here.
NAV_ITEM = "partials/nav-item.html"
_Key = tuple[Any, ...]


class NavigationCache(BasePlugin):  # type: ignore[type-arg,no-untyped-call]
    """A plugin (added to each variant's config) that gives the theme `pkb_nav_item`."""

    def __init__(self) -> None:
        super().__init__()
        self.rendered: dict[_Key, str] = {}
        self.hits = 0
        self.misses = 0
        # What is learned of each navigation object of a build, by id; the object is kept with it,
        # so that no other object is given that id while the build lasts.
        self._signatures: dict[int, tuple[Any, _Key | None]] = {}
        self._urls: dict[int, tuple[Any, tuple[str, ...]]] = {}
        self._shared: dict[int, tuple[Any, tuple[str, ...] | None]] = {}
        self._material: jinja2.Template | None = None
        self._module: tuple[jinja2.runtime.Context, Any] | None = None

    def on_env(self, env: jinja2.Environment, config: Any, files: Any) -> jinja2.Environment:
        # Each language is a build of its own, with its own navigation objects: what was learned of
        # the last one's objects (by id) no longer holds; the HTML, keyed by content, does.
        self._signatures.clear()
        self._urls.clear()
        self._shared.clear()
        self._module = None
        keep_compiled(env)
        self._material = _material_template(env, config)
        env.globals["pkb_nav_item"] = self.item
        return env

    @jinja2.pass_context
    def item(self, context: jinja2.runtime.Context, nav_item: Any, path: str, level: int, parent: Any = None) -> str:
        """A navigation item as Material's macro renders it on this page."""
        page = context.get("page")
        key = self._key(context, nav_item, path, level, page) if level == 1 and self._material is not None else None
        if key is not None and key in self.rendered:
            self.hits += 1
            return Markup(self.rendered[key])
        html = str(self._material_module(context).render(nav_item, path, level, parent))
        if key is not None:
            self.misses += 1
            self.rendered[key] = html
        return Markup(html)

    def _material_module(self, context: jinja2.runtime.Context) -> Any:
        """Material's nav-item template made with this page's context (once per page)."""
        # The context itself is kept (not its id, which a later page's context could be given).
        if self._module is None or self._module[0] is not context:
            assert self._material is not None
            self._module = (context, self._material.make_module(vars=context.get_all()))
        return self._module[1]

    def _key(self, context: jinja2.runtime.Context, nav_item: Any, path: str, level: int, page: Any) -> _Key | None:
        """What Material's macro reads of an item off the page's path; None when the item is on it (or unknown)."""
        signature = self._signature(nav_item)
        if signature is None or page is None or getattr(nav_item, "active", True):
            return None
        urls = self._urls_of(nav_item)
        if page.url in urls:
            return None
        config = context.get("config")
        status = json.dumps((config.extra or {}).get("status"), sort_keys=True, default=str) if config else ""
        features = tuple(context.get("features") or ())
        return (signature, path, level, features, status, self._relative(nav_item, page))

    def _relative(self, item: Any, page: Page) -> _Key:
        """The item's links as the page's `url` filter makes them (relative URLs), or what determines them.

        All the links of a section start with the parts its URLs share; from a page outside it, each
        link goes up to where the page's URL leaves those parts, then down: two numbers say it all.
        """
        shared = self._shared_parts(item)
        if shared is not None:
            other = _parts(_folder_of(page.url))
            common = _common_length(other, shared)
            if common < len(shared):
                return ("up-and-down", common, len(other))
        return tuple(normalize_url(url, page=page) for url in self._urls_of(item))

    def _shared_parts(self, item: Any) -> tuple[str, ...] | None:
        """The leading path parts that all the item's URLs share; None when one is not a plain path in the site."""
        if id(item) not in self._shared:
            urls = self._urls_of(item)
            plain = all(_plain(url) for url in urls) and urls
            self._shared[id(item)] = (item, _common(_parts(url) for url in urls) if plain else None)
        return self._shared[id(item)][1]

    def _signature(self, item: Any) -> _Key | None:
        """Everything Material's macro reads of an item and its children, as a hashable value."""
        if id(item) not in self._signatures:
            self._signatures[id(item)] = (item, _signature_of(item, self._signature))
        return self._signatures[id(item)][1]

    def _urls_of(self, item: Any) -> tuple[str, ...]:
        if id(item) not in self._urls:
            own = (item.url,) if isinstance(item, (Page, Link)) else ()
            children = tuple(url for child in getattr(item, "children", None) or () for url in self._urls_of(child))
            self._urls[id(item)] = (item, own + children)
        return self._urls[id(item)][1]


def _signature_of(item: Any, signature: Any) -> _Key | None:
    if isinstance(item, Page):
        meta = json.dumps(item.meta or {}, sort_keys=True, default=str)
        extra = (getattr(item, "typeset", None), getattr(item, "encrypted", None))
        return ("page", item.title, item.url, item.is_index, meta, repr(extra))
    if isinstance(item, Section):
        children = tuple(signature(child) for child in item.children)
        return None if None in children else ("section", item.title, children)
    if type(item) is Link:
        return ("link", item.title, item.url)
    return None  # a kind of item this cache does not know: rendered for every page


def _plain(url: str) -> bool:
    """A URL that MkDocs' `url` filter makes relative without going above the site (mkdocs.utils.normalize_url)."""
    split = urlsplit(url)
    return (
        bool(url)
        and "\\" not in url
        and not (split.scheme or split.netloc or url.startswith(("/", "#")))
        and not (posixpath.normpath(url) + "/").startswith("../")
    )


def _folder_of(url: str) -> str:
    """A page URL without its file name, as mkdocs.utils.get_relative_url reads it."""
    folder, _, name = url.rpartition("/")
    return folder if "." in name else url


def _parts(path: str) -> tuple[str, ...]:
    """The parts of a path, normalized as mkdocs.utils.get_relative_url normalizes them."""
    normal = posixpath.normpath(path if path.startswith("/") else "/" + path)[1:]
    return tuple(normal.split("/")) if normal else ()


def _common_length(one: tuple[str, ...], other: tuple[str, ...]) -> int:
    """How many leading parts two paths share."""
    return next((i for i, (a, b) in enumerate(zip(one, other, strict=False)) if a != b), min(len(one), len(other)))


def _common(all_parts: Any) -> tuple[str, ...]:
    """The leading parts that all the paths share."""
    shared: tuple[str, ...] | None = None
    for parts in all_parts:
        shared = parts if shared is None else shared[: _common_length(shared, parts)]
    return shared or ()


def _material_template(env: jinja2.Environment, config: Any) -> jinja2.Template | None:
    """Material's own nav-item template, its includes still resolved through the theme (overrides first)."""
    custom = config.theme.custom_dir
    for folder in config.theme.dirs:
        if folder == custom:
            continue
        loader = jinja2.FileSystemLoader(folder)
        try:
            source = loader.get_source(env, NAV_ITEM)
        except jinja2.TemplateNotFound:
            continue
        overlay = env.overlay(loader=jinja2.ChoiceLoader([jinja2.DictLoader({NAV_ITEM: source[0]}), env.loader]))  # type: ignore[list-item]
        return overlay.get_template(NAV_ITEM)
    return None
