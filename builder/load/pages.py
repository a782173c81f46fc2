"""The pages of one version's content folder: front matter, gates, translations and assets, validated and located."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from ..core import gate, reader
from ..core.models import Page, Program
from ..core.paths import page_url, split_language, without_language
from ..core.problems import Report, Silent, did_you_mean
from ..core.references import find_links
from ..core.schema import Entry, Field, Schema, check_mapping, regions_field, tier_field
from ..core.yamlio import YamlMap, load_yaml, read_text, symlink_problem
from ..features import training
from ..features.project import Content
from ..render.meta import mkdocs_metadata

FRONT_MATTER_FIELDS = Schema(
    "page",
    Field("title", str, "Page title; default: the page's first heading as rendered, outside every gate."),
    Field("summary", str, "One line shown in teasers, catalog and search results; required with `teaser`."),
    tier_field("Minimum tier that sees the page; default: the lowest tier."),
    regions_field("Regions whose builds have the page; default: every region."),
    Field("teaser", bool, 'Lower tiers get a locked page at the same URL: title, summary, "available from".'),
    Field("description", str, "HTML meta description (MkDocs)."),
    Field("hide", list, "Material: parts of the page to hide (`navigation`, `toc`, `footer`).", items=str),
    Field("icon", str, "Material: icon shown in the navigation."),
    Field("status", str, "Material: status badge in the navigation (`new`, `deprecated`)."),
    Field("search", dict, "Material: search options (`exclude: true`, `boost: 2`)."),
    Field("tags", list, "Material: tags of the page.", items=str),
    Field("template", str, "MkDocs: template of the page in `theme/`."),
    Field(
        "priority",
        int,
        "How much partners read the page, for translators: `partnerkb i18n` lists untranslated pages by priority "
        "(highest first), then as the navigation shows them; default 0.",
    ),
    Field(
        "source_hash",
        str,
        "A translation only: the sha256 of its source's body when the translation was last reviewed; "
        "written by `partnerkb i18n stamp`, never by hand. A translation whose source changed since is stale.",
    ),
)

INHERITED_KEYS = ("tier", "regions", "teaser")

# MkDocs renders these as pages too; partnerkb gates only `.md` files, so the others are refused.
_OTHER_MARKDOWN_SUFFIXES = {".markdown", ".mdown", ".mkdn", ".mkd"}

# Folders of content/ that hold data (the catalog, collateral templates) rather than pages and their files.
DATA_FOLDERS = ("catalog", "collateral")


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
    entry = Entry(original, source, report if front is original else Silent(), line=2, program=program)
    ok = FRONT_MATTER_FIELDS.read(entry) and entry.ok
    min_tier, regions, teaser = (
        entry.values.get("min_tier") or program.lowest_tier,
        entry.values.get("regions"),
        bool(original.get("teaser")),
    )
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
    source_hash = _source_hash(front, front is original, source, report)
    priority = entry.values.get("priority") or 0
    return Page(
        path, lang, source, title, summary, min_tier, regions, teaser, text, tuple(gates), source_hash=source_hash, priority=priority
    )


_SHA256 = re.compile(r"[0-9a-f]{64}")


def _source_hash(front: YamlMap, is_original: bool, source: str, report: Report) -> str | None:
    """A translation's `source_hash`, when it is one: 64 lowercase hex digits, on a translation only."""
    value = front.get("source_hash")
    if value is None:
        return None
    if is_original:
        report.error(
            source, front.line_of("source_hash"), "source-hash", "source_hash: only a translation records the revision of its source"
        )
        return None
    if not _SHA256.fullmatch(value):
        report.error(
            source,
            front.line_of("source_hash"),
            "source-hash",
            "source_hash: expected the sha256 of the source's body; run 'partnerkb i18n stamp' on this file",
        )
        return None
    return str(value)


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
