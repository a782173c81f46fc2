"""Partner kits: for every partner, `<region>/partners/<partner-id>/` with its dashboard, its kit index and
its co-branded collateral as HTML and PDF, in the partner's language.

Pure functions from a partner and the program to files (`kit_files`); the build writes them into the
staging folder and the audit then proves that no other partner's data is in them. Kit pages are our
own templates (`builder/features/templates/`), autoescaped: a partner's strings are data, never markup.
"""

from __future__ import annotations

import datetime
import hashlib
import html
import pickle
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import markupsafe
from babel.numbers import format_compact_currency, format_decimal

from ..core.inputs import builder_digest, files_under, hash_files, model_digest
from ..core.models import Locale, Program, Tier, babel_locale, text_direction
from ..core.problems import Report
from . import collateral as collateral_module
from .collateral import Collateral
from .partners import Partner

_PAGES = jinja2.Environment(loader=jinja2.PackageLoader("builder.features", "templates"), autoescape=True, undefined=jinja2.StrictUndefined)


@dataclass(frozen=True)
class Requirement:
    """One line of the dashboard: where the partner stands against what the next tier needs."""

    label: str
    value: str
    target: str
    ratio: float  # 0..1, for the bar


def offered(partner: Partner, items: tuple[Collateral, ...]) -> list[Collateral]:
    """The co-branded collateral a partner may have: its agreement, tier and region allow it."""
    if not partner.co_branding:
        return []
    return [c for c in items if c.co_brandable and c.offered_to(partner.region, partner.tier)]


def logo_name(partner: Partner) -> str:
    """The logo's name in the kit: `logo.svg`, `logo.png`, whatever the partner called the file."""
    return f"logo{Path(partner.logo).suffix.lower()}"


def template_partner(partner: Partner) -> dict[str, Any]:
    """What a collateral template sees of a partner: plain strings, nothing with methods."""
    contacts = [{"name": c.name, "role": c.role, "email": c.email, "phone": c.phone} for c in partner.contacts]
    return {
        "name": partner.name,
        "legal_name": partner.legal_name,
        "website": partner.website,
        "logo": logo_name(partner),
        "colors": dict(partner.colors),
        "contacts": contacts,
        "co_branded": True,
    }


def kit_files(
    partner: Partner,
    items: tuple[Collateral, ...],
    program: Program,
    locale: Locale,
    certifications: Mapping[str, str],
    moment: datetime.datetime,
    pdf: bool = True,
) -> list[tuple[str, bytes]]:
    """Every file of a partner's kit, by name in the kit folder (`pdf=False` leaves PDFs out).

    `certifications` names each learning path's certification in the partner's language.
    """
    logo = {logo_name(partner): (partner.folder / partner.logo).read_bytes()}  # the one file a PDF may load
    files = list(logo.items())
    default = program.default_language
    downloads = []
    for item in offered(partner, items):
        text = item.texts_in(partner.language, default)
        page = collateral_module.render_html(item, {"partner": template_partner(partner), "text": text, "lang": partner.language})
        title = item.titles.get(partner.language) or item.titles[default]
        if "html" in item.formats:
            files.append((f"{item.id}.html", page.encode("utf-8")))
        if "pdf" in item.formats and pdf and collateral_module.font_problem(partner.language) is None:
            files.append((f"{item.id}.pdf", collateral_module.render_pdf(page, logo, moment, title, partner.language)))
        downloads.append(
            {
                "id": item.id,
                "title": title,
                "summary": item.summaries.get(partner.language) or item.summaries[default],
                "formats": item.formats,
            }
        )
    common = _common(partner, locale)
    files.append(("index.html", _PAGES.get_template("kit.html").render(**common, downloads=downloads).encode("utf-8")))
    files.append(("dashboard.html", _dashboard(partner, program, locale, common, certifications).encode("utf-8")))
    return sorted(files)


def kept_kit_files(
    cache: Path,
    partner: Partner,
    items: tuple[Collateral, ...],
    program: Program,
    locale: Locale,
    certifications: Mapping[str, str],
    moment: datetime.datetime,
) -> list[tuple[str, bytes]]:
    """`kit_files`, kept in `cache` between builds under the digest of everything the kit is made from:
    the arguments (every field of every model), the partner's logo, the collateral's template folders
    and the builder with its packages."""
    job = (partner, items, program, locale, dict(certifications), moment)
    digest = hashlib.sha256(builder_digest() + model_digest(job))
    hash_files(digest, partner.folder, files_under(partner.folder / partner.logo))
    for item in items:
        hash_files(digest, item.folder, files_under(item.folder))
    entry = cache / partner.region.id / f"{partner.id}.pickle"
    key = digest.hexdigest()
    try:
        kept_key, files = pickle.loads(entry.read_bytes())
        if kept_key == key:
            return list(files)
    except (OSError, pickle.UnpicklingError, ValueError, EOFError):
        pass  # nothing kept, or something unreadable: made again
    files = kit_files(partner, items, program, locale, certifications, moment)
    entry.parent.mkdir(parents=True, exist_ok=True)
    partial = entry.with_suffix(".partial")
    partial.write_bytes(pickle.dumps((key, files)))
    partial.replace(entry)
    return files


def _common(partner: Partner, locale: Locale) -> dict[str, Any]:
    return {
        "lang": partner.language,
        "dir": text_direction(partner.language),
        "t": locale.t,
        "partner": partner,
        "logo": logo_name(partner),
        "tier_name": locale.t(f"tiers.{partner.tier.id}"),
        "primary": partner.colors["primary"],
        "secondary": partner.colors["secondary"],
        # Served behind the sign-in, the kit is /<region>/kit/ and the portal's default version /<region>/.
        "portal": "../" if partner.region.serving.signed_in else "",
    }


def check_kit_templates(partners: tuple[Partner, ...], items: tuple[Collateral, ...], program: Program, report: Report) -> None:
    """Render every co-branded item's HTML with every real partner once, so that `check` finds what the
    sample data did not (a partner with no contacts, a long name) before a build does."""
    for partner in partners:
        for item in offered(partner, items):
            context = {
                "partner": template_partner(partner),
                "text": item.texts_in(partner.language, program.default_language),
                "lang": partner.language,
            }
            problem = collateral_module.render_problem(item, context)
            if problem:
                where = f"{collateral_module.FOLDER}/{item.id}/{item.template}"
                report.error(where, problem[0], "template", f"template, with partner '{partner.id}' ({partner.source}): {problem[1]}")


def check_pdf_fonts(partners: tuple[Partner, ...], items: tuple[Collateral, ...], program: Program, report: Report) -> None:
    """Every language a PDF is made in must have an installed font: a partner's kit in the partner's
    language, the vendor's own copies in each language of the regions that offer them."""
    for item in items:
        if "pdf" not in item.formats:
            continue
        if item.co_brandable:
            languages = {partner.language for partner in partners if item in offered(partner, items)}
        else:
            languages = {
                lang for region in program.regions for lang in region.languages if any(item.offered_to(region, t) for t in program.tiers)
            }
        for lang in sorted(languages):
            problem = collateral_module.font_problem(lang)
            if problem:
                report.error(item.source, collateral_module.formats_line(item), "pdf-font", f"formats: pdf in '{lang}': {problem}")


# --- dashboard ---------------------------------------------------------------------------------


def next_tier(program: Program, tier: Tier) -> Tier | None:
    return program.tiers[tier.rank + 1] if tier.rank + 1 < len(program.tiers) else None


def requirements(partner: Partner, tier: Tier, paths: Mapping[str, str], locale: Locale) -> list[Requirement]:
    """How far the partner is from each requirement of `tier`, formatted for its language."""
    lang = babel_locale(partner.language)
    rows = []
    for key, target in tier.targets:
        value = partner.metrics.figures.get(key, 0.0)
        shown, goal = (_amount(n, key, lang) for n in (value, target))
        rows.append(Requirement(locale.t(f"kit.metrics.{key}"), shown, goal, min(1.0, value / target) if target else 1.0))
    for path_id, count in tier.certified:
        have = partner.metrics.certified.get(path_id, 0)
        rows.append(
            Requirement(
                paths.get(path_id, path_id), format_decimal(have, locale=lang), format_decimal(count, locale=lang), min(1.0, have / count)
            )
        )
    return rows


def _amount(number: float, key: str, lang: str) -> str:
    if key == "sourced_revenue":
        return format_compact_currency(number, "USD", locale=lang, fraction_digits=1)
    return format_decimal(number, locale=lang)


def revenue_chart(quarters: tuple[tuple[str, float], ...], lang: str, label: str, colour: str) -> str:
    """A bar chart of sourced revenue per quarter as inline SVG, drawn at build time (no script)."""
    if not quarters:
        return ""
    width, height, top, bottom, left = 560, 180, 24, 28, 8
    peak = max(value for _, value in quarters) or 1.0
    slot = (width - left) / len(quarters)
    bars = []
    for index, (quarter, value) in enumerate(quarters):
        bar = (height - top - bottom) * value / peak
        x = left + index * slot + slot * 0.15
        y = height - bottom - bar
        amount = html.escape(format_compact_currency(value, "USD", locale=babel_locale(lang)))
        bars.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" height="{bar:.1f}" fill="{html.escape(colour)}"><title>{html.escape(quarter)}: {amount}</title></rect>'
            f'<text x="{x + slot * 0.35:.1f}" y="{y - 6:.1f}" text-anchor="middle">{amount}</text>'
            f'<text x="{x + slot * 0.35:.1f}" y="{height - 8}" text-anchor="middle">{html.escape(quarter)}</text>'
        )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" aria-label="{html.escape(label)}" '
        f'class="chart" font-size="12" fill="#333">{"".join(bars)}</svg>'
    )


def _dashboard(partner: Partner, program: Program, locale: Locale, common: dict[str, Any], certifications: Mapping[str, str]) -> str:
    """The partner's tier, what the next tier needs and how far it is, its revenue chart and its manager."""
    upcoming = next_tier(program, partner.tier)
    rows = requirements(partner, upcoming or partner.tier, certifications, locale)
    chart = revenue_chart(partner.metrics.revenue_by_quarter, partner.language, locale.t("kit.chart"), common["primary"])
    return _PAGES.get_template("dashboard.html").render(
        **common,
        next_name=locale.t(f"tiers.{upcoming.id}") if upcoming else "",
        rows=rows,
        chart=markupsafe.Markup(chart),  # built above from escaped parts
        manager=partner.manager,
    )
