"""Stage 2: turn a Project into one prepared `docs_dir` per variant.

`plan_variant` is pure: it decides, for a (region, tier, version), which pages are published as
they are, which become locked teasers, which assets go along and which pages and files are written
from data. `write_variant` puts a plan on disk. (The leak audit never reads a plan: it takes its
evidence from the sources, `release.evidence`.)
"""

from __future__ import annotations

import html
import shutil
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from ..core import gate
from ..core.models import GeneratedPage, Page, Variant, pick
from ..core.paths import localized, page_url, without_language
from ..core.references import used_links
from ..features import catalog, collateral, training_pages
from ..features.project import Content, Project
from ..features.training import Module


@dataclass(frozen=True)
class StagedPage:
    """A file of the staged docs_dir: a page (gated) or a teaser in place of one."""

    name: str  # path in docs_dir, language suffix included ("deals/index.de.md")
    page: Page
    text: str
    teaser: bool
    header: int = 0  # lines the builder put above the page's body (a module's course header)

    def language(self, languages: tuple[str, ...], default: str) -> str:
        """The language the file is staged in (an untranslated page's teaser is staged in each language)."""
        return next((lang for lang in languages if self.name.endswith(f".{lang}.md")), default)

    def source_line(self, line: int) -> int:
        """The line of the page's file that line `line` (1-based) of the staged text comes from."""
        body = gate.body_start(self.page.text.split("\n")) if self.header else 0
        if line <= body:
            return line
        return body + 1 if line <= body + self.header else line - self.header


@dataclass(frozen=True)
class Plan:
    """Everything that goes into one variant's docs_dir."""

    variant: Variant
    pages: tuple[StagedPage, ...]
    assets: tuple[str, ...]
    files: tuple[tuple[str, bytes], ...] = ()  # generated downloads (price lists), by name in docs_dir

    def urls_in(self, lang: str) -> frozenset[str]:
        """URLs (below the language root) of the pages staged in `lang` itself, not as fallbacks."""
        return frozenset(page_url(s.page.path) for s in self.pages if s.name.endswith(f".{lang}.md"))


def staged_name(page: Page, default_language: str) -> str:
    """`deals/index.md` in German is staged as `deals/index.de.md` (mkdocs-static-i18n's suffix layout)."""
    return localized(page.path, page.lang, default_language)


def plan_variant(project: Project, variant: Variant) -> Plan:
    """Decide the content of one variant."""
    languages = variant.region.languages
    content = project.content(variant.version)
    modules = visible_modules(content, variant)
    words = {lang: _words(project, content, variant, lang) for lang in languages}
    staged: list[StagedPage] = []
    for page in content.pages:
        if page.lang not in languages:
            continue
        name = staged_name(page, project.program.default_language)
        lines = page.text.split("\n")
        if page.visible_to(variant.region, variant.tier):
            visible, _ = gate.cut(lines, page.gates, variant.allows)
            text, header = _as_module(content, page, "\n".join(visible), modules, words[page.lang])
            staged.append(StagedPage(name, page, text, teaser=False, header=header))
            continue
        if page.teased_to(variant.region, variant.tier):
            staged.append(StagedPage(name, page, teaser_text(project, page, page.lang), teaser=True))
            staged.extend(_untranslated_teasers(project, content, page, variant))
    assets = _assets(content, staged, project.program.languages)
    generated, files = _from_data(project, content, modules, words, variant)
    return Plan(variant, tuple(staged + generated), assets, files)


def _from_data(
    project: Project, content: Content, modules: dict[str, tuple[Module, ...]], words: dict[str, training_pages.Words], variant: Variant
) -> tuple[list[StagedPage], tuple[tuple[str, bytes], ...]]:
    """The pages and files the builder writes from data: catalog, training, collateral library."""
    catalog_staged, catalog_files = _catalog(project, variant)
    training_staged, training_files = _training(project, content, modules, words)
    library_staged, library_files = _collateral(project, variant)
    return catalog_staged + training_staged + library_staged, catalog_files + training_files + library_files


def _collateral(project: Project, variant: Variant) -> tuple[list[StagedPage], tuple[tuple[str, bytes], ...]]:
    """The collateral library page and the vendor's own copies of non-co-brandable items, per language."""
    default = project.program.default_language
    staged, files = [], []
    for lang in variant.region.languages:
        page = collateral.library_page(project.collateral, variant.region, variant.tier, lang, default, project.locales[lang])
        if page is None:
            continue
        staged.append(_generated(project, page, lang))
        for item in project.collateral:
            if item.offered_to(variant.region, variant.tier) and not item.co_brandable:
                files += [
                    (localized(f"collateral/{item.id}.{fmt}", lang, default), data)
                    for fmt, data in collateral.vendor_files(item, lang, default, project.as_of)
                ]
    return staged, tuple(files)


def visible_modules(content: Content, variant: Variant) -> dict[str, tuple[Module, ...]]:
    """The modules of each course the variant sees, in order: those whose own page it may read."""
    readable = {p.path for p in content.pages if p.visible_to(variant.region, variant.tier)}
    return {
        course.id: tuple(m for m in course.modules if m.page in readable)
        for course in content.training.courses
        if course.gating.visible_to(variant.region, variant.tier)
    }


def _words(project: Project, content: Content, variant: Variant, lang: str) -> training_pages.Words:
    default = project.program.default_language
    titles = {p.path: p.title for p in content.pages if p.lang == default}
    titles.update({p.path: p.title for p in content.pages if p.lang == lang})
    return training_pages.Words(project.program, variant, lang, project.locales[lang], titles)


def _as_module(
    content: Content, page: Page, text: str, modules: dict[str, tuple[Module, ...]], words: training_pages.Words
) -> tuple[str, int]:
    """A module page gets its course header, quiz and previous/next links; other pages stay as they are.

    Also returns the number of lines put above the body, so that a problem is still found at its line."""
    found = content.training.module_of(page.path)
    if found is None:
        return text, 0
    course, position = found
    module = course.modules[position]
    return training_pages.decorate_module(text, gate.body_start(text.split("\n")), course, module, modules[course.id], words)


def _training(
    project: Project, content: Content, modules: dict[str, tuple[Module, ...]], words: dict[str, training_pages.Words]
) -> tuple[list[StagedPage], tuple[tuple[str, bytes], ...]]:
    """The training pages and calendar files in every language of the variant's region."""
    staged, files = [], []
    for lang, said in words.items():
        variant = said.variant
        visible = [p for p in project.catalog if p.visible_to(variant.region, variant.tier)]
        products = {p.id: pick(p.names, lang, said.default) for p in visible}
        for generated in training_pages.training_pages(content.training, modules, said, project.as_of, products):
            staged.append(_generated(project, generated, lang))
        files += training_pages.session_files(content.training, said, project.as_of)
    return staged, tuple(files)


def _generated(project: Project, generated: GeneratedPage, lang: str) -> StagedPage:
    """A page written from data, staged like an authored one; a teaser's text is the locked page."""
    program = project.program
    min_tier = generated.teaser_tier or program.lowest_tier
    page = Page(
        generated.path,
        lang,
        generated.source,
        generated.title,
        generated.summary,
        min_tier,
        None,
        generated.teaser_tier is not None,
        "",
        (),
    )
    name = staged_name(page, program.default_language)
    if generated.teaser_tier is not None:
        return StagedPage(name, page, teaser_text(project, page, lang), teaser=True)
    front = yaml.safe_dump({"title": html.escape(generated.title), "summary": generated.summary}, allow_unicode=True, sort_keys=True)
    text = f"---\n{front}---\n\n{generated.text}"
    return StagedPage(name, replace(page, text=text), text, teaser=False)


def _catalog(project: Project, variant: Variant) -> tuple[list[StagedPage], tuple[tuple[str, bytes], ...]]:
    """The catalog's pages and price lists in every language of the variant's region."""
    if not project.catalog:
        return [], ()
    program = project.program
    staged, files = [], []
    for lang in variant.region.languages:
        locale = project.locales[lang]
        for generated in catalog.catalog_pages(project.catalog, program, variant, lang, locale):
            staged.append(_generated(project, generated, lang))
        files.append(
            (
                localized("catalog/price-list.csv", lang, program.default_language),
                catalog.price_list_csv(project.catalog, program, variant, lang, locale),
            )
        )
    return staged, tuple(files)


def _assets(content: Content, staged: list[StagedPage], languages: tuple[str, ...]) -> tuple[str, ...]:
    """Which assets go along with a variant: never one that only hidden text names.

    An asset goes along when a page the variant shows links to it (the link resolved and decoded,
    in any syntax the link finder knows; a reference definition only where a reference uses it), or
    when no page names it at all (a download or image that the theme uses). Everything else stays
    out, however it is spelled. A language's own copy of an asset (`plan.de.svg`, which
    mkdocs-static-i18n shows in place of `plan.svg` on German pages) goes with the asset it replaces.
    """
    linked = {link.target for s in staged if not s.teaser for link in used_links(s.text.split("\n"), s.page.path)}
    return tuple(
        asset for asset in content.assets if {asset, without_language(asset, languages)} & linked or not content.mentions.get(asset)
    )


def _untranslated_teasers(project: Project, content: Content, page: Page, variant: Variant) -> list[StagedPage]:
    """A teaser speaks the reader's language even where the page itself has no translation."""
    if page.lang != project.program.default_language:
        return []
    translated = {p.lang for p in content.pages if p.path == page.path}
    return [
        StagedPage(localized(page.path, lang, project.program.default_language), page, teaser_text(project, page, lang), teaser=True)
        for lang in variant.region.languages
        if lang not in translated
    ]


def teaser_text(project: Project, page: Page, lang: str) -> str:
    """The locked page shown at a gated page's URL: title, summary and the tier it needs, no body."""
    locale = project.locales[lang]
    tier_name = locale.t(f"tiers.{page.min_tier.id}")
    # MkDocs puts front matter titles into the HTML as they are: escaped here, they show as text.
    front = {"title": html.escape(page.title), "summary": page.summary, "partnerkb_teaser": page.min_tier.id}
    body = (
        f"# {html.escape(page.title)}\n\n"
        f'<div class="pkb-teaser">\n'
        f'<p class="pkb-teaser__tier">{html.escape(locale.t("teaser.available_from", tier=tier_name))}</p>\n'
        f'<p class="pkb-teaser__summary">{html.escape(page.summary)}</p>\n'
        f'<p class="pkb-teaser__locked">{html.escape(locale.t("teaser.locked", tier=tier_name))}</p>\n'
        f"</div>\n"
    )
    return f"---\n{yaml.safe_dump(front, allow_unicode=True, sort_keys=True)}---\n\n{body}"


def write_variant(project: Project, plan: Plan, docs_dir: Path) -> None:
    """Write a plan's pages and assets into an empty docs_dir."""
    content = project.content(plan.variant.version).folder
    for name, data in plan.files:
        target = docs_dir / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    for staged in plan.pages:
        target = docs_dir / staged.name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(staged.text, encoding="utf-8")
    for asset in plan.assets:
        target = docs_dir / asset
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(content / asset, target)
