"""Cross-file checks that need every variant: the links of each page as that variant renders it."""

from __future__ import annotations

import difflib
import posixpath
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..core.models import Variant
from ..core.paths import page_url
from ..core.problems import Report
from ..features.project import Content, Project
from .links import SAFE_SCHEMES, Renderings, Target, target_of
from .stage import Plan, StagedPage


@dataclass(frozen=True)
class _Tree:
    """One variant's pages as a link reaches them: by content path and language."""

    plan: Plan
    pages: dict[tuple[str, str], StagedPage]
    published: frozenset[str]
    default_language: str

    @property
    def version(self) -> str:
        return self.plan.variant.version.name

    def page(self, path: str, lang: str) -> StagedPage | None:
        """The page a reader of `lang` gets at `path`: its translation, else (mkdocs-static-i18n's fallback) the original."""
        return self.pages.get((path, lang)) or self.pages.get((path, self.default_language))

    def reaches(self, path: str) -> str | None:
        """The file a link to `path` gets in this tree (a link to a folder gets its index page), or None."""
        return next((c for c in (path, f"{path}/index.md") if c in self.published), None)


def _tree(plan: Plan, default_language: str) -> _Tree:
    languages = plan.variant.region.languages
    pages = {(s.page.path, s.language(languages, default_language)): s for s in plan.pages}
    published = frozenset({s.page.path for s in plan.pages} | set(plan.assets) | {name for name, _ in plan.files})
    return _Tree(plan, pages, published, default_language)


@dataclass(frozen=True, order=True)
class _Missing:
    """A link that some variants would publish broken: to a file they lack, or to an id the target lacks there."""

    source: str
    line: int
    prefix: str
    version: str
    path: str  # the content-relative file linked to
    anchor: str  # "" when the file itself is missing
    lang: str  # the language of the linking page, which picks the target's translation


def check_links(project: Project, plans: Iterable[Plan], renderings: Renderings, report: Report) -> None:
    """Report each link that a variant would publish broken, naming the variants and the reason.

    The links are those of the rendered page, so nothing in code counts; an anchor must be an id of
    the target as that variant renders it, in the reader's language. A page that failed to load is
    reported where it failed, not again at every link to it.
    """
    default = project.program.default_language
    trees = [_tree(plan, default) for plan in plans]
    missing: dict[_Missing, list[Variant]] = defaultdict(list)
    for tree in trees:
        content = project.content(tree.plan.variant.version)
        for staged in tree.plan.pages:
            if staged.teaser:
                continue
            lang = staged.language(tree.plan.variant.region.languages, default)
            rendering = renderings(staged.text)
            for url, line in rendering.links:
                target = target_of(staged.page.path, url)
                source, line = staged.page.source, staged.source_line(line)
                if target.kind == "outside" and _in_other_version(project, tree, lang, staged, url):
                    continue
                if target.kind in ("unsafe", "root", "outside"):
                    report.error(source, line, *_unusable(content, staged, url, target))
                    continue
                if target.kind == "anchor":
                    lacking = None if target.anchor in rendering.ids else (staged.page.path, target.anchor)
                elif target.kind == "file" and target.path not in content.unread:
                    lacking = _lacking(tree, renderings, target, lang)
                else:
                    lacking = None
                if lacking is not None:
                    missing[_Missing(source, line, staged.page.prefix, tree.version, *lacking, lang)].append(tree.plan.variant)
    for key, variants in sorted(missing.items()):
        same_version = [t for t in trees if t.version == key.version]
        _report_missing(project, same_version, renderings, key, variants, report)


def _in_other_version(project: Project, tree: _Tree, lang: str, staged: StagedPage, url: str) -> bool:
    """True for a link that climbs from the page's URL to another version of the same tier (`../../2026.1/`).

    A link that names no file of the site is followed by the browser from the page's URL, which
    MkDocs leaves as it is.
    """
    here = posixpath.join(tree.version, "" if lang == tree.default_language else lang, page_url(staged.page.path))
    landed = posixpath.normpath(posixpath.join(here, urlsplit(url).path))
    names = {v.name for v in project.program.versions} | {a for v in project.program.versions for a in v.aliases}
    return landed.split("/")[0] in names


def _lacking(tree: _Tree, renderings: Renderings, target: Target, lang: str) -> tuple[str, str] | None:
    """What a link to a file lacks in this tree: (the file, "") or (the page, the anchor it has no id for)."""
    reached = tree.reaches(target.path)
    if reached is None:
        return target.path, ""
    page = tree.page(reached, lang) if target.anchor and reached.endswith(".md") else None
    # A teaser stands in for the whole page: a link into a locked page lands on its lock.
    if page is None or page.teaser or target.anchor in renderings(page.text).ids:
        return None
    return reached, target.anchor


def _report_missing(
    project: Project, trees: list[_Tree], renderings: Renderings, key: _Missing, variants: list[Variant], report: Report
) -> None:
    content = project.contents[key.version]
    named = f"{key.prefix}{key.path}" + (f"#{key.anchor}" if key.anchor else "")
    if key.anchor:
        showing = [t.plan.variant for t in trees if key.lang in t.plan.variant.region.languages and _shows_id(t, renderings, key)]
        if showing:
            message = f"link to '{named}', a heading only the {_variant_list(showing)} build shows (it is gated); the {_variant_list(variants)} build would have a broken link (gate the link the same way)"
            report.error(key.source, key.line, "gated-anchor", message)
        else:
            page = next(t.page(key.path, key.lang) for t in trees if t.plan.variant == variants[0])
            close = difflib.get_close_matches(key.anchor, sorted(renderings(page.text).ids) if page else [], n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            which = "the page" if key.lang == project.program.default_language else f"the page in '{key.lang}'"
            report.error(key.source, key.line, "broken-anchor", f"link to '{named}': {which} has no heading or id '{key.anchor}'{hint}")
    elif not _exists(content, key.path):
        report.error(key.source, key.line, "broken-link", f"link to '{named}', which does not exist")
    else:
        message = f"link to '{named}', {_why_missing(project, content, key.path)}; the {_variant_list(variants)} build would have a broken link (gate the link, or give the target 'teaser: true')"
        report.error(key.source, key.line, "gated-link", message)


def _shows_id(tree: _Tree, renderings: Renderings, key: _Missing) -> bool:
    page = tree.page(key.path, key.lang)
    return page is not None and not page.teaser and key.anchor in renderings(page.text).ids


def _exists(content: Content, path: str) -> bool:
    pages = {p.path for p in content.pages}
    return path in pages or f"{path}/index.md" in pages or path in content.assets


def _unusable(content: Content, staged: StagedPage, url: str, target: Target) -> tuple[str, str]:
    """The code and message of a link that is wrong in every variant alike."""
    if target.kind == "unsafe":
        return "unsafe-url", f"link to '{url}': a page links only to {', '.join(SAFE_SCHEMES)} URLs, to files of the site and to anchors"
    if target.kind == "outside":
        return "broken-link", f"link to '{url}', which leaves the content folder"
    found = next((c for c in _root_candidates(target.path) if _exists(content, c)), None)
    if found is None:
        hint = f"and no page or file '{staged.page.prefix}{target.path}' exists either"
    else:
        relative = posixpath.relpath(found, posixpath.dirname(staged.page.path) or ".")
        hint = f"write it relative to this page: '{relative}" + (f"#{target.anchor}'" if target.anchor else "'")
    return (
        "root-link",
        f"link to '{url}' starts at the web root, but each tier tree is served below its own prefix, so it would break; {hint}",
    )


def _root_candidates(path: str) -> list[str]:
    """The files a root-absolute URL may mean: a file, a page by its URL (`support/escalation/`), a folder's index."""
    stem = path.removesuffix(".html")
    if stem == "index" or stem.endswith("/index"):
        stem = stem.removesuffix("index").rstrip("/")
    candidates = [path] if path else []
    if stem:
        candidates.append(f"{stem}.md")
    candidates.append(f"{stem}/index.md" if stem else "index.md")
    return candidates


def _why_missing(project: Project, content: Content, target: str) -> str:
    page = next((p for p in content.pages if p.path in (target, f"{target}/index.md") and p.lang == project.program.default_language), None)
    if page is None:
        return "an asset not published there"
    reasons = []
    if page.min_tier != project.program.lowest_tier:
        reasons.append(f"which needs tier '{page.min_tier.id}' and has no teaser")
    if page.regions is not None:
        reasons.append(f"limited to regions {', '.join(sorted(page.regions))}")
    return " and ".join(reasons) or "which is not published there"


def _variant_list(variants: list[Variant]) -> str:
    names = sorted({f"{v.region.id}/{v.tier.id}" for v in variants})
    shown = ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")
    return shown
