"""`partners/program.yml`: the tiers, regions and versions of the program, validated and located."""

from __future__ import annotations

import re
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..core.models import Program, Region, Tier, Version
from ..core.problems import Report
from ..core.schema import Field, check_mapping, describe
from ..core.yamlio import YamlList, YamlMap, load_yaml, read_text

PROGRAM_FILE = "partners/program.yml"

PROGRAM_FIELDS = (
    Field("default_language", str, "Language of the pages without a suffix (`page.md`); every region builds it.", required=True),
    Field("tiers", list, "The partner tiers, lowest first.", required=True),
    Field("regions", dict, "The deploy units, by id (`na`, `eu`, `apac`).", required=True),
    Field("versions", list, "The released editions of the docs; the first is the default.", required=True),
)

TIER_FIELDS = (
    Field("id", str, "Identifier used in front matter and gated blocks (`gold`).", required=True),
    Field("discount", int, "Resale discount off list price, in percent (0-100).", required=True),
    Field("requires", dict, "What a partner needs to reach the tier: `certified:` maps learning path ids to a number of certified people."),
)

REQUIREMENT_FIELDS = (
    Field("certified", dict, "Learning path id → how many people must hold its certification."),
    Field("sourced_revenue", int, "Partner-sourced revenue over the last 12 months, in USD."),
    Field("points", int, "Programme points over the last 12 months."),
    Field("csat", int, "Customer satisfaction, 1 to 5."),
    Field("registered_deals", int, "Deals registered over the last 12 months."),
)

TARGETS = ("sourced_revenue", "points", "csat", "registered_deals")

REGION_FIELDS = (
    Field("languages", list, "Languages of the region's build, the default language first.", required=True, items=str),
    Field("currency", str, "Default currency, an ISO 4217 code (`EUR`).", required=True),
    Field("time_zones", list, "IANA time zones of the region's sessions (`Europe/Berlin`).", required=True, items=str),
    Field("price_books", list, "Further currencies the region's price lists offer (`[JPY]`).", items=str),
    Field("notice", str, "Key under `notices:` in locales/*.yml of the legal notice shown on every page.", required=True),
    Field("base_url", str, "Public URL of the region's portal (https).", required=True),
)

VERSION_FIELDS = (
    Field("name", str, "Folder name and selector entry (`2026.2`).", required=True),
    Field("title", str, "Label in the version selector.", required=True),
    Field(
        "source",
        str,
        "Where the pages come from: `worktree` (content/, uncommitted files included), `git` (content/ of `ref`) or `snapshot` (versions/<name>/content/).",
        required=True,
    ),
    Field("ref", str, "With `source: git`: the branch, tag or commit whose content/ this version shows."),
    Field("aliases", list, "Other names of this version (`latest`).", items=str),
    Field("hidden", bool, "Leave the version out of the selector."),
)

VERSION_SOURCES = ("worktree", "git", "snapshot")

VERSION_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")

_LANGUAGE = re.compile(r"^[a-z]{2}(-[A-Z]{2})?$")


def load_program(root: Path, report: Report) -> Program | None:
    """Read partners/program.yml into a Program, or None when it is unusable."""
    text = read_text(root / PROGRAM_FILE, PROGRAM_FILE, report)
    if text is None:
        return None
    mark = report.mark()
    data = load_yaml(text, PROGRAM_FILE, report)
    if data is None and not report.errors_since(mark):
        report.error(PROGRAM_FILE, 1, "schema-missing", "the file is empty: it declares default_language, tiers, regions and versions")
    if data is None or not check_mapping(data, PROGRAM_FIELDS, PROGRAM_FILE, report):
        return None
    mark = report.mark()
    default_language = data["default_language"]
    if not _LANGUAGE.match(default_language):
        report.error(
            PROGRAM_FILE,
            data.line_of("default_language"),
            "language",
            f"default_language: expected a language code such as 'en' or 'pt-BR', got {describe(default_language)}",
        )
    tiers = _load_tiers(data["tiers"], report)
    regions = _load_regions(data["regions"], default_language, report)
    versions = _load_versions(data["versions"], report)
    if report.errors_since(mark) or not tiers or not regions or not versions:
        return None
    return Program(default_language, tiers, regions, versions)


def _load_tiers(items: YamlList, report: Report) -> tuple[Tier, ...]:
    tiers: list[Tier] = []
    for index, item in enumerate(items):
        where = f"tiers[{index}]"
        if not check_mapping(item, TIER_FIELDS, PROGRAM_FILE, report, where, items.line_of(index)):
            continue
        if any(t.id == item["id"] for t in tiers):
            report.error(PROGRAM_FILE, item.line_of("id"), "duplicate-tier", f"{where}: tier '{item['id']}' is defined twice")
            continue
        if not 0 <= item["discount"] <= 100:
            report.error(
                PROGRAM_FILE,
                item.line_of("discount"),
                "discount-range",
                f"{where}: discount: expected a percentage from 0 to 100, got {item['discount']}",
            )
        certified = tuple(_certified(item, where, report).items())
        targets = tuple((key, float(item["requires"][key])) for key in TARGETS if key in (item.get("requires") or {}))
        tiers.append(Tier(item["id"], len(tiers), float(item["discount"]), certified, targets, item.line_of("requires")))
    if not tiers:
        report.error(PROGRAM_FILE, items.line, "no-tiers", "tiers: at least one tier is needed")
    return tuple(tiers)


def _certified(item: YamlMap, where: str, report: Report) -> dict[str, int]:
    """`requires.certified` of a tier: people per certification (checked against the paths once content is read)."""
    requires = item.get("requires")
    if requires is None or not check_mapping(
        requires, REQUIREMENT_FIELDS, PROGRAM_FILE, report, f"{where}.requires", item.line_of("requires")
    ):
        return {}
    counts = {}
    for path_id, count in (requires.get("certified") or {}).items():
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            line = requires["certified"].line_of(path_id)
            report.error(
                PROGRAM_FILE,
                line,
                "schema-type",
                f"{where}.requires.certified.{path_id}: expected a number of people (1 or more), got {describe(count)}",
            )
        else:
            counts[str(path_id)] = count
    return counts


def _load_regions(items: YamlMap, default_language: str, report: Report) -> tuple[Region, ...]:
    regions: list[Region] = []
    for region_id, item in items.items():
        where = f"regions.{region_id}"
        line = items.line_of(region_id)
        if not check_mapping(item, REGION_FIELDS, PROGRAM_FILE, report, where, line):
            continue
        languages = tuple(item["languages"])
        for index, lang in enumerate(languages):
            if not _LANGUAGE.match(lang):
                report.error(
                    PROGRAM_FILE,
                    item["languages"].line_of(index),
                    "language",
                    f"{where}.languages: expected a language code such as 'de' or 'pt-BR', got '{lang}'",
                )
        if not languages or languages[0] != default_language:
            report.error(
                PROGRAM_FILE,
                item.line_of("languages"),
                "region-default-language",
                f"{where}.languages: must start with the default language '{default_language}'",
            )
        if not re.fullmatch(r"[A-Z]{3}", item["currency"]):
            report.error(
                PROGRAM_FILE,
                item.line_of("currency"),
                "currency",
                f"{where}.currency: expected an ISO 4217 code such as 'EUR', got '{item['currency']}'",
            )
        if not re.match(r"https?://", item["base_url"]):
            report.error(
                PROGRAM_FILE, item.line_of("base_url"), "unsafe-url", f"{where}.base_url: expected an http(s) URL, got '{item['base_url']}'"
            )
        for index, currency in enumerate(item.get("price_books", ())):
            if not re.fullmatch(r"[A-Z]{3}", currency):
                report.error(
                    PROGRAM_FILE,
                    item["price_books"].line_of(index),
                    "currency",
                    f"{where}.price_books: expected ISO 4217 codes such as 'JPY', got '{currency}'",
                )
        for index, zone in enumerate(item["time_zones"]):
            try:
                ZoneInfo(zone)
            except (ZoneInfoNotFoundError, ValueError):
                report.error(
                    PROGRAM_FILE, item["time_zones"].line_of(index), "time-zone",
                    f"{where}.time_zones: unknown time zone '{zone}' (expected an IANA name such as 'Europe/Berlin')",
                )  # fmt: skip
        books = tuple(item.get("price_books", ()))
        regions.append(
            Region(str(region_id), languages, item["currency"], tuple(item["time_zones"]), item["notice"], item["base_url"], books)
        )
    if not items:
        report.error(PROGRAM_FILE, items.line, "no-regions", "regions: at least one region is needed")
    return tuple(regions)


def _load_versions(items: YamlList, report: Report) -> tuple[Version, ...]:
    versions: list[Version] = []
    for index, item in enumerate(items):
        where = f"versions[{index}]"
        if not check_mapping(item, VERSION_FIELDS, PROGRAM_FILE, report, where, items.line_of(index)):
            continue
        source, ref = item["source"], item.get("ref", "")
        if source not in VERSION_SOURCES:
            report.error(
                PROGRAM_FILE,
                item.line_of("source"),
                "version-source",
                f"{where}.source: expected one of {', '.join(VERSION_SOURCES)}, got '{source}'",
            )
        elif (source == "git") != bool(ref):
            message = (
                "a git version needs 'ref' (a branch, tag or commit)"
                if source == "git"
                else f"'ref' goes with 'source: git', not '{source}'"
            )
            report.error(PROGRAM_FILE, item.line_of("ref" if ref else "source"), "version-ref", f"{where}: {message}")
        names = [item["name"], *item.get("aliases", ())]
        for name in names:
            if not VERSION_NAME.fullmatch(name):
                report.error(PROGRAM_FILE, item.line, "version-name", f"{where}: '{name}': expected letters, digits, '.', '_' or '-'")
            if any(name == v.name or name in v.aliases for v in versions) or names.count(name) > 1:
                report.error(PROGRAM_FILE, item.line, "duplicate-version", f"{where}: the name '{name}' is used twice")
        line = item.line_of("ref" if ref else "source")
        versions.append(Version(item["name"], item["title"], source, ref, tuple(item.get("aliases", ())), item.get("hidden", False), line))
    if not versions:
        report.error(PROGRAM_FILE, items.line, "no-versions", "versions: at least one version is needed")
    return tuple(versions)
