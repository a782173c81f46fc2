"""`partners/program.yml`: the tiers, regions and versions of the program, validated and located."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..core.models import Program, Region, Serving, Tier, Version
from ..core.problems import Report, Scope
from ..core.schema import Entry, Field, Read, Schema, describe, read_percentage, read_url
from ..core.yamlio import YamlList, YamlMap, load_yaml, read_text

PROGRAM_FILE = "partners/program.yml"

VERSION_SOURCES = ("worktree", "git", "snapshot")

VERSION_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
TIER_ID = VERSION_NAME  # a folder name and a word in nginx's configuration
REGION_ID = re.compile(r"[A-Za-z0-9_]+")  # a folder name and part of nginx's variable names
# The names below a region's URL that are the portal's own, not versions: a partner's kit, the search API.
RESERVED_NAMES = ("kit", "api")
# The path of a served region's base_url: folders of plain names, which nginx's locations match.
_SERVED_PATH = re.compile(r"/(?:[A-Za-z0-9_-][A-Za-z0-9._-]*/)*")

_LANGUAGE = re.compile(r"[a-z]{2}(-[A-Z]{2})?")
_CURRENCY = re.compile(r"[A-Z]{3}")


def _matching(pattern: re.Pattern[str], code: str, wanted: str) -> Read:
    """A rule for a code (or a list of codes, each at its line) that must match `pattern`."""

    def read(entry: Entry, key: str, value: str | YamlList) -> str | tuple[str, ...]:
        items = list(enumerate(value)) if isinstance(value, YamlList) else [(None, value)]
        for index, item in items:
            if not pattern.fullmatch(item):
                line = value.line_of(index) if isinstance(value, YamlList) and index is not None else None
                entry.error(key, code, f"expected {wanted}, got {describe(item)}", line)
        return tuple(value) if isinstance(value, YamlList) else value

    return read


_read_language = _matching(_LANGUAGE, "language", "a language code such as 'en' or 'pt-BR'")
_read_currency = _matching(_CURRENCY, "currency", "an ISO 4217 code such as 'EUR'")


def _read_time_zones(entry: Entry, key: str, value: YamlList) -> tuple[str, ...]:
    for index, zone in enumerate(value):
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            entry.error(
                key, "time-zone", f"unknown time zone '{zone}' (expected an IANA name such as 'Europe/Berlin')", value.line_of(index)
            )
    return tuple(value)


def _read_certified(entry: Entry, key: str, value: YamlMap) -> tuple[tuple[str, int], ...]:
    """`requires.certified` of a tier: people per certification (checked against the paths once content is read)."""
    counts = []
    for path_id, count in value.items():
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            line = value.line_of(path_id)
            entry.error(f"{key}.{path_id}", "schema-type", f"expected a number of people (1 or more), got {describe(count)}", line)
        else:
            counts.append((str(path_id), count))
    return tuple(counts)


PROGRAM_FIELDS = Schema(
    "program",
    Field(
        "default_language",
        str,
        "Language of the pages without a suffix (`page.md`); every region builds it.",
        required=True,
        read=_read_language,
    ),
    Field("tiers", list, "The partner tiers, lowest first.", required=True),
    Field("regions", dict, "The deploy units, by id (`na`, `eu`, `apac`).", required=True),
    Field("versions", list, "The released editions of the docs; the first is the default.", required=True),
)

TIER_FIELDS = Schema(
    "program",
    Field("id", str, "Identifier used in front matter and gated blocks (`gold`).", required=True),
    Field("discount", int, "Resale discount off list price, in percent (0-100).", required=True, read=read_percentage),
    Field("requires", dict, "What a partner needs to reach the tier: `certified:` maps learning path ids to a number of certified people."),
)

REQUIREMENT_FIELDS = Schema(
    "program",
    Field("certified", dict, "Learning path id → how many people must hold its certification.", read=_read_certified, default=()),
    Field("sourced_revenue", int, "Partner-sourced revenue over the last 12 months, in USD."),
    Field("points", int, "Programme points over the last 12 months."),
    Field("csat", int, "Customer satisfaction, 1 to 5."),
    Field("registered_deals", int, "Deals registered over the last 12 months."),
)

TARGETS = ("sourced_revenue", "points", "csat", "registered_deals")

# What nginx's configuration can hold as a plain word: no spaces, quotes, `;`, braces or `$` (a variable).
SERVER_URL = re.compile(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~:/?&=%+-]*)?")
LISTEN = re.compile(r"(?P<host>\[[0-9A-Fa-f:]+\]|[A-Za-z0-9.-]+):(?P<port>[0-9]{1,5})")


def _read_server_url(entry: Entry, key: str, value: str) -> str:
    if not SERVER_URL.fullmatch(value):
        entry.error(key, "unsafe-url", f"expected an http(s) URL of letters, digits and - . _ ~ : / ? & = % +, got {describe(value)}")
    return value


def _read_listen(entry: Entry, key: str, value: str) -> str:
    match = LISTEN.fullmatch(value)
    if not match or not 0 < int(match["port"]) < 65536:
        entry.error(key, "serving-listen", f"expected HOST:PORT (127.0.0.1:8080), got {describe(value)}")
    return value


def _read_timeout(entry: Entry, key: str, value: int) -> float:
    if not 1 <= value <= 60:
        entry.error(key, "serving-timeout", f"expected 1 to 60 seconds, got {describe(value)}")
    return float(value)


DEFAULT_SERVING = Serving()
SERVING_FIELDS = Schema(
    "program",
    Field("listen", str, f"HOST:PORT of the region's nginx server (default `{DEFAULT_SERVING.listen}`).", read=_read_listen),
    Field(
        "auth_url",
        str,
        "The sign-in's check, asked by nginx about every request (the contract: README, Serving a region). "
        "With it the portal links each partner to its kit.",
        read=_read_server_url,
    ),
    Field("auth_timeout", int, "Seconds the check may take; nginx answers 500 after them (default 2).", read=_read_timeout),
    Field(
        "signin_url",
        str,
        "Where a request without a session is sent, with its URL appended (`…/oauth2/start?rd=`); none: a plain 401.",
        read=_read_server_url,
    ),
    Field(
        "search_url",
        str,
        f"The region's search service (`partnerkb search-service`, default `{DEFAULT_SERVING.search_url}`).",
        read=_read_server_url,
    ),
    Field(
        "search",
        bool,
        "The search box asks the region's search service (`partnerkb search-service`); the static index answers when it does not.",
    ),
)


def _read_serving(entry: Entry, key: str, value: YamlMap) -> Serving:
    serving = entry.child(value, entry.label(key), entry.line_of(key))
    if not SERVING_FIELDS.read(serving):
        return DEFAULT_SERVING
    given = {name: found for name, found in serving.values.items() if name in value}
    return Serving(**given)


REGION_FIELDS = Schema(
    "program",
    Field(
        "languages",
        list,
        "Languages of the region's build, the default language first.",
        required=True,
        items=str,
        read=_read_language,
    ),
    Field("currency", str, "Default currency, an ISO 4217 code (`EUR`).", required=True, read=_read_currency),
    Field(
        "time_zones", list, "IANA time zones of the region's sessions (`Europe/Berlin`).", required=True, items=str, read=_read_time_zones
    ),
    Field("price_books", list, "Further currencies the region's price lists offer (`[JPY]`).", items=str, read=_read_currency),
    Field("notice", str, "Key under `notices:` in locales/*.yml of the legal notice shown on every page.", required=True),
    Field("base_url", str, "Public URL of the region's portal (https).", required=True, read=read_url),
    Field(
        "serving",
        dict,
        "How the region is served: nginx, its sign-in and search service, below.",
        read=_read_serving,
        default=DEFAULT_SERVING,
    ),
)

VERSION_FIELDS = Schema(
    "version",
    Field("name", str, "Folder name and selector entry (`2026.2`).", required=True),
    Field("title", str, "Label in the version selector.", required=True),
    Field(
        "source",
        str,
        "Where the pages come from: `worktree` (content/, uncommitted files included), `git` (content/ of `ref`) or `snapshot` (versions/<name>/content/).",
        required=True,
        choices=VERSION_SOURCES,
    ),
    Field("ref", str, "With `source: git`: the branch, tag or commit whose content/ this version shows."),
    Field("aliases", list, "Other names of this version (`latest`).", items=str),
    Field("hidden", bool, "Leave the version out of the selector."),
)


def load_program(root: Path, report: Report) -> Program | None:
    """Read partners/program.yml into a Program, or None when it is unusable."""
    text = read_text(root / PROGRAM_FILE, PROGRAM_FILE, report)
    if text is None:
        return None
    read = Scope(report)
    data = load_yaml(text, PROGRAM_FILE, read)
    if data is None and not read.failed:
        report.error(PROGRAM_FILE, 1, "schema-missing", "the file is empty: it declares default_language, tiers, regions and versions")
    entry = Entry(data, PROGRAM_FILE, report)
    if data is None or not PROGRAM_FIELDS.read(entry):
        return None
    default_language = entry.values["default_language"]
    tiers = _load_tiers(entry)
    regions = _load_regions(entry, default_language)
    versions = _load_versions(entry)
    if not entry.ok or not tiers or not regions or not versions:
        return None
    return Program(default_language, tiers, regions, versions)


def _load_tiers(program: Entry) -> tuple[Tier, ...]:
    tiers: list[Tier] = []
    items = program.data["tiers"]
    for index, item in enumerate(items):
        entry = program.child(item, f"tiers[{index}]", items.line_of(index))
        if not TIER_FIELDS.read(entry):
            continue
        values = entry.values
        if not TIER_ID.fullmatch(values["id"]):
            entry.error("id", "tier-id", f"'{values['id']}': expected letters, digits, '.', '_' or '-'")
            continue
        if any(t.id == values["id"] for t in tiers):
            entry.error("", "duplicate-tier", f"tier '{values['id']}' is defined twice", entry.line_of("id"))
            continue
        requires = values["requires"]
        needs = entry.child(requires, entry.label("requires"), entry.line_of("requires"))
        if requires and not REQUIREMENT_FIELDS.read(needs):
            continue
        certified = needs.values.get("certified", ())
        targets = tuple((key, float(needs.values[key])) for key in TARGETS if needs.values.get(key) is not None)
        tiers.append(Tier(values["id"], len(tiers), values["discount"], certified, targets, entry.line_of("requires")))
    if not tiers:
        program.error("tiers", "no-tiers", "at least one tier is needed", items.line)
    return tuple(tiers)


def _load_regions(program: Entry, default_language: str) -> tuple[Region, ...]:
    regions: list[Region] = []
    items = program.data["regions"]
    for region_id, item in items.items():
        entry = program.child(item, f"regions.{region_id}", items.line_of(region_id))
        if not REGION_FIELDS.read(entry):
            continue
        languages = entry.values["languages"]
        if not languages or languages[0] != default_language:
            entry.error("languages", "region-default-language", f"must start with the default language '{default_language}'")
        if not REGION_ID.fullmatch(str(region_id)):
            entry.error("", "region-id", f"'{region_id}': expected letters, digits or '_'")
        if entry.values["serving"].signed_in and not _SERVED_PATH.fullmatch(urlsplit(entry.values["base_url"]).path or "/"):
            message = "a served region's path must be folders of letters, digits, '.', '_' or '-', ending in '/'"
            entry.error("base_url", "serving-base-url", message)
        regions.append(Region(str(region_id), **entry.values))
    if not items:
        program.error("regions", "no-regions", "at least one region is needed", items.line)
    return tuple(regions)


def _load_versions(program: Entry) -> tuple[Version, ...]:
    versions: list[Version] = []
    items = program.data["versions"]
    for index, item in enumerate(items):
        entry = program.child(item, f"versions[{index}]", items.line_of(index))
        if not VERSION_FIELDS.read(entry):
            continue
        values = entry.values
        source, ref = values["source"], values["ref"]
        if source in VERSION_SOURCES and (source == "git") != bool(ref):
            message = (
                "a git version needs 'ref' (a branch, tag or commit)"
                if source == "git"
                else f"'ref' goes with 'source: git', not '{source}'"
            )
            entry.error("", "version-ref", message, entry.line_of("ref" if ref else "source"))
        names = [values["name"], *values["aliases"]]
        for name in names:
            if not VERSION_NAME.fullmatch(name):
                entry.error("", "version-name", f"'{name}': expected letters, digits, '.', '_' or '-'")
            if name in RESERVED_NAMES:
                key = "name" if name == values["name"] else "aliases"
                message = f"'{name}' is the portal's own name (its URLs: {', '.join(RESERVED_NAMES)}); choose another"
                entry.error(key, "version-name", message)
            if any(name == v.name or name in v.aliases for v in versions) or names.count(name) > 1:
                entry.error("", "duplicate-version", f"the name '{name}' is used twice")
        versions.append(Version(**values, line=entry.line_of("ref" if ref else "source")))
    if not versions:
        program.error("versions", "no-versions", "at least one version is needed", items.line)
    return tuple(versions)
