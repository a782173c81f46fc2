"""The product catalog: `content/catalog/*.yml` loaded, validated, priced and written as pages.

A product and each of its SKUs may carry `tier` and `regions` like a page; what a variant may not
see is left out of its pages and price lists, and goes into the text the leak audit looks for.
Money and dates are formatted by Babel for the reader's language (CLDR), never by hand.
"""

from __future__ import annotations

import csv
import datetime
import functools
import html
import io
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from babel.dates import format_date
from babel.numbers import format_currency, get_currency_precision, is_currency

from ..core.models import Gating, GeneratedPage, Locale, Program, Region, Tier, Variant, babel_locale, pick
from ..core.problems import Report, did_you_mean
from ..core.schema import Entry, Field, Schema, describe, read_some_texts, read_texts, regions_field, tier_field
from ..core.yamlio import YamlMap, load_yaml, read_text

FOLDER = "content/catalog"
LINES = ("observability", "security", "data")
STATUSES = ("ga", "beta", "end-of-sale", "end-of-life")
DEPLOYMENTS = ("saas", "self-managed")


def _read_discounts(entry: Entry, key: str, value: YamlMap) -> dict[str, Decimal]:
    discounts: dict[str, Decimal] = {}
    tier_ids = [t.id for t in entry.program.tiers]
    for tier_id, percent in value.items():
        line = value.line_of(tier_id)
        if tier_id not in tier_ids:
            entry.error(key, "unknown-tier", f"unknown tier '{tier_id}'{did_you_mean(str(tier_id), tier_ids)}", line)
        elif isinstance(percent, bool) or not isinstance(percent, (int, float)) or not 0 <= percent <= 100:
            entry.error(f"{key}.{tier_id}", "discount-range", f"expected a percentage from 0 to 100, got {describe(percent)}", line)
        else:
            discounts[tier_id] = Decimal(str(percent))
    return discounts


PRODUCT_FIELDS = Schema(
    "catalog",
    Field("id", str, "Identifier, the same as the file name (`beacon-saas`).", required=True),
    Field("line", str, f"Product line: {', '.join(LINES)}.", required=True, choices=LINES),
    Field("name", dict, "Name per language (`en:` required; translatable).", required=True, read=read_texts, attr="names"),
    Field("summary", dict, "One sentence per language (translatable).", required=True, read=read_texts, attr="summaries"),
    Field("description", dict, "Markdown per language (translatable).", read=read_some_texts, attr="descriptions"),
    Field("deployment", str, f"How it runs: {', '.join(DEPLOYMENTS)}.", required=True, choices=DEPLOYMENTS),
    Field("status", str, f"Lifecycle: {', '.join(STATUSES)}.", required=True, choices=STATUSES),
    Field("ga_date", datetime.date, "General availability (YYYY-MM-DD); required except in beta."),
    Field("end_of_sale", datetime.date, "Last day it can be ordered; required for end-of-sale and end-of-life."),
    Field("end_of_life", datetime.date, "Last day of support; required for end-of-life."),
    tier_field("Minimum tier that sees the product; default: the lowest tier."),
    regions_field("Regions that sell it; default: every region."),
    Field("requires", list, "Ids of products it needs.", items=str),
    Field("addons", list, "Ids of add-on products offered with it.", items=str),
    Field("doc_versions", list, "Docs versions that document it (names from partners/program.yml).", items=str),
    Field("discounts", dict, "Per-tier resale discount in percent that replaces the tier's own for this product.", read=_read_discounts),
    Field("skus", list, "The orderable items.", required=True),
)
SKU_FIELDS = Schema(
    "catalog",
    Field("sku", str, "Order code, unique in the catalog.", required=True, attr="code"),
    Field("name", dict, "Name per language (`en:` required; translatable).", required=True, read=read_texts, attr="names"),
    tier_field("Minimum tier that sees the SKU (e.g. not-for-resale SKUs from gold)."),
    regions_field("Regions that sell it; default: the product's."),
    Field("prices", dict, "List price per ISO 4217 currency; every currency of every region that sells it.", required=True),
)
DATES = ("ga_date", "end_of_sale", "end_of_life")


@dataclass(frozen=True)
class Sku:
    code: str
    line: int
    names: Mapping[str, str]
    min_tier: Tier
    regions: frozenset[str] | None
    prices: Mapping[str, Decimal]

    @functools.cached_property
    def gating(self) -> Gating:
        return Gating(self.min_tier, self.regions)


@dataclass(frozen=True)
class Product:
    id: str
    source: str  # the file, relative to the project
    line: str
    names: Mapping[str, str]
    summaries: Mapping[str, str]
    descriptions: Mapping[str, str]
    deployment: str
    status: str
    dates: Mapping[str, datetime.date]  # ga_date, end_of_sale, end_of_life (those given)
    min_tier: Tier
    regions: frozenset[str] | None
    requires: tuple[str, ...]
    addons: tuple[str, ...]
    doc_versions: tuple[str, ...]
    discounts: Mapping[str, Decimal]  # by tier id
    skus: tuple[Sku, ...]
    lines: Mapping[str, int]  # of each key in the file, for messages

    def visible_to(self, region: Region, tier: Tier) -> bool:
        return self.gating.visible_to(region, tier)

    @functools.cached_property
    def gating(self) -> Gating:
        return Gating(self.min_tier, self.regions)

    def skus_for(self, region: Region, tier: Tier) -> tuple[Sku, ...]:
        return tuple(s for s in self.skus if s.gating.visible_to(region, tier))

    def discount(self, tier: Tier) -> Decimal:
        return self.discounts.get(tier.id, Decimal(str(tier.discount)))


def region_currencies(region: Region) -> tuple[str, ...]:
    """The price books of a region: its default currency first, then its further ones."""
    return (region.currency, *(c for c in region.price_books if c != region.currency))


# --- loading -----------------------------------------------------------------------------------


def load_catalog(root: Path, program: Program, report: Report) -> tuple[Product, ...]:
    """Read and validate every product file; cross-references are checked once all are read."""
    folder = root / FOLDER
    if not folder.is_dir():
        return ()
    products = []
    for path in sorted(folder.glob("*.yml")):
        source = f"{FOLDER}/{path.name}"
        text = read_text(path, source, report)
        data = load_yaml(text, source, report) if text is not None else None
        if data is not None:
            product = _product(Entry(data, source, report, program=program), path.stem)
            if product is not None:
                products.append(product)
    _check_references(products, program, report)
    return tuple(products)


def _product(entry: Entry, stem: str) -> Product | None:
    if not PRODUCT_FIELDS.read(entry):
        return None
    values = entry.values
    if values["id"] != stem:
        entry.error("id", "catalog-id", f"expected '{stem}' (the file name), got '{values['id']}'")
    dates = {key: date for key in DATES if (date := values.pop(key)) is not None}
    _check_dates(entry, dates)
    items = entry.data["skus"]
    values["skus"] = tuple(
        _sku(entry.child(item, f"skus[{index}]", items.line_of(index)), values["regions"]) for index, item in enumerate(items)
    )
    if not entry.ok or None in values["skus"]:
        return None
    return Product(**values, source=entry.source, dates=dates, lines=dict(entry.data.key_lines))


def _check_dates(entry: Entry, dates: dict[str, datetime.date]) -> None:
    needed = {
        "ga": ["ga_date"],
        "beta": [],
        "end-of-sale": ["ga_date", "end_of_sale"],
        "end-of-life": ["ga_date", "end_of_sale", "end_of_life"],
    }
    status = entry.values["status"]
    for key in needed.get(status, []):
        if key not in dates:
            entry.error("status", "catalog-date", f"'{status}' needs '{key}'")
    order = [k for k in DATES if k in dates]
    for earlier, later in zip(order, order[1:], strict=False):
        if dates[later] < dates[earlier]:
            entry.error(later, "catalog-date-order", f"{dates[later]} is before {earlier} {dates[earlier]}")


def _sku(entry: Entry, product_regions: frozenset[str] | None) -> Sku | None:
    if not SKU_FIELDS.read(entry):
        return None
    values = entry.values
    values["prices"] = _prices(entry, values["regions"] or product_regions)
    if not entry.ok:
        return None
    return Sku(**values, line=entry.line_of("sku"))


def _prices(entry: Entry, regions: frozenset[str] | None) -> dict[str, Decimal]:
    prices: dict[str, Decimal] = {}
    given = entry.data["prices"]
    for currency, amount in given.items():
        line = given.line_of(currency)
        if not isinstance(currency, str) or not is_currency(currency):
            entry.error("prices", "currency", f"unknown currency '{currency}' (expected an ISO 4217 code such as 'EUR')", line)
        elif isinstance(amount, bool) or not isinstance(amount, (int, float)) or amount < 0:
            entry.error(f"prices.{currency}", "price", f"expected a price of zero or more, got {describe(amount)}", line)
        else:
            prices[currency] = Decimal(str(amount))
    if len(prices) < len(given):  # the currencies a region needs are told once the ones given are right
        return prices
    for region in entry.program.regions:
        if regions is not None and region.id not in regions:
            continue
        for currency in region_currencies(region):
            if currency not in prices:
                entry.error("prices", "price-missing", f"no {currency} price, which region '{region.id}' needs")
                return prices
    return prices


def _check_translations(product: Product, program: Program, report: Report) -> None:
    """A name missing in a language that a region selling the product builds falls back to the default (a warning)."""
    languages = {lang for r in program.regions if product.regions is None or r.id in product.regions for lang in r.languages}
    for lang in sorted(languages - set(product.names)):
        report.warn(
            product.source,
            product.lines.get("name", 1),
            "catalog-missing-translation",
            f"name: no '{lang}' translation; readers in {lang} see the '{program.default_language}' name",
        )


def _check_references(products: list[Product], program: Program, report: Report) -> None:
    ids = [p.id for p in products]
    seen: dict[str, str] = {}
    versions = [v.name for v in program.versions]
    for product in products:
        _check_translations(product, program, report)
        for sku in product.skus:
            if sku.code in seen:
                report.error(product.source, sku.line, "duplicate-sku", f"SKU '{sku.code}' is also defined in '{seen[sku.code]}'")
            seen.setdefault(sku.code, product.source)
        for key, targets in (("requires", product.requires), ("addons", product.addons)):
            for target in targets:
                if target not in ids:
                    report.error(
                        product.source,
                        product.lines.get(key, 1),
                        "catalog-reference",
                        f"{key}: no product '{target}'{did_you_mean(target, ids)}",
                    )
        for version in product.doc_versions:
            if version not in versions:
                report.error(
                    product.source,
                    product.lines.get("doc_versions", 1),
                    "catalog-version",
                    f"doc_versions: no version '{version}'{did_you_mean(version, versions)}",
                )


# --- pages -------------------------------------------------------------------------------------


def _cell(text: str) -> str:
    """Data in a Markdown table cell: no markup of its own."""
    return html.escape(text).replace("|", "&#124;").replace("\n", " ")


def _money(amount: Decimal, currency: str, lang: str) -> str:
    return format_currency(amount, currency, locale=babel_locale(lang))


def partner_price(product: Product, amount: Decimal, tier: Tier, currency: str) -> Decimal:
    """List price less the tier's discount (or the product's own for that tier), in the currency's minor unit."""
    unit = Decimal(10) ** -get_currency_precision(currency)
    return (amount * (Decimal(100) - product.discount(tier)) / Decimal(100)).quantize(unit)


def catalog_pages(products: tuple[Product, ...], program: Program, variant: Variant, lang: str, locale: Locale) -> list[GeneratedPage]:
    """The catalog index and one page per product a variant sees, in `lang`."""
    visible = [p for p in products if p.visible_to(variant.region, variant.tier)]
    if not visible:
        return []
    default = program.default_language
    pages = [_index_page(visible, variant, lang, default, locale)]
    ids = {p.id for p in visible}
    pages += [_product_page(p, ids, program, variant, lang, default, locale, products) for p in visible]
    return pages


def _index_page(visible: list[Product], variant: Variant, lang: str, default: str, locale: Locale) -> GeneratedPage:
    title = locale.t("catalog.title")
    lines = [f"# {title}", "", locale.t("catalog.intro"), "", f"[{locale.t('catalog.download')}](price-list.csv)", ""]
    lines += [_filter_form(visible, locale), ""]
    for line in LINES:
        members = [p for p in visible if p.line == line]
        if not members:
            continue
        lines += [f"## {locale.t(f'catalog.lines.{line}')}", ""]
        lines += [
            f"| {locale.t('catalog.product')} | {locale.t('catalog.deployment')} | {locale.t('catalog.status')} | {locale.t('catalog.summary')} |",
            "| --- | --- | --- | --- |",
        ]
        for product in members:
            name = _cell(pick(product.names, lang, default))
            lines.append(
                f"| [{name}]({product.id}.md) | {locale.t(f'catalog.deployments.{product.deployment}')} | {_status(product, lang, locale)} | {_cell(pick(product.summaries, lang, default))} |"
            )
        lines.append("")
    return GeneratedPage("catalog/index.md", "content/catalog", title, locale.t("catalog.intro"), "\n".join(lines))


def _filter_form(visible: list[Product], locale: Locale) -> str:
    """Filters for the index, run in the browser by theme/'s catalog-filter script (no server needed)."""

    def select(name: str, label: str, options: list[str]) -> str:
        choices = "".join(f"<option>{html.escape(option)}</option>" for option in options)
        return f'<label>{html.escape(label)} <select name="{name}"><option value="">{html.escape(locale.t("catalog.all"))}</option>{choices}</select></label>'

    lines = [locale.t(f"catalog.lines.{line}") for line in LINES if any(p.line == line for p in visible)]
    statuses = [locale.t(f"catalog.statuses.{status}") for status in STATUSES if any(p.status == status for p in visible)]
    deployments = [locale.t(f"catalog.deployments.{d}") for d in DEPLOYMENTS if any(p.deployment == d for p in visible)]
    fields = select("line", locale.t("catalog.line"), lines) + select("status", locale.t("catalog.status"), statuses)
    fields += select("deployment", locale.t("catalog.deployment"), deployments)
    return f'<form id="pkb-catalog-filter" class="pkb-filter">{fields}</form>'


def _status(product: Product, lang: str, locale: Locale) -> str:
    status = locale.t(f"catalog.statuses.{product.status}")
    key = {"ga": "ga_date", "end-of-sale": "end_of_sale", "end-of-life": "end_of_life"}.get(product.status)
    if key and key in product.dates:
        status += f" ({format_date(product.dates[key], format='medium', locale=babel_locale(lang))})"
    return status


def _product_page(
    product: Product,
    ids: set[str],
    program: Program,
    variant: Variant,
    lang: str,
    default: str,
    locale: Locale,
    products: tuple[Product, ...],
) -> GeneratedPage:
    name = pick(product.names, lang, default)
    summary = pick(product.summaries, lang, default)
    tier_name = locale.t(f"tiers.{variant.tier.id}")
    lines = [f"# {_cell(name)}", "", *_untranslated_notice(product, variant, lang, default, locale)]
    lines += [_cell(summary), "", pick(product.descriptions, lang, default), ""]
    lines += [
        f"- **{locale.t('catalog.line')}:** {locale.t(f'catalog.lines.{product.line}')}",
        f"- **{locale.t('catalog.deployment')}:** {locale.t(f'catalog.deployments.{product.deployment}')}",
        f"- **{locale.t('catalog.status')}:** {_status(product, lang, locale)}",
        "",
        f"## {locale.t('catalog.skus')}",
        "",
    ]
    currencies = region_currencies(variant.region)
    header = [locale.t("catalog.sku"), locale.t("catalog.name")]
    for currency in currencies:
        header += [locale.t("catalog.list_price", currency=currency), locale.t("catalog.your_price", currency=currency, tier=tier_name)]
    lines += ["| " + " | ".join(header) + " |", "| --- | --- |" + " ---: |" * (2 * len(currencies))]
    for sku in product.skus_for(variant.region, variant.tier):
        cells = [f"`{sku.code}`", _cell(pick(sku.names, lang, default))]
        for currency in currencies:
            amount = sku.prices[currency]
            cells += [_money(amount, currency, lang), _money(partner_price(product, amount, variant.tier, currency), currency, lang)]
        lines.append("| " + " | ".join(cells) + " |")
    names = {p.id: pick(p.names, lang, default) for p in products}
    for key, targets in (("requires", product.requires), ("addons", product.addons)):
        shown = [t for t in targets if t in ids]
        if shown:
            lines += ["", f"**{locale.t(f'catalog.{key}')}:** " + ", ".join(f"[{_cell(names[t])}]({t}.md)" for t in shown)]
    if product.doc_versions:
        up = "../" * (3 if lang == default else 4)
        titles = {v.name: v.title for v in program.versions}
        links = ", ".join(f"[{_cell(titles[v])}]({up}{v}/)" for v in product.doc_versions)
        lines += ["", f"**{locale.t('catalog.docs')}:** {links}"]
    return GeneratedPage(f"catalog/{product.id}.md", product.source, name, summary, "\n".join(lines) + "\n")


def _untranslated_notice(product: Product, variant: Variant, lang: str, default: str, locale: Locale) -> list[str]:
    """The fallback notice of pages, on a product page whose texts are partly in the default language."""
    texts = [product.names, product.summaries, *(s.names for s in product.skus_for(variant.region, variant.tier))]
    texts += [product.descriptions] if product.descriptions else []
    if lang == default or all(lang in t for t in texts):
        return []
    notice = locale.t("catalog.untranslated", language=locale.t(f"languages.{lang}"), default=locale.t(f"languages.{default}"))
    return [f'<p class="pkb-fallback">{html.escape(notice)}</p>', ""]


# --- price list --------------------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value: str) -> str:
    """Spreadsheets run a cell that starts like a formula; a leading apostrophe keeps it text."""
    return f"'{value}" if value.startswith(_FORMULA_START) else value


def price_list_csv(products: tuple[Product, ...], program: Program, variant: Variant, lang: str, locale: Locale) -> bytes:
    """The variant's price list in `lang`: UTF-8 with a byte-order mark (Excel reads it right), CRLF lines."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    header = [
        "catalog.sku",
        "catalog.product",
        "catalog.name",
        "catalog.currency",
        "catalog.list_price_plain",
        "catalog.partner_price_plain",
        "catalog.discount",
    ]
    writer.writerow([locale.t(key) for key in header])
    default = program.default_language
    for product in products:
        if not product.visible_to(variant.region, variant.tier):
            continue
        for sku in product.skus_for(variant.region, variant.tier):
            for currency in region_currencies(variant.region):
                amount = sku.prices[currency]
                row = [
                    sku.code,
                    pick(product.names, lang, default),
                    pick(sku.names, lang, default),
                    currency,
                    str(amount),
                    str(partner_price(product, amount, variant.tier, currency)),
                    str(product.discount(variant.tier)),
                ]
                writer.writerow([_csv_cell(cell) for cell in row])
    text: str = buffer.getvalue()
    return text.encode("utf-8-sig")
