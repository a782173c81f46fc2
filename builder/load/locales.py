"""Loading `locales/<lang>.yml`: every label the builder and theme generate, per language."""

from __future__ import annotations

import string
from dataclasses import dataclass
from pathlib import Path

from ..core.models import SEARCH_TYPES, Locale, Program
from ..core.problems import Report
from ..core.schema import describe
from ..core.yamlio import YamlMap, load_yaml, read_text

# The labels the builder and theme use, with the placeholders each may contain.
UI_LABELS: dict[str, tuple[str, ...]] = {
    # The portal's name, description and footer line in each language (they replace mkdocs.yml's
    # site_name, site_description and copyright, which MkDocs would show in every language).
    "site.name": (),
    "site.description": (),
    "footer.copyright": (),
    "tier.badge": ("tier",),
    "tier.required": ("tier",),
    "teaser.available_from": ("tier",),
    "teaser.locked": ("tier",),
    "fallback.notice": ("language", "default"),
    "stale.notice": ("default", "date"),
    "stale.notice_undated": ("default",),
    "stale.original": ("default",),
    "region.label": ("region",),
    "version.outdated": (),
    "search.results": ("count",),
    "search.all": (),
    "search.none": (),
    **{f"search.types.{kind}": () for kind in SEARCH_TYPES},
    "version.current": (),
    "catalog.title": (),
    "catalog.all": (),
    "catalog.intro": (),
    "catalog.download": (),
    "catalog.product": (),
    "catalog.deployment": (),
    "catalog.status": (),
    "catalog.summary": (),
    "catalog.line": (),
    "catalog.skus": (),
    "catalog.sku": (),
    "catalog.name": (),
    "catalog.list_price": ("currency",),
    "catalog.your_price": ("currency", "tier"),
    "catalog.requires": (),
    "catalog.addons": (),
    "catalog.docs": (),
    "catalog.currency": (),
    "catalog.list_price_plain": (),
    "catalog.partner_price_plain": (),
    "catalog.discount": (),
    "catalog.untranslated": ("language", "default"),
    "kit.title": (),
    "kit.dashboard": (),
    "kit.downloads": (),
    "kit.no_rights": (),
    "kit.none": (),
    "kit.html": (),
    "kit.pdf": (),
    "kit.your_tier": ("tier",),
    "kit.next_tier": ("tier",),
    "kit.top_tier": (),
    "kit.of": ("value", "target"),
    "kit.met": (),
    "kit.chart": (),
    "kit.manager": (),
    "kit.contacts": (),
    "kit.private": ("partner",),
    "kit.metrics.sourced_revenue": (),
    "kit.metrics.points": (),
    "kit.metrics.csat": (),
    "kit.metrics.registered_deals": (),
    "collateral.title": (),
    "collateral.intro": (),
    "collateral.in_kit": (),
    "collateral.html": (),
    "collateral.pdf": (),
    "training.title": (),
    "training.intro": (),
    "training.all": (),
    "training.courses": (),
    "training.course": (),
    "training.roles_label": (),
    "training.role": (),
    "training.level": (),
    "training.duration": (),
    "training.product": (),
    "training.products": (),
    "training.prerequisites": (),
    "training.objectives": (),
    "training.modules": (),
    "training.module_of": ("number", "total"),
    "training.start": (),
    "training.back": (),
    "training.progress": ("done", "total"),
    "training.done": (),
    "training.complete": (),
    "training.completed": (),
    "training.quiz": (),
    "training.quiz_note": (),
    "training.check": (),
    "training.result": ("correct", "total"),
    "training.passed": (),
    "training.retry": (),
    "training.paths": (),
    "training.certification": (),
    "training.requirement": (),
    "training.counts_toward": ("tier", "count"),
    "training.sessions": (),
    "training.upcoming": (),
    "training.recordings": (),
    "training.no_sessions": (),
    "training.recording": (),
    "training.no_recording": (),
    "training.join": (),
    "training.add_to_calendar": (),
    "training.your_time": ("time",),
    "training.untranslated": ("language", "default"),
    "training.roles.sales": (),
    "training.roles.presales": (),
    "training.roles.support": (),
    "training.roles.engineering": (),
    "training.levels.beginner": (),
    "training.levels.intermediate": (),
    "training.levels.advanced": (),
    "training.kinds.webinar": (),
    "training.kinds.workshop": (),
    "catalog.lines.observability": (),
    "catalog.lines.security": (),
    "catalog.lines.data": (),
    "catalog.statuses.ga": (),
    "catalog.statuses.beta": (),
    "catalog.statuses.end-of-sale": (),
    "catalog.statuses.end-of-life": (),
    "catalog.deployments.saas": (),
    "catalog.deployments.self-managed": (),
}


def required_labels(program: Program) -> dict[str, tuple[str, ...]]:
    """Every label a build of this program uses, with its placeholders."""
    labels = dict(UI_LABELS)
    labels.update({f"tiers.{t.id}": () for t in program.tiers})
    labels.update({f"regions.{r.id}": () for r in program.regions})
    labels.update({f"notices.{r.notice}": () for r in program.regions})
    labels.update({f"languages.{lang}": () for lang in program.languages})
    return labels


@dataclass
class LabelFile:
    path: str
    strings: dict[str, str]
    lines: dict[str, int]
    first_line: int


def load_locales(root: Path, program: Program, report: Report) -> dict[str, Locale]:
    """Read every language's labels; a missing label falls back to the default language's (a warning)."""
    files = {lang: read_labels(root, lang, report) for lang in program.languages}
    needed = required_labels(program)
    defaults = files[program.default_language]
    locales = {}
    for lang, file in files.items():
        is_default = lang == program.default_language
        for key in [*needed, *(k for k in defaults.strings if k not in needed and not is_default)]:
            if key in file.strings:
                continue
            if is_default:
                report.error(
                    file.path, file.first_line, "locale-missing-key", f"missing label '{key}' (the default language must have every label)"
                )
            else:
                report.warn(file.path, file.first_line, "locale-missing-key", f"missing label '{key}'; '{defaults.path}' is used instead")
        usable = {}
        for key, value in file.strings.items():
            if key not in needed and key not in defaults.strings:
                report.warn(file.path, file.lines[key], "locale-unknown-key", f"unknown label '{key}'")
            if _placeholders_ok(file, key, value, needed.get(key, ()), report):
                usable[key] = value
        locales[lang] = Locale(lang, file.path, {**defaults.strings, **usable}, frozenset(file.strings))
    return locales


def read_labels(root: Path, lang: str, report: Report) -> LabelFile:
    """One language's labels by dotted key, with the line of each."""
    path = f"locales/{lang}.yml"
    text = read_text(root / path, path, report)
    data = load_yaml(text, path, report) if text is not None else None
    file = LabelFile(path, {}, {}, data.line if isinstance(data, YamlMap) else 1)
    if isinstance(data, YamlMap):
        _flatten(data, "", file, report)
    elif data is not None:
        report.error(path, 1, "schema-type", f"expected a mapping of labels, got {describe(data)}")
    return file


def _flatten(data: YamlMap, prefix: str, file: LabelFile, report: Report) -> None:
    for key, value in data.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, YamlMap):
            _flatten(value, dotted + ".", file, report)
        elif isinstance(value, (str, int, float)) and not isinstance(value, bool):
            file.strings[dotted] = str(value)
            file.lines[dotted] = data.line_of(key)
        else:
            report.error(file.path, data.line_of(key), "schema-type", f"{dotted}: expected a text, got {describe(value)}")


def _placeholders_ok(file: LabelFile, key: str, value: str, allowed: tuple[str, ...], report: Report) -> bool:
    """A label's `{placeholders}` must be well formed and among those the builder fills in."""
    try:
        fields = [name for _, name, _, _ in string.Formatter().parse(value) if name is not None]
    except ValueError as exc:
        report.error(file.path, file.lines[key], "locale-format", f"{key}: {exc} (write '{{{{' and '}}}}' for literal braces)")
        return False
    unknown = [name for name in fields if name not in allowed]
    if unknown:
        expected = ", ".join(f"{{{name}}}" for name in allowed) or "none"
        report.error(
            file.path, file.lines[key], "locale-placeholder", f"{key}: unknown placeholder {{{unknown[0]}}} (expected: {expected})"
        )
        return False
    return True
