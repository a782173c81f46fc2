"""Stage 1: read a portal repository into a validated `Project`, reporting every problem located."""

from __future__ import annotations

import datetime
import html
import re
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from urllib.parse import unquote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..core import gate, reader
from ..core.models import Content, Page, Program, Project, Region, Tier, Version
from ..core.paths import page_url, split_language, without_language
from ..core.problems import ProblemsFound, Report, did_you_mean
from ..core.references import find_links
from ..core.schema import Field, check_mapping, describe, tier_and_regions
from ..core.yamlio import YamlList, YamlMap, load_yaml, read_text, report_symlinks, symlink_problem
from ..features import training
from ..features.catalog import load_catalog
from ..features.collateral import load_collateral
from ..features.kits import check_kit_templates
from ..features.partners import Partner, load_partners
from ..render.meta import mkdocs_metadata
from ..render.run import read_mkdocs_yml
from .locales import load_locales
from .sources import SourceError, content_folder

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
FRONT_MATTER_FIELDS = (
    Field("title", str, "Page title; default: the page's first heading as rendered, outside every gate."),
    Field("summary", str, "One line shown in teasers, catalog and search results; required with `teaser`."),
    Field("tier", str, "Minimum tier that sees the page; default: the lowest tier."),
    Field("regions", list, "Regions whose builds have the page; default: every region.", items=str),
    Field("teaser", bool, 'Lower tiers get a locked page at the same URL: title, summary, "available from".'),
    Field("description", str, "HTML meta description (MkDocs)."),
    Field("hide", list, "Material: parts of the page to hide (`navigation`, `toc`, `footer`).", items=str),
    Field("icon", str, "Material: icon shown in the navigation."),
    Field("status", str, "Material: status badge in the navigation (`new`, `deprecated`)."),
    Field("search", dict, "Material: search options (`exclude: true`, `boost: 2`)."),
    Field("tags", list, "Material: tags of the page.", items=str),
    Field("template", str, "MkDocs: template of the page in `theme/`."),
)
INHERITED_KEYS = ("tier", "regions", "teaser")

# MkDocs renders these as pages too; partnerkb gates only `.md` files, so the others are refused.
_OTHER_MARKDOWN_SUFFIXES = {".markdown", ".mdown", ".mkdn", ".mkd"}
VERSION_SOURCES = ("worktree", "git", "snapshot")
# Folders of content/ that hold data (the catalog, collateral templates) rather than pages and their files.
DATA_FOLDERS = ("catalog", "collateral")
VERSION_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_LANGUAGE = re.compile(r"^[a-z]{2}(-[A-Z]{2})?$")


def load_project(root: Path, report: Report, as_of: datetime.datetime | None = None, partners_dir: Path | None = None) -> Project:
    """Load and validate a whole portal; raises ProblemsFound when nothing sensible can be built.

    `as_of` is the build's point in time (default: 1980-01-01), which decides what is past.
    `partners_dir` holds the partner files when they come from outside the repository (a CRM export).
    """
    program = load_program(root, report)
    if program is None:
        raise ProblemsFound()
    # The data folders of today's content/ serve every version, whatever folder a version's pages come from.
    for shared in ("locales", "theme", "partners", "content/catalog", "content/collateral"):
        report_symlinks(root / shared, f"{shared}/", report)
    if partners_dir is not None:
        report_symlinks(partners_dir, f"{partners_dir.as_posix().rstrip('/')}/", report)
    locales = load_locales(root, program, report)
    catalog = load_catalog(root, program, report)
    product_ids = {p.id for p in catalog}
    parser = markdown_parser(root)
    contents = {}
    for version in program.versions:
        try:
            folder, prefix = content_folder(root, version)
        except SourceError as exc:
            report.error(PROGRAM_FILE, version.line, "version-source", f"version '{version.name}': {exc}")
            raise ProblemsFound() from exc
        contents[version.name] = load_content(folder, prefix, program, report, parser, product_ids)
    _check_certifications(program, contents, report)
    partners = _load_partners(root, partners_dir, program, contents, report)
    collateral = load_collateral(root, program, report)
    check_kit_templates(partners, collateral, program, report)
    project = Project(root, program, contents, locales, catalog, partners, collateral)
    return replace(project, as_of=as_of) if as_of else project


def _load_partners(
    root: Path, partners_dir: Path | None, program: Program, contents: dict[str, Content], report: Report
) -> tuple[Partner, ...]:
    """Partner files from `partners/`, or from `partners_dir` (named by its path in messages); certifications checked."""
    folder = partners_dir or root / "partners"
    shown = "partners/" if partners_dir is None else f"{partners_dir.as_posix().rstrip('/')}/"
    partners = load_partners(folder, shown, program, report)
    paths = {p.id for content in contents.values() for p in content.training.paths}
    for partner in partners:
        for path_id in partner.certified:
            if path_id not in paths:
                report.error(
                    partner.source,
                    1,
                    "training-reference",
                    f"metrics.certified: no learning path '{path_id}'{did_you_mean(path_id, sorted(paths))}",
                )
    return partners


def markdown_parser(root: Path) -> reader.Parser:
    """The renderer's Markdown parser for this project (MkDocs' defaults when mkdocs.yml is unusable: `check` says why)."""
    try:
        base = read_mkdocs_yml(root)
    except Exception:  # noqa: BLE001 (any reason is reported by check_base_config, with its line)
        base = {}
    try:
        return reader.Parser(base if isinstance(base, dict) else {})
    except Exception:  # noqa: BLE001 (an extension that does not load: reported by check_base_config)
        return reader.Parser({})


def asset_mentions(pages: tuple[Page, ...], assets: tuple[str, ...], languages: tuple[str, ...]) -> dict[str, frozenset[str]]:
    """Which pages name each asset: by a link that resolves to it, or by its file name in any other way
    (plain, percent-encoded or as HTML entities); a language's copy (`plan.de.svg`) is named wherever `plan.svg` is.
    The safe side of deciding what an asset belongs to."""
    links = {p.source: {link.target for link in find_links(p.text.split("\n"), p.path)} for p in pages}
    # The text as written, and as a browser would read names in it: entities and percent-escapes decoded.
    texts = {p.source: f"{p.text}\n{unquote(html.unescape(p.text))}" for p in pages}
    mentions = {}
    for asset in assets:
        names = {asset, without_language(asset, languages)}
        spellings = {PurePosixPath(name).name for name in names}
        mentions[asset] = frozenset(p.source for p in pages if names & links[p.source] or any(s in texts[p.source] for s in spellings))
    return mentions


# --- program.yml -------------------------------------------------------------------------------


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


def _check_certifications(program: Program, contents: dict[str, Content], report: Report) -> None:
    """A tier may only require certifications that some version's learning paths award."""
    paths = sorted({p.id for content in contents.values() for p in content.training.paths})
    for tier in program.tiers:
        for path_id, _ in tier.certified:
            if path_id not in paths:
                report.error(
                    PROGRAM_FILE, tier.line, "training-reference",
                    f"tiers: '{tier.id}' requires certification '{path_id}', but no learning path has that id{did_you_mean(path_id, paths)}",
                )  # fmt: skip


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


# --- content -----------------------------------------------------------------------------------


def load_content(
    content: Path, prefix: str, program: Program, report: Report, parser: reader.Parser, product_ids: set[str] | None = None
) -> Content:
    """Read every page and list every asset of one version's content folder (named `prefix` in messages)."""
    if content.is_symlink():
        report.error(prefix.rstrip("/"), 1, "symlink", symlink_problem(content))
        return Content(content, (), (), training=training.Training())
    if not content.is_dir():
        report.error(prefix.rstrip("/"), 1, "missing-file", "folder not found")
        return Content(content, (), (), training=training.Training())
    markdown: list[str] = []
    assets: list[str] = []
    for file in sorted(content.rglob("*")):
        relative = file.relative_to(content).as_posix()
        if file.is_symlink():  # a file from outside would be published, a linked folder silently left out
            report.error(f"{prefix}{relative}", 1, "symlink", symlink_problem(file))
            continue
        if not file.is_file() or any(part.startswith(".") for part in PurePosixPath(relative).parts):
            continue
        if relative.split("/", 1)[0] in DATA_FOLDERS or training.is_data(relative):
            continue  # data the builder turns into pages; never copied as it is
        if file.suffix.lower() in _OTHER_MARKDOWN_SUFFIXES or file.suffix.lower() == ".md" != file.suffix:
            report.error(f"{prefix}{relative}", 1, "page-suffix", f"Markdown pages end in '.md': rename to '{file.stem}.md'")
            continue
        (markdown if file.suffix == ".md" else assets).append(relative)
    sources = [_read_page(content, prefix, relative, program, report) for relative in markdown]
    originals = {
        relative
        for relative in markdown
        if split_language(relative, program.languages, program.default_language) == (relative, program.default_language)
    }
    pages = tuple(_inherit(program, [p for p in sources if p is not None], originals, parser, report))
    found_training, pages = training.load_training(content, prefix, program, pages, product_ids or set(), report)
    _check_unique_urls(pages, report)
    unread = frozenset(
        located[0]
        for relative, source in zip(markdown, sources, strict=True)
        if source is None and (located := split_language(relative, program.languages, program.default_language)) is not None
    )
    mentions = asset_mentions(pages, tuple(assets), program.languages)
    return Content(content, pages, tuple(assets), mentions, found_training, unread)


@dataclass(frozen=True)
class _Source:
    """A page file as read, before its default-language page lends it tier and regions."""

    path: str
    lang: str
    source: str
    prefix: str  # how the version's content folder is named in messages ("content/")
    front: YamlMap
    text: str


def _read_page(content: Path, prefix: str, relative: str, program: Program, report: Report) -> _Source | None:
    source = f"{prefix}{relative}"
    located = split_language(relative, program.languages, program.default_language)
    if located is None:
        report.warn(
            source,
            1,
            "unknown-language",
            f"the suffix names a language that no region builds ({', '.join(program.languages)}); file ignored",
        )
        return None
    text = read_text(content / relative, source, report)
    if text is None:
        return None
    front = _front_matter(text, source, report)
    if front is None:
        return None
    return _Source(located[0], located[1], source, prefix, front, text)


def _front_matter(text: str, source: str, report: Report) -> YamlMap | None:
    front = _fenced_front_matter(text, source, report)
    if front is None:
        return None
    theirs = {str(key) for key in mkdocs_metadata(text)[1]}
    ours = {str(key) for key in front}
    if theirs != ours:
        if ours:
            detail = f"MkDocs reads the keys {', '.join(sorted(theirs)) or 'none'} from it"
            report.error(source, 1, "front-matter", f"front matter that MkDocs reads differently: {detail}")
        else:
            report.error(
                source, 1, "front-matter",
                f"MkDocs reads the first lines as metadata ({', '.join(sorted(theirs))}) although they have no '---' fences: "
                "put front matter between '---' lines, or start the page with a heading or a blank line",
            )  # fmt: skip
        return None
    return front


def _fenced_front_matter(text: str, source: str, report: Report) -> YamlMap | None:
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return YamlMap.empty(line=1)
    for end in range(1, len(lines)):
        if lines[end].rstrip() in ("---", "..."):
            break
    else:
        report.error(source, 1, "front-matter", "front matter is never closed (add a line '---')")
        return None
    data = load_yaml("\n".join(lines[1:end]), source, report, line_offset=1)
    if data is None and "\n".join(lines[1:end]).strip():
        return None
    if data is None:
        data = YamlMap.empty(line=2)
    if not check_mapping(data, FRONT_MATTER_FIELDS, source, report, line=2):
        return None
    return data if isinstance(data, YamlMap) else None


def _inherit(program: Program, sources: list[_Source], originals: set[str], parser: reader.Parser, report: Report) -> list[Page]:
    """Build pages; translations take tier, regions and teaser from their default-language page."""
    by_path = {s.path: s.front for s in sources if s.lang == program.default_language}
    pages = []
    for path, lang, source, prefix, front, text in ((s.path, s.lang, s.source, s.prefix, s.front, s.text) for s in sources):
        original = by_path.get(path)
        if original is None:
            if path not in originals:  # else the original's own problems are reported already
                report.error(source, 1, "translation-orphan", f"translation of '{prefix}{path}', which does not exist")
            continue
        if front is not original:
            for key in INHERITED_KEYS:
                if key in front and front[key] != original.get(key):
                    report.error(
                        source,
                        front.line_of(key),
                        "translation-gating",
                        f"{key}: a translation inherits '{key}' from '{prefix}{path}'; remove it here or make it equal",
                    )
        page = _page(program, path, lang, source, front, original, text, parser, report)
        page = replace(page, prefix=prefix) if page is not None else None
        if page is not None:
            pages.append(page)
    return pages


def _page(
    program: Program, path: str, lang: str, source: str, front: YamlMap, original: YamlMap, text: str, parser: reader.Parser, report: Report
) -> Page | None:
    tier_ids = [t.id for t in program.tiers]
    region_ids = [r.id for r in program.regions]
    # A translation's tier and regions are its original's: reported once, at the original.
    mark = report.mark()
    tier, regions = tier_and_regions(original, source, "", program, report if front is original else Report())
    ok = tier is not None and not report.errors_since(mark)
    min_tier = tier or program.lowest_tier
    teaser = bool(original.get("teaser", False))
    summary = front.get("summary") or original.get("summary") or ""
    if teaser and not summary:
        report.error(source, front.line_of("teaser"), "teaser-summary", "teaser: a teaser page needs a 'summary' to show to lower tiers")
    if teaser and min_tier == program.lowest_tier and front is original:
        report.warn(source, front.line_of("teaser"), "teaser-useless", "teaser: the page is open to every tier, so no one sees a teaser")
    lines = text.split("\n")
    gates, problems = gate.scan(lines, first=gate.body_start(lines))
    for problem in problems:
        report.error(source, problem.line + 1, problem.code, problem.message)
    ok = _check_gate_values(gates, source, tier_ids, region_ids, report) and ok
    if not ok:
        return None
    gates = [replace(g, rank=tier_ids.index(g.values[0])) if g.kind is gate.GateKind.TIER else g for g in gates]
    title = front.get("title") or _first_heading(parser, lines, gates) or PurePosixPath(path).stem.replace("-", " ").capitalize()
    return Page(path, lang, source, title, summary, min_tier, regions, teaser, text, tuple(gates))


def _first_heading(parser: reader.Parser, lines: list[str], gates: list[gate.Gate]) -> str | None:
    """The page's first heading as the renderer makes it, with every gate cut: a title every reader may see.

    Teasers, the navigation of lower tiers and training's module lists show it, so a heading inside a
    gate, or a `# comment` inside code, must never become it.
    """
    body = gate.body_start(lines)
    return parser.first_heading("\n".join([""] * body + gate.refuse_all(lines, gates)[body:]))


def _check_gate_values(gates: list[gate.Gate], source: str, tier_ids: list[str], region_ids: list[str], report: Report) -> bool:
    ok = True
    for found in gates:
        known = tier_ids if found.kind is gate.GateKind.TIER else region_ids
        for value in found.values:
            if value not in known:
                report.error(
                    source,
                    found.start + 1,
                    f"unknown-{found.kind}",
                    f"/// {found.kind}: unknown {found.kind} '{value}'{did_you_mean(value, known)}",
                )
                ok = False
    return ok


def _check_unique_urls(pages: tuple[Page, ...], report: Report) -> None:
    seen: dict[tuple[str, str], Page] = {}
    for page in pages:
        key = (page_url(page.path), page.lang)
        if key in seen:
            other = seen[key]
            report.error(page.source, 1, "duplicate-url", f"'{page.source}' and '{other.source}' would both be published at '/{key[0]}'")
        else:
            seen[key] = page
