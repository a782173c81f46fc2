"""Stage 3: render a staged variant into a static site. MkDocs is imported here and nowhere outside render/

MkDocs (with Material and mkdocs-static-i18n) renders each variant from its staged docs_dir and
the project's `mkdocs.yml`, with per-variant overrides. Afterwards the search index that
mkdocs-static-i18n fills with every language is split into one index per language.
"""

from __future__ import annotations

import copy
import html
import json
import logging
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from ..core.folding import fold
from ..core.models import Variant
from ..core.problems import Report
from ..core.reader import extensions_of
from ..core.yamlio import ALIAS_PROBLEM, first_alias
from ..features.project import Project
from ..plan.theme import section_labels, theme_data

if TYPE_CHECKING:
    from mkdocs.plugins import BasePlugin

LUNR_LANGUAGES = {
    "ar",
    "da",
    "de",
    "du",
    "el",
    "en",
    "es",
    "fi",
    "fr",
    "he",
    "hi",
    "hu",
    "hy",
    "it",
    "ja",
    "kn",
    "ko",
    "nl",
    "no",
    "pt",
    "ro",
    "ru",
    "sa",
    "sv",
    "ta",
    "te",
    "th",
    "tr",
    "vi",
    "zh",
}


@dataclass(frozen=True)
class RenderJob:
    """What a worker process needs to render one variant (plain data, picklable)."""

    variant_id: str
    config_file: str
    overrides: dict[str, Any]
    site_dir: str
    languages: tuple[str, ...]
    epoch: int
    # For each language but the default, the URLs (below the language root) of its own pages; the
    # other URLs of that language are fallbacks in the default language and stay out of its index.
    translated: dict[str, frozenset[str]]


@dataclass(frozen=True)
class RenderResult:
    variant_id: str
    seconds: float
    warnings: tuple[str, ...] = ()
    error: str | None = None
    reused: bool = False  # the tree came from the cache: its inputs did not change


class ConfigAlias(ValueError):
    """mkdocs.yml uses a YAML alias, refused before MkDocs expands it."""

    def __init__(self, line: int) -> None:
        super().__init__(ALIAS_PROBLEM)
        self.line = line


def read_mkdocs_yml(root: Path) -> dict[str, Any]:
    """mkdocs.yml as MkDocs reads it (its `!ENV` and `!relative` tags, `INHERIT`); aliases refused first."""
    from mkdocs.utils.yaml import yaml_load

    path = root / "mkdocs.yml"
    if path.is_symlink():
        raise FileNotFoundError(f"{path} is a symbolic link")
    line = first_alias(path.read_text(encoding="utf-8"))
    if line is not None:
        raise ConfigAlias(line)
    with open(path, encoding="utf-8") as handle:
        return yaml_load(handle) or {}


def read_base_config(project: Project) -> dict[str, Any]:
    """The project's mkdocs.yml, see `read_mkdocs_yml`."""
    return read_mkdocs_yml(project.root)


def check_base_config(project: Project, variant: Variant, report: Report) -> None:
    """mkdocs.yml must load and validate the way MkDocs does, and leave the navigation to partnerkb."""
    import tempfile

    from mkdocs.config import load_config
    from mkdocs.exceptions import ConfigurationError, MkDocsException

    try:
        base = read_base_config(project)
    except FileNotFoundError:
        report.error("mkdocs.yml", 1, "missing-file", "file not found (a symbolic link is not followed)")
        return
    except ConfigAlias as exc:
        report.error("mkdocs.yml", exc.line, "yaml-alias", str(exc))
        return
    except ConfigurationError as exc:
        cause = exc.__context__
        if isinstance(cause, yaml.MarkedYAMLError) and cause.problem_mark is not None:
            report.error("mkdocs.yml", cause.problem_mark.line + 1, "yaml-syntax", f"invalid YAML: {cause.problem}")
        else:
            report.error("mkdocs.yml", 1, "mkdocs-config", str(exc).splitlines()[0])
        return
    if not isinstance(base, dict):
        report.error("mkdocs.yml", 1, "schema-type", "expected a mapping of MkDocs settings")
        return
    if "nav" in base:
        line = _line_of_key(project.root / "mkdocs.yml", "nav")
        report.error(
            "mkdocs.yml",
            line,
            "mkdocs-nav",
            "nav: partnerkb builds each variant's navigation from content/ (a fixed nav would name gated pages to every tier); remove it",
        )
    theme = base.get("theme")
    served = any(region.serving.signed_in for region in project.program.regions)
    if served and not (isinstance(theme, dict) and theme.get("font") is False):
        report.warn(
            "mkdocs.yml",
            _line_of_key(project.root / "mkdocs.yml", "theme"),
            "serving-font",
            "theme: Material loads its fonts from Google, which the served portal's Content-Security-Policy refuses; set font: false",
        )
    for name in extensions_of(base)[0]:
        if name in _INCLUDING_EXTENSIONS:
            report.error(
                "mkdocs.yml",
                _first_line(project.root / "mkdocs.yml", re.compile(re.escape(name)).search),
                "mkdocs-extension",
                f"markdown_extensions: {name} reads files while MkDocs renders, after partnerkb has gated the pages "
                "(an included file would reach every tier); remove it",
            )
    captured = _capture_mkdocs_log()
    try:
        with tempfile.TemporaryDirectory() as site:
            docs_dir = project.content(variant.version).folder
            load_config(str(project.root / "mkdocs.yml"), **variant_overrides(project, variant, base, docs_dir, Path(site)))
    except MkDocsException:
        pass  # the reasons are in the captured log
    finally:
        logging.getLogger("mkdocs").removeHandler(captured)
    for messages, add in ((captured.errors, report.error), (captured.messages, report.warn)):
        for message in messages:
            key = re.match(r"Config value '(\w+)'", message)
            line = _line_of_key(project.root / "mkdocs.yml", key.group(1)) if key else 1
            add("mkdocs.yml", line, "mkdocs-config", message.replace("\n", " "))


# Extensions that pull other files into a page at render time, past the gating of its text.
_INCLUDING_EXTENSIONS = ("pymdownx.snippets", "markdown_include.include", "mdx_include")


def _first_line(path: Path, matches: Callable[[str], object]) -> int:
    """The number of the first line of `path` that `matches`, else 1."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next((number for number, line in enumerate(lines, start=1) if matches(line)), 1)


def _line_of_key(path: Path, key: str) -> int:
    """The line of a top-level key of mkdocs.yml."""
    return _first_line(path, lambda line: line.startswith(f"{key}:"))


def variant_overrides(project: Project, variant: Variant, base: dict[str, Any], docs_dir: Path, site_dir: Path) -> dict[str, Any]:
    """The keys of mkdocs.yml that a variant sets: folders, theme language, i18n, labels."""
    region = variant.region
    default = project.program.default_language
    theme = copy.deepcopy(base.get("theme") or {})
    theme = {"name": theme} if isinstance(theme, str) else theme
    theme.update(custom_dir=str(project.root / "theme"), language=default)
    plugins = [p for p in _plugin_entries(base.get("plugins")) if _plugin_name(p) != "i18n"]
    plugins.append({"i18n": _i18n_config(project, variant)})
    extra = copy.deepcopy(base.get("extra") or {})
    extra["alternate"] = [
        {"name": project.locales[lang].t(f"languages.{lang}"), "link": "./" if lang == default else f"{lang}/", "lang": lang}
        for lang in region.languages
    ]
    extra["partnerkb"] = theme_data(project, variant)
    extra["generator"] = False  # no "Made with Material for MkDocs": an English line in every language
    # Material's version selector reads versions.json at the tier root (mike's format) and shows
    # the outdated banner on every version but the default.
    extra["version"] = {"provider": "mike", "default": project.program.versions[0].name}
    # The public URL is the same for every tier (the server picks the tree), so sitemaps and
    # canonical links name it; links inside the tree stay relative.
    site_url = f"{region.base_url.rstrip('/')}/{variant.version.name}/"
    # The gate net: a `tier` or `region` block that reaches MkDocs uncut fails the build (see reader.GateNet).
    extensions = [*(base.get("markdown_extensions") or []), "builder.core.reader"]
    return {
        "docs_dir": str(docs_dir),
        "site_dir": str(site_dir),
        "site_url": site_url,
        "theme": theme,
        "plugins": plugins,
        "extra": extra,
        "markdown_extensions": extensions,
    }


def _plugin_entries(plugins: Any) -> list[Any]:
    """mkdocs.yml's plugins as a list, whether written as a list or as a mapping of name to options."""
    if isinstance(plugins, dict):
        return [{name: options or {}} for name, options in plugins.items()]
    return list(plugins or ["search"])


def _plugin_name(entry: Any) -> str:
    return entry if isinstance(entry, str) else next(iter(entry))


def _i18n_config(project: Project, variant: Variant) -> dict[str, Any]:
    default = project.program.default_language
    return {
        "docs_structure": "suffix",
        "fallback_to_default": True,
        "reconfigure_material": True,
        # The plugin's own de-duplication of the search index is quadratic in the number of pages;
        # split_search_index drops fallback copies by URL instead.
        "reconfigure_search": False,
        "languages": [
            {
                "locale": lang,
                "name": project.locales[lang].t(f"languages.{lang}"),
                "default": lang == default,
                "build": True,
                "nav_translations": section_titles(project, variant, lang),
                "site_name": project.locales[lang].t("site.name"),
                "site_description": project.locales[lang].t("site.description"),
                "copyright": html.escape(project.locales[lang].t("footer.copyright")),  # Material writes it as HTML
            }
            for lang in variant.region.languages
        ],
    }


def section_titles(project: Project, variant: Variant, lang: str) -> dict[str, str]:
    """Navigation section titles, keyed as MkDocs names a section: after its folder (`dirname_to_title`)."""
    from mkdocs.utils import dirname_to_title

    return {dirname_to_title(folder): label for folder, label in section_labels(project, variant, lang).items()}


def render_group(jobs: list[RenderJob]) -> list[RenderResult]:
    """Render variants one after the other in one worker, sharing what they render alike: the
    navigation (`navigation`) and the conversion of each page (`pages`)."""
    shared = shared_plugins()
    return [render(job, shared) for job in jobs]


def shared_plugins() -> dict[str, BasePlugin]:  # type: ignore[type-arg]
    """partnerkb's MkDocs plugins, by name; one set serves a group of variants."""
    from .navigation import NavigationCache
    from .pages import SharedPages

    return {"partnerkb-navigation": NavigationCache(), "partnerkb-pages": SharedPages()}


def render(job: RenderJob, shared: dict[str, BasePlugin] | None = None) -> RenderResult:  # type: ignore[type-arg]
    """Run MkDocs for one variant (in a worker process) and split its search index per language."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    from .error_page import DefaultErrorPage

    os.environ["SOURCE_DATE_EPOCH"] = str(job.epoch)
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    started = time.monotonic()
    captured = _capture_mkdocs_log()
    try:
        # MkDocs consumes the settings it validates (markdown_extensions' mappings): a copy for each job.
        config = load_config(job.config_file, **copy.deepcopy(job.overrides))
        for name, plugin in (shared_plugins() if shared is None else shared).items():
            config.plugins[name] = plugin
        error_page = config.plugins["partnerkb-error-page"] = DefaultErrorPage()
        config.plugins.on_startup(command="build", dirty=False)
        try:
            build(config)
        finally:
            config.plugins.on_shutdown()
        error_page.restore(Path(job.site_dir))
        split_search_index(Path(job.site_dir), job.languages, job.translated)
    except (MkDocsException, OSError) as exc:
        reason = "; ".join(captured.errors) or str(exc) or type(exc).__name__
        return RenderResult(job.variant_id, time.monotonic() - started, tuple(captured.messages), error=reason)
    except Exception as exc:  # a theme template or plugin failing: report it like any render error
        # MkDocs' own log names the page that failed ("Error reading page '…'"), where it knows it.
        reason = "; ".join([*captured.errors, f"{type(exc).__name__}: {exc}"])
        return RenderResult(job.variant_id, time.monotonic() - started, tuple(captured.messages), error=reason)
    finally:
        logging.getLogger("mkdocs").removeHandler(captured)
    return RenderResult(job.variant_id, time.monotonic() - started, (*captured.messages, *captured.errors))


class _Capture(logging.Handler):
    """MkDocs' warnings and errors, kept instead of printed."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []
        self.errors: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        (self.errors if record.levelno >= logging.ERROR else self.messages).append(record.getMessage())


def _capture_mkdocs_log() -> _Capture:
    logger = logging.getLogger("mkdocs")
    logger.propagate = False
    logger.setLevel(logging.INFO)
    handler = _Capture()
    logger.addHandler(handler)
    return handler


def split_search_index(site_dir: Path, languages: tuple[str, ...], translated: dict[str, frozenset[str]]) -> None:
    """Give every language its own search index, holding only its own pages, with its lunr language.

    mkdocs-static-i18n stacks every language into `search/search_index.json` at the site root,
    fallback copies included. The default language keeps that file; each other language gets
    `<lang>/search/search_index.json` with the pages written in it, which theme/'s search-language
    script makes Material load on that language's pages.
    """
    shared = site_dir / "search" / "search_index.json"
    if not shared.exists():
        return
    index = json.loads(shared.read_text(encoding="utf-8"))
    prefixes = {lang: f"{lang}/" for lang in languages[1:]}
    for lang in languages:
        if lang in prefixes:
            own = translated.get(lang, frozenset())
            docs = [d for d in index["docs"] if d["location"].startswith(prefixes[lang]) and _page_of(d["location"], prefixes[lang]) in own]
            target = site_dir / lang / "search" / "search_index.json"
        else:
            docs = [d for d in index["docs"] if not d["location"].startswith(tuple(prefixes.values()))]
            target = shared
        config = {**index["config"], "lang": [lang] if lang in LUNR_LANGUAGES else ["en"]}
        docs, config = with_folded_fields(docs, config)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps({"config": config, "docs": docs}, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def with_folded_fields(docs: list[dict[str, Any]], config: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The index with a folded copy of the words that have diacritics, as fields of their own.

    `huong dan` then finds `hướng dẫn`; the shown fields stay as written, and an exact match
    still counts in both. Only words that folding changes are copied, which keeps the index small.
    """
    fields = dict(config["fields"])
    for name in ("title", "text"):
        fields[f"{name}_folded"] = fields.get(name, {"boost": 1.0})
    folded_docs = []
    for doc in docs:
        extra = {}
        for name in ("title", "text"):
            words = _WORDS.findall(_TAGS.sub(" ", doc.get(name) or ""))
            changed = [folded for word in words if (folded := fold(word)) != word.lower()]
            if changed:
                extra[f"{name}_folded"] = " ".join(changed)
        folded_docs.append({**doc, **extra})
    return folded_docs, {**config, "fields": fields}


_WORDS = re.compile(r"\w+")
_TAGS = re.compile(r"<[^>]*>")


def _page_of(location: str, prefix: str) -> str:
    """`de/deals/#protection` below `de/` is the page `deals/`."""
    return location[len(prefix) :].split("#", 1)[0]


_DOC_FILE = re.compile(r"Doc file '([^']+)'")
_PAGE_ERROR = re.compile(r"Error reading page '([^']+)'")


def report_render(result: RenderResult, report: Report) -> None:
    """MkDocs' warnings as located problems (the same warning from several variants is kept once)."""
    for message in result.warnings:
        doc = _DOC_FILE.search(message)
        report.warn(f"content/{doc.group(1)}" if doc else "mkdocs.yml", 1, "mkdocs", f"MkDocs: {message}")
    if result.error:
        page = _PAGE_ERROR.search(result.error)
        # A staged page has its source's name below the content folder.
        where = f"content/{page.group(1)}" if page else "mkdocs.yml"
        report.error(where, 1, "render", f"{result.variant_id}: MkDocs failed: {result.error}")
