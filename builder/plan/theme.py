"""What the theme shows besides the pages, per variant and language: labels, notices, tier chips, section titles."""

from __future__ import annotations

import html
from typing import Any

from babel.dates import format_date

from ..core.models import SEARCH_TYPES, Variant, babel_locale, pick
from ..core.paths import localized, page_url
from ..features.project import Project
from ..features.translations import translations


def section_labels(project: Project, variant: Variant, lang: str) -> dict[str, str]:
    """The navigation label of each folder that has one: `sections.<folder>` in the locale.

    A course's folder is named by the course's title, and training's `paths/` by its label.
    """
    locale = project.locales[lang]
    labels = {key.split(".", 1)[1]: label for key, label in sorted(locale.strings.items()) if key.startswith("sections.")}
    training = project.content(variant.version).training
    if training.courses or training.paths:
        labels["paths"] = locale.t("training.paths")
    for course in training.courses:  # those the variant shows or teases: the others' titles must not appear
        if course.gating.visible_to(variant.region, variant.tier) or course.teased_to(variant.region, variant.tier):
            labels[course.id] = html.escape(pick(course.titles, lang, project.program.default_language))
    return labels


def theme_data(project: Project, variant: Variant) -> dict[str, Any]:
    """What theme/ shows: tier badge, region notice, fallback notice, "Gold and above" chips, per language."""
    default = project.program.default_language
    labels = {}
    for lang in variant.region.languages:
        locale = project.locales[lang]
        tier_name = locale.t(f"tiers.{variant.tier.id}")
        labels[lang] = {
            "tier_badge": locale.t("tier.badge", tier=tier_name),
            "region": locale.t("region.label", region=locale.t(f"regions.{variant.region.id}")),
            "region_notice": locale.t(f"notices.{variant.region.notice}"),
            "fallback_notice": locale.t(
                "fallback.notice", language=locale.t(f"languages.{lang}"), default=locale.t(f"languages.{default}")
            ),
            "stale_original": locale.t("stale.original", default=locale.t(f"languages.{default}")),
            "tier_required": {t.id: locale.t("tier.required", tier=locale.t(f"tiers.{t.id}")) for t in project.program.tiers[1:]},
            "version_outdated": locale.t("version.outdated"),
            "version_current": locale.t("version.current"),
            "kit": locale.t("kit.title"),
            "dashboard": locale.t("kit.dashboard"),
            "search": {
                "results": locale.t("search.results", count="{count}"),
                "all": locale.t("search.all"),
                "none": locale.t("search.none"),
                "types": {kind: locale.t(f"search.types.{kind}") for kind in SEARCH_TYPES},
            },
        }
    return {
        "tier": variant.tier.id,
        "region": variant.region.id,
        "default_language": default,
        "labels": labels,
        "page_tiers": _page_tiers(project, variant),
        "stale": _stale_notices(project, variant),
        "search_service": variant.region.serving.search,
        "kit": variant.region.serving.signed_in,
        "version": variant.version.name,
    }


def _stale_notices(project: Project, variant: Variant) -> dict[str, dict[str, str]]:
    """The notice of each stale translation this variant shows, by its file: its original's URL and what
    readers are told (when the original changed, where git knows)."""
    default = project.program.default_language
    content = project.content(variant.version)
    notices = {}
    for found in translations(content.pages, default):
        lang, original = found.translation.lang, found.original
        if not found.stale or lang not in variant.region.languages or not original.visible_to(variant.region, variant.tier):
            continue
        locale, named = project.locales[lang], project.locales[lang].t(f"languages.{default}")
        changed = content.changed.get(original.path)
        notice = (
            locale.t("stale.notice", default=named, date=format_date(changed, format="long", locale=babel_locale(lang)))
            if changed
            else locale.t("stale.notice_undated", default=named)
        )
        notices[localized(original.path, lang, default)] = {"original": page_url(original.path), "notice": notice}
    return notices


def _page_tiers(project: Project, variant: Variant) -> dict[str, str]:
    """The minimum tier of each gated page this variant shows, by its file in every language."""
    tiers = {}
    for page in project.content(variant.version).pages:
        if page.lang == project.program.default_language and page.min_tier.rank > 0 and page.visible_to(variant.region, variant.tier):
            tiers[page.path] = page.min_tier.id
            tiers.update({localized(page.path, lang, page.lang): page.min_tier.id for lang in variant.region.languages})
    return tiers
