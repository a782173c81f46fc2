"""The typed, immutable models of a portal, loaded once by `load` and passed on explicitly."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field

from .gate import Gate, GateKind

# What a search result may be: a section of a page, or a thing the builder writes (a catalog product,
# a row of its price table, a course, a module, a live session, a collateral item).
SEARCH_TYPES = ("page", "product", "sku", "course", "module", "session", "collateral")


@dataclass(frozen=True)
class Tier:
    """A partner tier; tiers are ordered by `rank` (0 = lowest)."""

    id: str
    rank: int
    discount: float
    # People certified per learning path a partner needs for the tier ("gold requires 2 sales specialists").
    certified: tuple[tuple[str, int], ...] = ()
    # CRM figures a partner needs for the tier: sourced_revenue (USD), points, csat, registered_deals.
    targets: tuple[tuple[str, float], ...] = ()
    line: int = field(default=1, compare=False)  # of its `requires` in partners/program.yml

    def allows(self, minimum: Tier) -> bool:
        """True when a partner of this tier may see content whose minimum tier is `minimum`."""
        return self.rank >= minimum.rank


@dataclass(frozen=True)
class Gating:
    """Who sees a thing (a page, product, SKU, course, session, collateral item): the one gating rule.

    A minimum tier and the regions (None: every region); with `teaser`, the region's lower tiers get a
    locked teaser in its place.
    """

    min_tier: Tier
    regions: frozenset[str] | None = None
    teaser: bool = False

    def in_region(self, region: Region) -> bool:
        return self.regions is None or region.id in self.regions

    def visible_to(self, region: Region, tier: Tier) -> bool:
        return self.in_region(region) and tier.allows(self.min_tier)

    def teased_to(self, region: Region, tier: Tier) -> bool:
        """True when this variant shows a locked teaser instead of the thing."""
        return self.teaser and self.in_region(region) and not tier.allows(self.min_tier)

    def allows(self, variant: Variant) -> bool:
        return self.visible_to(variant.region, variant.tier)

    def within(self, outer: Gating) -> Gating:
        """Seen only by those who see both: the higher tier, the common regions."""
        min_tier = max(self.min_tier, outer.min_tier, key=lambda t: t.rank)
        if self.regions is None or outer.regions is None:
            return Gating(min_tier, self.regions if outer.regions is None else outer.regions, self.teaser)
        return Gating(min_tier, self.regions & outer.regions, self.teaser)


@dataclass(frozen=True)
class Serving:
    """How a region is served (its `serving:` in partners/program.yml): behind nginx, which asks the sign-in
    service (`auth_url`) about every request, and with the search box on the search service when `search`."""

    listen: str = "127.0.0.1:8080"  # HOST:PORT of nginx's server for the region
    auth_url: str = ""  # the sign-in's check; "" : not served behind a sign-in (no links to a partner's kit)
    auth_timeout: float = 2.0  # seconds the check may take before nginx answers 500
    signin_url: str = ""  # where a request without a session goes, the original URL appended
    search_url: str = "http://127.0.0.1:8300"  # the search service (`partnerkb search-service`)
    search: bool = False  # the search box asks the search service (the static index is its fallback)

    @property
    def signed_in(self) -> bool:
        """True when every reader is a signed-in partner, so the portal can link to its own kit."""
        return bool(self.auth_url)


@dataclass(frozen=True)
class Region:
    """A deploy unit: its languages (the first is the default), currency, notice and URL."""

    id: str
    languages: tuple[str, ...]
    currency: str
    time_zones: tuple[str, ...]
    notice: str
    base_url: str
    price_books: tuple[str, ...] = ()  # currencies offered besides `currency`
    serving: Serving = Serving()

    @property
    def default_language(self) -> str:
        return self.languages[0]


@dataclass(frozen=True)
class Version:
    """A released edition of the docs: its pages come from the working tree, a git ref or a snapshot folder."""

    name: str
    title: str
    source: str  # "worktree", "git" or "snapshot"
    ref: str = ""  # for source "git": a branch, tag or commit
    aliases: tuple[str, ...] = ()
    hidden: bool = False
    line: int = 1  # of its `ref` (or `source`) in partners/program.yml, where problems finding its pages point


@dataclass(frozen=True)
class Program:
    """partners/program.yml: tiers (lowest first), regions and versions."""

    default_language: str
    tiers: tuple[Tier, ...]
    regions: tuple[Region, ...]
    versions: tuple[Version, ...]

    def tier(self, tier_id: str) -> Tier:
        return next(t for t in self.tiers if t.id == tier_id)

    def region(self, region_id: str) -> Region:
        return next(r for r in self.regions if r.id == region_id)

    @property
    def lowest_tier(self) -> Tier:
        return self.tiers[0]

    def variants(self) -> list[Variant]:
        """Every (region, tier, version), in the order of the program."""
        return [Variant(r, t, v) for r in self.regions for t in self.tiers for v in self.versions]

    @property
    def languages(self) -> tuple[str, ...]:
        """Every language any region builds, the default first."""
        seen: dict[str, None] = {self.default_language: None}
        for region in self.regions:
            seen.update(dict.fromkeys(region.languages))
        return tuple(seen)


@dataclass(frozen=True)
class Page:
    """One Markdown file of content/: a page in the default language or a translation of one."""

    path: str  # relative to content/, of the default-language page ("deals/index.md")
    lang: str
    source: str  # the file, relative to the project ("content/deals/index.de.md")
    title: str
    summary: str
    min_tier: Tier
    regions: frozenset[str] | None  # None: every region
    teaser: bool
    text: str  # the whole file, front matter included
    gates: tuple[Gate, ...]
    prefix: str = "content/"  # how its version's content folder is named in messages
    # A translation: the sha256 of its source's body when it was last reviewed (`partnerkb i18n stamp`).
    source_hash: str | None = None
    priority: int = 0  # the order translators take untranslated pages in (highest first); its original's

    @functools.cached_property
    def gating(self) -> Gating:
        return Gating(self.min_tier, self.regions, self.teaser)

    def in_region(self, region: Region) -> bool:
        return self.gating.in_region(region)

    def visible_to(self, region: Region, tier: Tier) -> bool:
        return self.gating.visible_to(region, tier)

    def teased_to(self, region: Region, tier: Tier) -> bool:
        """True when this variant shows a locked teaser at the page's URL instead of the page."""
        return self.gating.teased_to(region, tier)


@dataclass(frozen=True)
class Locale:
    """locales/<lang>.yml: every label the builder and theme generate, flattened to dotted keys."""

    lang: str
    source: str
    strings: Mapping[str, str]  # every label, the default language's where this file lacks one
    own: frozenset[str] = frozenset()  # the keys this file itself has

    def t(self, key: str, **values: str) -> str:
        """The label `key` with its placeholders filled; the key itself if the label is missing (already reported)."""
        return self.strings.get(key, key).format(**values)


@dataclass(frozen=True)
class GeneratedPage:
    """A page the builder writes from data (catalog, training) for one language, below the language root."""

    path: str  # "catalog/beacon-saas.md"
    source: str  # the data file it comes from, for messages
    title: str
    summary: str
    text: str
    teaser_tier: Tier | None = None  # set on a locked teaser: the tier the real page needs


def babel_locale(lang: str) -> str:
    """The name Babel knows a language by: `pt-BR` -> `pt_BR`."""
    return lang.replace("-", "_")


@functools.cache
def text_direction(lang: str) -> str:
    """How a language is written, for `dir`: `ltr` or `rtl` (Babel knows)."""
    from babel import Locale

    return str(Locale.parse(babel_locale(lang)).text_direction)


def pick(texts: Mapping[str, str], lang: str, default: str) -> str:
    """A translatable text in `lang`, else in the default language."""
    return texts.get(lang) or texts.get(default, "")


@dataclass(frozen=True)
class Variant:
    """One static tree: what a partner of `tier` in `region` reads in `version`."""

    region: Region
    tier: Tier
    version: Version

    @property
    def id(self) -> str:
        return f"{self.region.id}/{self.tier.id}/{self.version.name}"

    def allows(self, gate: Gate) -> bool:
        """True when this variant may see the content of a gated block."""
        if gate.kind is GateKind.REGION:
            return self.region.id in gate.values
        return gate.rank is not None and self.tier.rank >= gate.rank
