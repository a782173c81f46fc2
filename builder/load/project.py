"""Stage 1: read a portal repository into a validated `Project`, reporting every problem located."""

from __future__ import annotations

import datetime
from dataclasses import replace
from pathlib import Path

from ..core import reader
from ..core.models import Program
from ..core.problems import ProblemsFound, Report, did_you_mean
from ..core.yamlio import report_symlinks
from ..features.catalog import load_catalog
from ..features.collateral import load_collateral
from ..features.partners import Partner, load_partners
from ..features.project import Content, Project
from ..features.translations import translations
from ..render.run import read_mkdocs_yml
from .history import last_change
from .locales import load_locales
from .pages import load_content
from .program import PROGRAM_FILE, load_program
from .sources import SourceError, content_folder


def load_project(root: Path, report: Report, as_of: datetime.datetime | None = None, partners_dir: Path | None = None) -> Project:
    """Load and validate a whole portal; raises ProblemsFound when nothing sensible can be built.

    `as_of` is the build's point in time (default: 1980-01-01), which decides what is past.
    `partners_dir` holds the partner files when they come from outside the repository (a CRM export).
    """
    program = load_program(root, report)
    if program is None:
        raise ProblemsFound()
    # The data folders of today's content/ serve every version, whatever folder a version's pages come from.
    for shared in ("locales", "theme", "partners", "content/catalog", "content/collateral"):
        report_symlinks(root / shared, f"{shared}/", report)
    if partners_dir is not None:
        report_symlinks(partners_dir, f"{partners_dir.as_posix().rstrip('/')}/", report)
    locales = load_locales(root, program, report)
    catalog = load_catalog(root, program, report)
    product_ids = {p.id for p in catalog}
    parser = markdown_parser(root)
    contents = {}
    for version in program.versions:
        try:
            folder, prefix = content_folder(root, version)
        except SourceError as exc:
            report.error(PROGRAM_FILE, version.line, "version-source", f"version '{version.name}': {exc}")
            raise ProblemsFound() from exc
        content = load_content(folder, prefix, program, report, parser, product_ids)
        contents[version.name] = replace(content, changed=_changed(root, content, program.default_language))
    _check_certifications(program, contents, report)
    partners = _load_partners(root, partners_dir, program, contents, report)
    collateral = load_collateral(root, program, report)
    project = Project(root, program, contents, locales, catalog, partners, collateral)
    return replace(project, as_of=as_of) if as_of else project


def _changed(root: Path, content: Content, default: str) -> dict[str, datetime.date]:
    """When each page with a stale translation last changed, where git knows (the date its readers are told)."""
    originals = sorted({t.original.path for t in translations(content.pages, default) if t.stale})
    dates = {path: last_change(root, content.folder / path) for path in originals}
    return {path: date for path, date in dates.items() if date is not None}


def _load_partners(
    root: Path, partners_dir: Path | None, program: Program, contents: dict[str, Content], report: Report
) -> tuple[Partner, ...]:
    """Partner files from `partners/`, or from `partners_dir` (named by its path in messages); certifications checked."""
    folder = partners_dir or root / "partners"
    shown = "partners/" if partners_dir is None else f"{partners_dir.as_posix().rstrip('/')}/"
    partners = load_partners(folder, shown, program, report)
    paths = {p.id for content in contents.values() for p in content.training.paths}
    for partner in partners:
        for path_id in partner.metrics.certified:
            if path_id not in paths:
                report.error(
                    partner.source,
                    1,
                    "training-reference",
                    f"metrics.certified: no learning path '{path_id}'{did_you_mean(path_id, sorted(paths))}",
                )
    return partners


def markdown_parser(root: Path) -> reader.Parser:
    """The renderer's Markdown parser for this project (MkDocs' defaults when mkdocs.yml is unusable: `check` says why)."""
    try:
        base = read_mkdocs_yml(root)
    except Exception:  # noqa: BLE001 (any reason is reported by check_base_config, with its line)
        base = {}
    try:
        return reader.Parser(base if isinstance(base, dict) else {})
    except Exception:  # noqa: BLE001 (an extension that does not load: reported by check_base_config)
        return reader.Parser({})


def _check_certifications(program: Program, contents: dict[str, Content], report: Report) -> None:
    """A tier may only require certifications that some version's learning paths award."""
    paths = sorted({p.id for content in contents.values() for p in content.training.paths})
    for tier in program.tiers:
        for path_id, _ in tier.certified:
            if path_id not in paths:
                report.error(
                    PROGRAM_FILE, tier.line, "training-reference",
                    f"tiers: '{tier.id}' requires certification '{path_id}', but no learning path has that id{did_you_mean(path_id, paths)}",
                )  # fmt: skip
