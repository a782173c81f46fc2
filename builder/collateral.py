"""Collateral: `content/collateral/<id>/collateral.yml` and its Jinja2 template.

Templates come from the content repository, so they run in Jinja's sandbox with autoescaping, a
loader that sees only their own folder, and undefined names as errors. They get plain data: the
texts of `collateral.yml` in one language, and a partner's name, logo, colours and contacts (or
the vendor's own, for the version linked from the tier trees). HTML becomes PDF with WeasyPrint,
which may fetch nothing but the partner's logo.
"""

from __future__ import annotations

import datetime
import functools
import html
import io
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from .models import GeneratedPage, Locale, Program, Region, Tier
from .problems import Report, Severity, did_you_mean
from .schema import Field, check_mapping, describe, tier_and_regions, translations
from .yamlio import YamlMap, load_yaml, read_text

FOLDER = "content/collateral"
KINDS = ("one-pager", "solution-brief", "email", "social-banner")
FORMATS = ("html", "pdf")

COLLATERAL_FIELDS = (
    Field("title", dict, "Title per language (`en:` required; translatable).", required=True),
    Field("summary", dict, "One sentence per language (translatable).", required=True),
    Field("kind", str, f"One of {', '.join(KINDS)}.", required=True),
    Field("formats", list, "`html`, `pdf` or both.", required=True, items=str),
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
    ),
    Field("template", str, "The Jinja2 template in the same folder; default `template.html`."),
    Field("page_size", str, "CSS page size of the PDF: `A4` (default), `letter`, or `1200px 628px` for a banner."),
    Field("tier", str, "Minimum tier that may download it; default: the lowest tier."),
    Field("regions", list, "Regions that offer it; default: every region.", items=str),
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

    def offered_to(self, region: Region, tier: Tier) -> bool:
        return (self.regions is None or region.id in self.regions) and tier.allows(self.min_tier)

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
        text = read_text(meta, source, report)
        data = load_yaml(text, source, report) if text is not None else None
        if data is None or not check_mapping(data, COLLATERAL_FIELDS, source, report):
            continue
        item = _collateral(data, meta.parent, source, program, report)
        if item is not None and _trial_render(item, program, report):
            found.append(item)
    return tuple(found)


def _collateral(data: YamlMap, folder: Path, source: str, program: Program, report: Report) -> Collateral | None:
    errors = report.count(Severity.ERROR)
    if data["kind"] not in KINDS:
        report.error(
            source,
            data.line_of("kind"),
            "collateral-kind",
            f"kind: expected one of {', '.join(KINDS)}, got {describe(data['kind'])}{did_you_mean(str(data['kind']), KINDS)}",
        )
    for index, fmt in enumerate(data["formats"]):
        if fmt not in FORMATS:
            report.error(source, data["formats"].line_of(index), "collateral-format", f"formats: expected html or pdf, got {describe(fmt)}")
    texts: dict[str, dict[str, str]] = {}
    for lang, values in data["texts"].items():
        if not isinstance(values, dict) or not all(isinstance(v, str) for v in values.values()):
            report.error(
                source, data["texts"].line_of(lang), "schema-type", f"texts.{lang}: expected a mapping of texts, got {describe(values)}"
            )
            continue
        texts[str(lang)] = {str(k): v for k, v in values.items()}
    if program.default_language not in texts:
        report.error(
            source, data.line_of("texts"), "translation-default", f"texts: the default language '{program.default_language}' is needed"
        )
    template = data.get("template", "template.html")
    if not (folder / template).is_file() or "/" in template:
        report.error(
            source,
            data.line_of("template") if "template" in data else 1,
            "missing-file",
            f"template: no file '{FOLDER}/{folder.name}/{template}'",
        )
    tier, regions = tier_and_regions(data, source, "", program, report)
    titles = translations(data, "title", source, program, report)
    summaries = translations(data, "summary", source, program, report)
    if tier is None or report.count(Severity.ERROR) > errors:
        return None
    return Collateral(
        folder.name, source, folder, titles, summaries, data["kind"], tuple(data["formats"]), data["co_brandable"], texts, template,
        data.get("page_size", "A4"), tier, regions,
    )  # fmt: skip


def environment(folder: Path) -> SandboxedEnvironment:
    """The sandbox a collateral template runs in: its own folder only, escaped output, strict names."""
    return SandboxedEnvironment(
        loader=jinja2.FileSystemLoader(str(folder)), autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True
    )


def render_html(item: Collateral, context: Mapping[str, Any]) -> str:
    """The collateral as HTML for one reader (a partner, or the vendor itself)."""
    template = environment(item.folder).get_template(item.template)
    return template.render(**context, page_size=item.page_size)


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
    source = f"{FOLDER}/{item.id}/{item.template}"
    for lang in program.languages:
        try:
            render_html(
                item,
                {"partner": SAMPLE if item.co_brandable else None, "text": item.texts_in(lang, program.default_language), "lang": lang},
            )
        except jinja2.TemplateSyntaxError as exc:
            report.error(source, exc.lineno or 1, "template-syntax", f"template: {exc.message}")
            return False
        except jinja2.TemplateNotFound as exc:
            report.error(
                source,
                1,
                "template-file",
                f"template: '{exc.name}' is not a file of this collateral's folder (a template reads its own folder only)",
            )
            return False
        except jinja2.UndefinedError as exc:
            report.error(source, 1, "template-undefined", f"template ({lang}): {exc.message}")
            return False
        except jinja2.exceptions.SecurityError as exc:
            report.error(source, 1, "template-unsafe", f"template: not allowed in the sandbox: {exc}")
            return False
        except jinja2.TemplateError as exc:
            report.error(source, 1, "template-error", f"template: {exc}")
            return False
    return True


# The address documents are rendered at: the same for every build, so PDFs do not depend on folders.
_BASE = "file:///partnerkb-kit/"


def render_pdf(html: str, files: Mapping[str, bytes], moment: datetime.datetime, title: str, lang: str) -> bytes:
    """HTML to PDF with WeasyPrint. It may load `files` (by name: the partner's logo) and nothing else,
    and its dates and id come from the build's time: the same inputs give the same bytes."""
    import weasyprint

    document = weasyprint.HTML(string=html, base_url=_BASE, url_fetcher=_only(files)).render()
    stamp = moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    document.metadata.title = title
    document.metadata.lang = lang
    document.metadata.created = stamp
    document.metadata.modified = stamp
    out = io.BytesIO()
    document.write_pdf(out, pdf_identifier=stamp.encode())
    return out.getvalue()


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


# --- the library in the tier trees -------------------------------------------------------------


@functools.lru_cache(maxsize=256)
def vendor_files(item: Collateral, lang: str, default: str, moment: datetime.datetime) -> tuple[tuple[str, bytes], ...]:
    """A non-co-brandable item as the vendor publishes it in `lang` (HTML and/or PDF), rendered once per build."""
    page = render_html(item, {"partner": None, "text": item.texts_in(lang, default), "lang": lang})
    title = item.titles.get(lang) or item.titles[default]
    files = [("html", page.encode("utf-8"))] if "html" in item.formats else []
    if "pdf" in item.formats:
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
            f"## {html.escape(item.titles.get(lang) or item.titles[default])}",
            "",
            html.escape(item.summaries.get(lang) or item.summaries[default]),
            "",
        ]
        if item.co_brandable:
            lines += [f"*{html.escape(locale.t('collateral.in_kit'))}*", ""]
            continue
        links = [f"[{html.escape(locale.t(f'collateral.{fmt}'))}]({item.id}.{fmt})" for fmt in FORMATS if fmt in item.formats]
        lines += [" · ".join(links), ""]
    return GeneratedPage("collateral/index.md", offered[0].source, title, locale.t("collateral.intro"), "\n".join(lines))
