"""Collateral: `content/collateral/<id>/collateral.yml` and its Jinja2 template.

Templates come from the content repository, so they run in Jinja's sandbox with autoescaping, a
loader that sees only their own folder, and undefined names as errors. They get plain data: the
texts of `collateral.yml` in one language, and a partner's name, logo, colours and contacts (or
the vendor's own, for the version linked from the tier trees). HTML becomes PDF with WeasyPrint,
which may fetch nothing but the partner's logo.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import html
import io
import os
import subprocess
import traceback
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from ..core.compiled import keep_compiled
from ..core.gate import GATE_MARKER
from ..core.models import Gating, GeneratedPage, Locale, Program, Region, Tier, pick, text_direction
from ..core.problems import Report, Reporter
from ..core.schema import ID_PATTERN, STAMP_KEY, Entry, Field, Schema, check_stamps, describe, read_texts, regions_field, tier_field
from ..core.yamlio import YamlList, YamlMap, load_file, read_text

FOLDER = "content/collateral"
KINDS = ("one-pager", "solution-brief", "email", "social-banner")
FORMATS = ("html", "pdf")


def _read_texts(entry: Entry, key: str, value: YamlMap) -> dict[str, dict[str, str]]:
    """`texts`: per language, a mapping of the texts a template shows."""
    texts: dict[str, dict[str, str]] = {}
    check_stamps(value, entry.label(key), entry.source, entry.program, entry.scope)
    for lang, values in value.items():
        if lang == STAMP_KEY:
            continue
        if not isinstance(values, YamlMap):
            entry.error(f"{key}.{lang}", "schema-type", f"expected a mapping of texts, got {describe(values)}", value.line_of(lang))
            continue
        for name, text in values.items():
            if not isinstance(text, str):
                entry.error(f"{key}.{lang}.{name}", "schema-type", f"expected a text, got {describe(text)}", values.line_of(name))
        texts[str(lang)] = {str(k): v for k, v in values.items() if isinstance(v, str)}
    if entry.program.default_language not in texts:
        entry.error(key, "translation-default", f"the default language '{entry.program.default_language}' is needed")
    return texts


def _read_formats(entry: Entry, key: str, value: YamlList) -> tuple[str, ...]:
    if not value:
        entry.error(key, "collateral-format", "at least one of html, pdf")
    return tuple(value)


COLLATERAL_FIELDS = Schema(
    "collateral",
    Field("title", dict, "Title per language (`en:` required; translatable).", required=True, read=read_texts, attr="titles"),
    Field("summary", dict, "One sentence per language (translatable).", required=True, read=read_texts, attr="summaries"),
    Field("kind", str, f"One of {', '.join(KINDS)}.", required=True, choices=KINDS),
    Field("formats", list, "`html`, `pdf` or both.", required=True, items=str, choices=FORMATS, read=_read_formats),
    Field(
        "co_brandable",
        bool,
        "Rendered per partner with its logo, colours and contacts; else linked from the tier trees as it is.",
        required=True,
    ),
    Field(
        "texts",
        dict,
        "Per language, the texts the template shows (`texts.en.headline`); missing ones fall back to the default language.",
        required=True,
        read=_read_texts,
    ),
    Field("template", str, "The Jinja2 template in the same folder; default `template.html`.", default="template.html"),
    Field("page_size", str, "CSS page size of the PDF: `A4` (default), `letter`, or `1200px 628px` for a banner.", default="A4"),
    tier_field("Minimum tier that may download it; default: the lowest tier."),
    regions_field("Regions that offer it; default: every region."),
)


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: one object per item and build
class Collateral:
    id: str
    source: str
    folder: Path
    titles: Mapping[str, str]
    summaries: Mapping[str, str]
    kind: str
    formats: tuple[str, ...]
    co_brandable: bool
    texts: Mapping[str, Mapping[str, str]]  # language → key → text
    template: str
    page_size: str
    min_tier: Tier
    regions: frozenset[str] | None

    @functools.cached_property
    def gating(self) -> Gating:
        return Gating(self.min_tier, self.regions)

    def offered_to(self, region: Region, tier: Tier) -> bool:
        return self.gating.visible_to(region, tier)

    def texts_in(self, lang: str, default: str) -> dict[str, str]:
        return {**self.texts.get(default, {}), **self.texts.get(lang, {})}


def load_collateral(root: Path, program: Program, report: Report) -> tuple[Collateral, ...]:
    """Read and check every collateral folder: its metadata and a trial render of its template."""
    folder = root / FOLDER
    if not folder.is_dir():
        return ()
    found = []
    for meta in sorted(folder.glob("*/collateral.yml")):
        source = f"{FOLDER}/{meta.parent.name}/collateral.yml"
        data = load_file(meta, source, report)
        item = _collateral(Entry(data, source, report, program=program), meta.parent, report) if data is not None else None
        if item is not None and _trial_render(item, program, report):
            found.append(item)
    return tuple(found)


def _collateral(entry: Entry, folder: Path, report: Report) -> Collateral | None:
    if not COLLATERAL_FIELDS.read(entry):
        return None
    if not ID_PATTERN.match(folder.name):
        entry.error("", "bad-id", f"the folder name '{folder.name}' is the item's id: lower-case letters, digits and '-'", 1)
    template = entry.values["template"]
    if "/" in template or "\\" in template:
        entry.error("template", "template-file", f"a file of this folder, got {describe(template)}")
    elif not (folder / template).is_file():
        entry.error("template", "missing-file", f"no file '{FOLDER}/{folder.name}/{template}'")
    else:
        _check_no_gates(folder / template, f"{FOLDER}/{folder.name}/{template}", entry.scope)
    if not entry.ok:
        return None
    return Collateral(**entry.values, id=folder.name, source=entry.source, folder=folder)


def _check_no_gates(path: Path, shown: str, report: Reporter) -> None:
    """A template is HTML, not Markdown: a `/// tier` block in it would reach every partner it is offered to."""
    text = read_text(path, shown, report)
    for number, line in enumerate((text or "").split("\n"), start=1):
        if GATE_MARKER.search(line):
            message = "a '///' gate in a collateral template is not applied: gate the item with 'tier:' and 'regions:' in collateral.yml"
            report.error(shown, number, "gate-in-data", message)


class _OwnFolder(jinja2.FileSystemLoader):
    """A collateral item's own folder: no `..` (Jinja refuses it) and no symbolic link, which could
    `{% include %}` a gated page or a file from outside the project into a partner's kit."""

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        source, filename, uptodate = super().get_source(environment, template)
        if Path(filename).is_symlink():
            raise jinja2.TemplateNotFound(template, "a symbolic link is not followed")
        return source, filename, uptodate


def environment(folder: Path) -> jinja2.Environment:
    """The sandbox a collateral template runs in: its own folder only, escaped output, strict names, and
    no changing the data it is given."""
    return keep_compiled(
        ImmutableSandboxedEnvironment(
            loader=_OwnFolder(str(folder)), autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True
        )
    )


def render_html(item: Collateral, context: Mapping[str, Any]) -> str:
    """The collateral as HTML for one reader (a partner, or the vendor itself)."""
    template = environment(item.folder).get_template(item.template)
    return template.render(**context, page_size=item.page_size, dir=text_direction(context["lang"]))


SAMPLE = {
    "name": "Sample Partner",
    "legal_name": "Sample Partner Ltd.",
    "website": "https://partner.example.com",
    "logo": "logo.svg",
    "colors": {"primary": "#1a4d8f", "secondary": "#f2a900"},
    "contacts": [{"name": "Alex Sample", "role": "Sales", "email": "alex@partner.example.com", "phone": "+1 555 0100"}],
    "co_branded": True,
}


def _trial_render(item: Collateral, program: Program, report: Report) -> bool:
    """Render once with sample data in every language, so template mistakes are found by `check`."""
    for lang in program.languages:
        sample = SAMPLE if item.co_brandable else None
        problem = render_problem(item, {"partner": sample, "text": item.texts_in(lang, program.default_language), "lang": lang})
        if problem:
            report.error(f"{FOLDER}/{item.id}/{item.template}", problem[0], "template", f"template ({lang}): {problem[1]}")
            return False
    return True


def render_problem(item: Collateral, context: Mapping[str, Any]) -> tuple[int, str] | None:
    """(template line, why) when the template fails with this data; None when it renders."""
    try:
        render_html(item, context)
    except jinja2.TemplateSyntaxError as exc:
        return exc.lineno or 1, exc.message or str(exc)
    except jinja2.TemplateNotFound as exc:
        return 1, f"'{exc.name}' is not a file of this collateral's folder (a template reads its own folder only)"
    except jinja2.exceptions.SecurityError as exc:
        return _template_line(exc, item), f"not allowed in the sandbox: {exc}"
    except Exception as exc:  # a template is the author's code: any failure is a located problem, not a crash
        return _template_line(exc, item), f"{type(exc).__name__}: {exc}"
    return None


def _template_line(exc: BaseException, item: Collateral) -> int:
    """The template line a rendering error happened on (Jinja maps its frames to template lines)."""
    lines = [line for frame, line in traceback.walk_tb(exc.__traceback__) if frame.f_code.co_filename.endswith(item.template)]
    return lines[-1] if lines else 1


def pdf_unavailable() -> str | None:
    """Why PDFs cannot be made on this machine (WeasyPrint's system libraries are missing), or None."""
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as exc:
        return f"PDFs need WeasyPrint and its system libraries (Debian: apt-get install libpango-1.0-0 libpangoft2-1.0-0): {exc}"
    return None


# The address documents are rendered at: the same for every build, so PDFs do not depend on folders.
_BASE = "file:///partnerkb-kit/"


def render_pdf(page: str, files: Mapping[str, bytes], moment: datetime.datetime, title: str, lang: str) -> bytes:
    """HTML to PDF with WeasyPrint. It may load `files` (by name: the partner's logo) and nothing else,
    and its dates, id and embedded fonts' dates come from the build's time: the same inputs give the same bytes."""
    import weasyprint

    document = weasyprint.HTML(string=page, base_url=_BASE, url_fetcher=_only(files)).render()
    stamp = moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    document.metadata.title = title
    document.metadata.lang = lang
    document.metadata.created = stamp
    document.metadata.modified = stamp
    out = io.BytesIO()
    with _fonts_dated(moment):
        document.write_pdf(out, pdf_identifier=stamp.encode())
    return out.getvalue()


@contextlib.contextmanager
def _fonts_dated(moment: datetime.datetime) -> Iterator[None]:
    """SOURCE_DATE_EPOCH set to the build's time while a PDF is written.

    When WeasyPrint re-saves an embedded font with fontTools (it subsets with fontTools where
    libharfbuzz-subset is missing, and instantiates variable fonts with it), fontTools stamps the font's
    `head.modified` with the current time unless SOURCE_DATE_EPOCH is set, so every build embedded
    different font streams. Kits only escaped it because their workers had inherited the variable
    from a MkDocs render (builder/render/run.py); the vendor's copies are written in the main process."""
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(int(moment.timestamp()))
    try:
        yield
    finally:
        if previous is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous


def _only(files: Mapping[str, bytes]) -> Any:
    """A WeasyPrint URL fetcher that serves `files` from memory and refuses every other URL (no network, no disk)."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class MemoryFetcher(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            name = url[len(_BASE) :] if url.startswith(_BASE) else ""
            if name not in files:
                raise ValueError(f"collateral may load the partner's logo only, not {url}")
            return URLFetcherResponse(url, files[name], {}, 200)

    return MemoryFetcher(allowed_protocols={"file"})


# --- fonts for the PDFs ---------------------------------------------------------------------------

# The Debian package that brings a font for a language's script; fonts-noto-core covers most others.
FONT_PACKAGES = {"ja": "fonts-noto-cjk", "zh": "fonts-noto-cjk", "ko": "fonts-noto-cjk"}


@functools.lru_cache(maxsize=64)
def font_problem(lang: str) -> str | None:
    """Why a PDF in `lang` cannot be drawn here, or None. Without a font for its script, WeasyPrint
    draws boxes in its place and says nothing; fontconfig (which it finds fonts with) knows which
    installed fonts cover a language."""
    try:
        listed = subprocess.run(["fc-list", f":lang={lang}", "family"], capture_output=True, text=True, check=False).stdout
    except OSError:
        return "fc-list (fontconfig) is not installed, so the fonts of the PDFs cannot be checked; install fontconfig"
    if listed.strip():
        return None
    package = FONT_PACKAGES.get(lang.split("-")[0], "fonts-noto-core")
    return f"no installed font covers the language '{lang}': its PDFs would show boxes for its letters; install {package} (apt-get install {package})"


def formats_line(item: Collateral) -> int:
    """The line of the item's `formats:` in its collateral.yml (1 when it has none)."""
    lines = (item.folder / "collateral.yml").read_text(encoding="utf-8").split("\n")
    return next((number for number, line in enumerate(lines, start=1) if line.startswith("formats:")), 1)


# --- the library in the tier trees -------------------------------------------------------------


@functools.lru_cache(maxsize=256)
def vendor_files(item: Collateral, lang: str, default: str, moment: datetime.datetime) -> tuple[tuple[str, bytes], ...]:
    """A non-co-brandable item as the vendor publishes it in `lang` (HTML and/or PDF), rendered once per build."""
    page = render_html(item, {"partner": None, "text": item.texts_in(lang, default), "lang": lang})
    title = pick(item.titles, lang, default)
    files = [("html", page.encode("utf-8"))] if "html" in item.formats else []
    if "pdf" in item.formats and font_problem(lang) is None:  # without a font, check reports it (and no PDF of boxes)
        files.append(("pdf", render_pdf(page, {}, moment, title, lang)))
    return tuple(files)


def library_page(
    items: tuple[Collateral, ...], region: Region, tier: Tier, lang: str, default: str, locale: Locale
) -> GeneratedPage | None:
    """`collateral/index.md`: what the tier may use; co-branded items are in each partner's own kit."""
    offered = [c for c in items if c.offered_to(region, tier)]
    if not offered:
        return None
    title = locale.t("collateral.title")
    lines = [f"# {html.escape(title)}", "", html.escape(locale.t("collateral.intro")), ""]
    for item in offered:
        lines += [
            f"## {html.escape(pick(item.titles, lang, default))}",
            "",
            html.escape(pick(item.summaries, lang, default)),
            "",
        ]
        if item.co_brandable:
            lines += [f"*{html.escape(locale.t('collateral.in_kit'))}*", ""]
            continue
        links = [f"[{html.escape(locale.t(f'collateral.{fmt}'))}]({item.id}.{fmt})" for fmt in FORMATS if fmt in item.formats]
        lines += [" · ".join(links), ""]
    return GeneratedPage("collateral/index.md", offered[0].source, title, locale.t("collateral.intro"), "\n".join(lines))
