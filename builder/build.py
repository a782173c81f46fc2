"""The build, read like a script: load → check → stage → render → audit → publish.

Everything is gathered and validated before anything is written; variants render in parallel
worker processes into a staging folder beside the output, and only a fully successful, audited
build is moved into place.
"""

from __future__ import annotations

import datetime
import multiprocessing
import shutil
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, TypeVar

from .core.models import Locale, Program, Variant, pick
from .core.paths import CACHE, KITS, VERDICTS, search_index
from .core.problems import ProblemsFound, Report
from .core.reader import check_pages
from .features import collateral
from .features.collateral import Collateral
from .features.kits import check_kit_templates, check_pdf_fonts, kept_kit_files
from .features.partners import Partner
from .features.project import Project
from .load.program import load_program
from .load.project import load_project, markdown_parser
from .load.sources import default_as_of, source_epoch
from .plan.check import check_links
from .plan.links import Renderings
from .plan.stage import Plan, plan_variant, write_variant
from .release import unchanged
from .release.audit import Auditor, TreeAudit, audit_trees
from .release.install import install, write_tier_roots
from .render import cache
from .render.run import RenderJob, RenderResult, check_base_config, read_base_config, render_group, report_render, variant_overrides
from .search.indexing import Indexed, index_trees


class SelectionError(ValueError):
    """A --region, --tier or --docs-version that the program does not define (a usage error)."""


@dataclass(frozen=True)
class Selection:
    """Which variants to build; an empty tuple selects all."""

    regions: tuple[str, ...] = ()
    tiers: tuple[str, ...] = ()
    versions: tuple[str, ...] = ()
    shard: tuple[int, int] = (1, 1)  # (I, N): every N-th selected variant from the I-th; shard 1 also makes the kits

    @property
    def makes_kits(self) -> bool:
        return self.shard[0] == 1


def select_variants(project: Project, selection: Selection) -> list[Variant]:
    program = project.program
    for option, wanted, known in (
        ("--region", selection.regions, [r.id for r in program.regions]),
        ("--tier", selection.tiers, [t.id for t in program.tiers]),
        ("--docs-version", selection.versions, [v.name for v in program.versions]),
    ):
        for value in wanted:
            if value not in known:
                raise SelectionError(f"{option}: unknown value '{value}' (expected one of: {', '.join(known)})")
    return _selected(program, selection)[selection.shard[0] - 1 :: selection.shard[1]]


def _selected(program: Program, selection: Selection) -> list[Variant]:
    return [
        v
        for v in program.variants()
        if (not selection.regions or v.region.id in selection.regions)
        and (not selection.tiers or v.tier.id in selection.tiers)
        and (not selection.versions or v.version.name in selection.versions)
    ]


def kit_regions(project: Project, selection: Selection) -> list[str]:
    """The regions whose kits a build makes: those of every selected variant, by shard 1 alone."""
    return kit_regions_of(project.program, selection)


def kit_regions_of(program: Program, selection: Selection) -> list[str]:
    return sorted({v.region.id for v in _selected(program, selection)}) if selection.makes_kits else []


@dataclass(frozen=True)
class Checked:
    """A loaded project and the plan of each of its variants, by variant id."""

    project: Project
    plans: dict[str, Plan]


def check_project(root: Path, report: Report, as_of: datetime.datetime | None = None, partners_dir: Path | None = None) -> Checked | None:
    """Validate everything without building: files, schemas, gating, links in every variant, mkdocs.yml, partners."""
    project = check_sources(root, report, as_of, partners_dir)
    if project is None:
        return None
    return Checked(project, check_variants(project, project.program.variants(), report))


def check_sources(root: Path, report: Report, as_of: datetime.datetime | None = None, partners_dir: Path | None = None) -> Project | None:
    """Load the project and validate what holds for every variant: files, schemas, gates, kit templates."""
    try:
        project = load_project(root, report, as_of or default_as_of(), partners_dir)
    except ProblemsFound:
        return None
    # Each co-branded template rendered with every real partner, before a build makes the kits.
    check_kit_templates(project.partners, project.collateral, project.program, report)
    check_pdf_fonts(project.partners, project.collateral, project.program, report)
    # The renderer's own parser reads every page that names a gate: what it reads differently is an error.
    parser = markdown_parser(root)
    for content in project.contents.values():
        check_pages(parser, content.pages, report, root / CACHE / "gates")
    return project


def check_variants(project: Project, variants: list[Variant], report: Report) -> dict[str, Plan]:
    """The plan of each variant, by id, with its links checked; and the MkDocs settings and theme they render with."""
    root = project.root
    plans = {v.id: plan_variant(project, v) for v in variants}
    parser = markdown_parser(root)
    renderings = Renderings(parser.html, parser.identity, root / CACHE / "links.json")
    check_links(project, plans.values(), renderings, report)
    renderings.save()
    check_base_config(project, variants[0], report)
    if not (root / "theme" / "main.html").is_file():
        report.error("theme/main.html", 1, "missing-file", "file not found: the theme overrides (tier badge, notices) live in theme/")
    return plans


@dataclass(frozen=True)
class Counted:
    """A stage starts with this many items: `unchanged` variants (the whole build is as it was), `reused` trees from the cache, trees to `render`, `kits` to make, trees and kits to `audit`."""

    stage: Literal["unchanged", "reused", "render", "index", "kits", "audit"]
    count: int


# What a build tells its caller as it goes: a stage's count, each tree rendered or indexed, each tree or kit audited.
Event = Counted | RenderResult | Indexed | TreeAudit
Progress = Callable[[Event], None]


def build(
    root: Path,
    out: Path,
    selection: Selection,
    jobs: int,
    strict: bool,
    report: Report,
    progress: Progress,
    as_of: datetime.datetime | None = None,
    partners_dir: Path | None = None,
) -> list[Variant]:
    """Build the selected variants and their regions' partner kits into `out`; on any problem (or a warning
    under strict) `out` is untouched. A build whose inputs and output did not change since the last
    one stops at that (see `release.unchanged`), with the problems that build reported."""
    key = _inputs_key(root, selection, as_of, partners_dir, out)
    if key is not None and (kept := unchanged.unchanged(root, out, key.digest)) is not None:
        report.extend(kept)
        variants = _selected(key.program, selection)[selection.shard[0] - 1 :: selection.shard[1]]
        progress(Counted("unchanged", len(variants)))
        return [] if report.failed(strict) else variants
    unchanged.forget(root, out)
    variants = _build(root, out, selection, jobs, strict, report, progress, as_of, partners_dir)
    if variants and key is not None:
        regions = sorted({v.region.id for v in variants} | set(kit_regions_of(key.program, selection)))
        unchanged.record(root, out, key.digest, regions, report.sorted())
    return variants


@dataclass(frozen=True)
class _Key:
    program: Program
    digest: str


def _inputs_key(root: Path, selection: Selection, as_of: datetime.datetime | None, partners_dir: Path | None, out: Path) -> _Key | None:
    """What a build reads, as one digest; None when the program does not load (the build then says why)."""
    program = load_program(root, Report())
    if program is None:
        return None
    return _Key(program, unchanged.inputs_key(root, program, selection, as_of or default_as_of(), partners_dir, out))


def _build(
    root: Path,
    out: Path,
    selection: Selection,
    jobs: int,
    strict: bool,
    report: Report,
    progress: Progress,
    as_of: datetime.datetime | None,
    partners_dir: Path | None,
) -> list[Variant]:
    checked = check_project(root, report, as_of, partners_dir)
    if checked is None or report.failed(strict):
        return []
    project = checked.project
    variants = select_variants(project, selection)
    missing = collateral.pdf_unavailable() if any("pdf" in c.formats for c in project.collateral) else None
    if missing:
        report.error(collateral.FOLDER, 1, "pdf-unavailable", missing)
        return []
    plans = [checked.plans[v.id] for v in variants]
    staging = out.parent / f".{out.name}.partnerkb-staging"
    shutil.rmtree(staging, ignore_errors=True)
    # Fork: workers inherit the imported MkDocs and Material instead of importing them again.
    context = multiprocessing.get_context("fork")
    try:
        workers = max(1, jobs)
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            rendering = _start_renders(pool, workers, project, plans, staging, progress)
            # While the workers render: the audit's evidence, read from the sources, not from the plans
            # the trees are built from.
            auditor = Auditor(project, partners_dir)
            rendered = _finish_renders(rendering, progress)
            for result in rendered.results:
                report_render(result, report)
            if report.failed(strict):
                return []
            _index_all(pool, workers, plans, staging, progress)
            write_tier_roots(project.program, staging, variants)
            regions = kit_regions(project, selection)
            kits = _build_kits(pool, project, regions, staging, progress)
            progress(Counted("audit", len(plans) + kits))
            for plan, audited in _audit_all(pool, workers, auditor, plans, staging, out, progress):
                report.extend(audited.problems)
                # Only a tree that passed the audit is kept for reuse.
                variant = plan.variant
                if not audited.problems and variant.id in rendered.keys:
                    cache.store(project, variant, rendered.keys[variant.id], staging / variant.id, _index_of(staging, variant))
            for audited in auditor.audit_kits(staging, out, regions, verdicts=root / VERDICTS):
                report.extend(audited.problems)
                progress(audited)
        if report.failed(strict):
            return []
        out.mkdir(parents=True, exist_ok=True)
        install(staging, out, variants, regions)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return variants


def _audit_all(
    pool: ProcessPoolExecutor, workers: int, auditor: Auditor, plans: list[Plan], staging: Path, out: Path, progress: Progress
) -> list[tuple[Plan, TreeAudit]]:
    """Every tree audited in the worker processes (in the groups of `_groups`), in the order of the plans."""
    trees = [(auditor.tree_evidence(p.variant), p.variant) for p in plans]
    futures = [
        pool.submit(audit_trees, group, staging, out, auditor.owners, auditor.project.root / VERDICTS)
        for group in _groups(trees, workers, lambda tree: tree[1])
    ]
    audits: dict[str, TreeAudit] = {}
    for future in as_completed(futures):
        for audited in future.result():
            audits[audited.name] = audited
            progress(audited)
    return [(plan, audits[plan.variant.id]) for plan in plans]


def _build_kits(pool: ProcessPoolExecutor, project: Project, regions: list[str], staging: Path, progress: Progress) -> int:
    """Every partner kit of the regions built, made in the worker processes: `<region>/partners/<partner-id>/`."""
    futures = {}
    for partner in project.partners:
        if partner.region.id in regions:
            futures[pool.submit(kept_kit_files, project.root / KITS, *kit_job(project, partner))] = partner
    for region in regions:
        (staging / region / "partners").mkdir(parents=True, exist_ok=True)
    progress(Counted("kits", len(futures)))
    for future in as_completed(futures):
        partner = futures[future]
        folder = staging / partner.region.id / "partners" / partner.id
        for name, data in future.result():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_bytes(data)
    return len(futures)


def kit_job(
    project: Project, partner: Partner
) -> tuple[Partner, tuple[Collateral, ...], Program, Locale, dict[str, str], datetime.datetime]:
    """The arguments of `kit_files` for a partner."""
    program = project.program
    # Certifications are named as the default version's learning paths name them: the current ones.
    paths = project.content(program.versions[0]).training.paths
    names = {p.id: pick(p.certifications, partner.language, program.default_language) for p in paths}
    return partner, project.collateral, program, project.locales[partner.language], names, project.as_of


def _index_of(staging: Path, variant: Variant) -> Path:
    return search_index(staging / variant.region.id, variant.tier.id, variant.version.name)


def _index_all(pool: ProcessPoolExecutor, workers: int, plans: list[Plan], staging: Path, progress: Progress) -> None:
    """The search index of every tree, read from the rendered tree, unless it came from the cache with it."""
    jobs = [
        (p.variant.id, staging / p.variant.id, p.variant.version.name, p.variant.region.languages, _index_of(staging, p.variant))
        for p in plans
        if not _index_of(staging, p.variant).is_dir()
    ]
    progress(Counted("index", len(jobs)))
    variants = {p.variant.id: p.variant for p in plans}
    groups = _groups(jobs, workers, lambda job: variants[job[0]])
    for future in as_completed([pool.submit(index_trees, group) for group in groups]):
        for indexed in future.result():
            progress(indexed)


@dataclass(frozen=True)
class Rendered:
    """Each variant's render (or reuse), and the cache key of each tree rendered afresh."""

    results: list[RenderResult]
    keys: dict[str, str]


@dataclass(frozen=True)
class _Rendering:
    """Renders under way: the trees reused, the workers' groups, and the cache key of each variant."""

    reused: list[RenderResult]
    futures: list[Future[list[RenderResult]]]
    key_of: dict[str, str]


def _start_renders(
    pool: ProcessPoolExecutor, workers: int, project: Project, plans: list[Plan], staging: Path, progress: Progress
) -> _Rendering:
    """Stage every variant's docs_dir and give the worker processes their renders, or reuse the cached tree."""
    base = read_base_config(project)
    render_jobs = []
    reused: list[RenderResult] = []
    shared = cache.shared_inputs(project)
    assets = cache.AssetDigests()
    for plan in plans:
        variant = plan.variant
        docs_dir = staging / "_docs" / variant.id
        site_dir = staging / variant.id
        epoch = source_epoch(project.root, variant.version)
        overrides = variant_overrides(project, variant, base, docs_dir, site_dir)
        folder = project.content(variant.version).folder
        key = cache.inputs_key(shared, plan, folder, assets, overrides, epoch, project.as_of)
        if cache.restore(project, variant, key, site_dir, _index_of(staging, variant)):
            reused.append(RenderResult(variant.id, 0.0, reused=True))
            continue
        write_variant(project, plan, docs_dir)
        translated = {lang: plan.urls_in(lang) for lang in variant.region.languages[1:]}
        job = RenderJob(variant.id, str(project.root / "mkdocs.yml"), overrides, str(site_dir), variant.region.languages, epoch, translated)
        render_jobs.append((key, job))
    progress(Counted("reused", len(reused)))
    progress(Counted("render", len(render_jobs)))
    variants = {p.variant.id: p.variant for p in plans}
    groups = _groups([job for _, job in render_jobs], workers, lambda job: variants[job.variant_id])
    futures = [pool.submit(render_group, group) for group in groups]
    return _Rendering(reused, futures, {job.variant_id: key for key, job in render_jobs})


def _finish_renders(rendering: _Rendering, progress: Progress) -> Rendered:
    """Each render as its worker finishes it."""
    results = list(rendering.reused)
    keys = {}
    for future in as_completed(rendering.futures):
        for result in future.result():
            if result.error is None:
                keys[result.variant_id] = rendering.key_of[result.variant_id]
            results.append(result)
            progress(result)
    return Rendered(sorted(results, key=lambda r: r.variant_id), keys)


Item = TypeVar("Item")


def _groups(items: list[Item], workers: int, variant_of: Callable[[Item], Variant]) -> list[list[Item]]:
    """The items in groups that one worker takes in turn: the tiers of a region and version, which
    render (and read) much alike, share a worker and what it has done. A group is halved while some
    worker would have none; the largest groups go first, so that the workers end together."""
    alike: dict[tuple[str, str], list[Item]] = {}
    for item in items:
        variant = variant_of(item)
        alike.setdefault((variant.region.id, variant.version.name), []).append(item)
    groups = list(alike.values())
    while len(groups) < workers and any(len(group) > 1 for group in groups):
        largest = max(groups, key=len)
        groups.remove(largest)
        half = -(-len(largest) // 2)
        groups += [largest[:half], largest[half:]]
    return sorted(groups, key=len, reverse=True)
