"""`partnerkb i18n`: how far each language's translations have come, which are stale, and stamping reviewed ones.

The report reads today's pages (the default version) and the locale files: per language, its coverage
per region, its stale translations (with what changed in the source since, from git), its untranslated
pages in the order partners meet them in the navigation, and its missing and extra labels.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .core.models import Page
from .core.paths import localized
from .core.problems import Report
from .core.yamledit import EditError, KeyPath, dotted
from .features.data_texts import DataText, data_texts, stamp_texts
from .features.project import Content, Project
from .features.translations import State, Translation, body_hash, navigation_order, stamped, translations
from .load.history import diff_since, revision_with_body
from .load.locales import required_labels


@dataclass(frozen=True)
class Stale:
    translation: Translation
    since: dict[str, str] | None  # the source's revision the translation was made from: {commit, date}
    diff: str | None  # the source's body from that revision to now

    def as_json(self) -> dict[str, Any]:
        return {
            "page": self.translation.original.source,
            "translation": self.translation.translation.source,
            "reason": self.translation.state.value,
            "since": self.since,
            "diff": self.diff,
        }


def translation_report(project: Project, languages: tuple[str, ...]) -> dict[str, Any]:
    """The report of `partnerkb i18n --format json`: one entry per language (the default language left out)."""
    program = project.program
    content = project.content(program.versions[0])
    found = translations(content.pages, program.default_language)
    fields = data_texts(project.root, program.languages, program.default_language)
    return {
        "languages": {
            lang: _language(project, content, [t for t in found if t.translation.lang == lang], fields, lang) for lang in languages
        }
    }


def _language(project: Project, content: Content, found: list[Translation], fields: list[DataText], lang: str) -> dict[str, Any]:
    program, default = project.program, project.program.default_language
    originals = [page for page in content.pages if page.lang == default]
    translated = {t.original.path for t in found}
    needed = set(required_labels(program))
    own = project.locales[lang].own
    ui = {"translated": len(needed & own), "total": len(needed)}
    coverage = {}
    for region in program.regions:
        if lang in region.languages:
            shipped = [page for page in originals if page.in_region(region)]
            pages = {"translated": sum(page.path in translated for page in shipped), "total": len(shipped)}
            offered = [field for field in fields if field.in_region(region.id)]
            data = {"translated": sum(field.state(lang) is not None for field in offered), "total": len(offered)}
            coverage[region.id] = {"pages": pages, "data": data, "ui": ui}
    shipped_anywhere = [p for p in originals if any(lang in r.languages and p.in_region(r) for r in program.regions)]
    untranslated = sorted((p for p in shipped_anywhere if p.path not in translated), key=lambda p: (-p.priority, navigation_order(p.path)))
    locale_file = project.locales[lang].source
    extra = own - needed - project.locales[default].own
    return {
        "coverage": coverage,
        "stale": [_stale(project, content, t).as_json() for t in found if t.stale],
        "stale_data": _stale_data(fields, lang),
        "untranslated": [{"page": page.source, "title": page.title, "priority": page.priority} for page in untranslated],
        "missing_keys": [{"file": locale_file, "key": key} for key in sorted(needed - own)],
        "extra_keys": [{"file": locale_file, "key": key} for key in sorted(extra)],
    }


def _stale_data(fields: list[DataText], lang: str) -> list[dict[str, Any]]:
    """The stale translated fields of data files, once per field (a group's entries share its stamp)."""
    stale: dict[tuple[str, KeyPath], dict[str, Any]] = {}
    for field in fields:
        state = field.state(lang)
        if state not in (None, State.CURRENT) and (field.file, field.path) not in stale:
            stale[field.file, field.path] = {"file": field.file, "field": dotted(field.path), "line": field.line, "reason": state.value}
    return list(stale.values())


def _stale(project: Project, content: Content, found: Translation) -> Stale:
    digest = found.translation.source_hash
    source = content.folder / found.original.path
    revision = revision_with_body(project.root, source, digest) if digest and found.state is State.CHANGED else None
    if revision is None:
        return Stale(found, None, None)
    since = {"commit": revision.commit, "date": revision.date.isoformat()}
    return Stale(found, since, diff_since(project.root, source, revision))


def report_text(report: dict[str, Any]) -> str:
    """The report for people: a few lines per language, each stale translation with its diff."""
    lines = []
    for lang, entry in report["languages"].items():
        for region, figures in entry["coverage"].items():
            pages, data, ui = figures["pages"], figures["data"], figures["ui"]
            lines.append(
                f"{lang} in {region}: {pages['translated']}/{pages['total']} pages translated, "
                f"{data['translated']}/{data['total']} data texts, {ui['translated']}/{ui['total']} UI labels"
            )
        for stale in entry["stale"]:
            if stale["reason"] == State.UNSTAMPED.value:
                lines.append(
                    f"  stale: {stale['translation']}: never stamped; review it, then run 'partnerkb i18n stamp {stale['translation']}'"
                )
                continue
            since = f" since {stale['since']['date']} ({stale['since']['commit']})" if stale["since"] else ""
            lines.append(f"  stale: {stale['translation']}: {stale['page']} changed{since}")
            lines.extend(f"    {line}" for line in (stale["diff"] or "").splitlines())
        for stale in entry["stale_data"]:
            why = "never stamped" if stale["reason"] == State.UNSTAMPED.value else "its source text changed"
            lines.append(f"  stale: {stale['file']}:{stale['line']}: {stale['field']}: {why}")
        if entry["untranslated"]:
            lines.append(f"  untranslated ({len(entry['untranslated'])}, by priority, then as the navigation shows them):")
            lines.extend(f"    {page['page']}" for page in entry["untranslated"])
        for kind in ("missing_keys", "extra_keys"):
            for key in entry[kind]:
                lines.append(f"  {kind.replace('_', ' ')[:-1]}: {key['file']}: {key['key']}")
    return "\n".join(lines)


def stale_count(report: dict[str, Any]) -> int:
    """Stale translations: of pages and of data fields."""
    return sum(len(entry["stale"]) + len(entry["stale_data"]) for entry in report["languages"].values())


def stamp(project: Project, files: list[Path], report: Report, languages: tuple[str, ...] = ()) -> list[Path]:
    """Record the current source of each reviewed translation in `languages` (default: all): of a
    translation named, of every translation of a page named (in any version's folder), of every
    translated field of a data file named. Returns the files changed; nothing is written when a file
    named is neither a page nor a data file."""
    program = project.program
    default = program.default_language
    languages = languages or tuple(lang for lang in program.languages if lang != default)
    pages = {page.source: (content, page) for content in project.contents.values() for page in content.pages}
    fields: dict[str, list[DataText]] = {}
    for field in data_texts(project.root, program.languages, default):
        fields.setdefault(field.file, []).append(field)
    edits: dict[Path, str] = {}
    for file in files:
        named = _as_source(project.root, file)
        if named in fields:
            path = project.root / named
            try:
                edits[path] = stamp_texts(edits.get(path) or path.read_text(encoding="utf-8"), fields[named], languages, default)
            except EditError as exc:
                report.error(named, fields[named][0].line, "stamp-edit", str(exc))
        elif named in pages:
            _stamp_page(*pages[named], languages, default, edits, report)
        else:
            report.error(named, 1, "stamp-unknown-file", "not a page (of content/ or a snapshot version) nor a data file with translations")
    if report.failed(strict=False):
        return []
    written = []
    for path, text in sorted(edits.items()):
        if text != path.read_text(encoding="utf-8"):
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written


def _stamp_page(content: Content, page: Page, languages: tuple[str, ...], default: str, edits: dict[Path, str], report: Report) -> None:
    """Stamp a translation, or every translation of a page, into `edits`."""
    found = [page] if page.lang != default else [p for p in content.pages if p.path == page.path and p.lang != default]
    found = [p for p in found if p.lang in languages]
    if not found:
        report.warn(page.source, 1, "stamp-no-translation", "the page has no translation to stamp")
    original = next((p for p in content.pages if p.path == page.path and p.lang == default), None)
    if original is None:
        report.error(page.source, 1, "stamp-no-source", f"no page in the default language ({default}) that this translates")
        return
    for translation in found:
        path = content.folder / localized(translation.path, translation.lang, default)
        edits[path] = stamped(edits.get(path) or path.read_text(encoding="utf-8"), body_hash(original.text))


def _as_source(root: Path, file: Path) -> str:
    """A file named on the command line as pages name their source: relative to the project."""
    try:
        return file.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return file.as_posix()
