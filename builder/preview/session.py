"""Live preview, the building half: one variant built again whenever an input of the project changes.

A preview checks what it shows: the project loads and is validated as a build validates it, then the
previewed variant is planned and its links and MkDocs settings are checked. (A problem only another
variant has, such as a broken link in another region, is left to `partnerkb check`.) The variant
renders in this process with the build's renderer, whose shared conversions are kept from one
rebuild to the next: after an edit, only the pages whose Markdown changed are converted again. The
leak audit does not run, as nothing is published. Each build goes to a folder of its own; the
server switches to it only when it is complete, so the last good build keeps being served.

A build's folder is laid out as the signed-in portal is served: the tier root (`index.html`,
`versions.json`), the version's tree below it, and the partner's kit under `kit/`.
"""

from __future__ import annotations

import datetime
import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..build import check_sources, check_variants, kit_job
from ..core.inputs import PROJECT_INPUTS
from ..core.models import Variant
from ..core.paths import CACHE
from ..core.problems import Problem, Report
from ..features.kits import kit_files
from ..features.project import Project
from ..load.sources import source_epoch
from ..plan.stage import write_variant
from ..release.install import root_redirect, versions_json
from ..render.run import RenderJob, read_base_config, render, report_render, shared_plugins, variant_overrides


@dataclass(frozen=True)
class Target:
    """What a preview shows: a region and tier, a version and language (None: the defaults), a partner's kit (None: none)."""

    region: str
    tier: str
    version: str | None = None
    language: str | None = None
    partner: str | None = None


@dataclass(frozen=True)
class Built:
    """One build of the preview: its number, its folder (None when it failed), what it reported, how long it took.

    `home` is the URL path a browser starts at, `version` the folder of the version's tree.
    """

    number: int
    folder: Path | None
    problems: tuple[Problem, ...]
    seconds: float
    version: str = ""
    home: str = "/"


PREVIEW_TARGET = "preview-target"


class TargetError(ValueError):
    """A --region, --tier, --docs-version or --partner the project does not have (a usage error)."""


class Previewer:
    """Builds the target into `work/<n>/`, keeping the renderer's plugins (and what they share) between builds."""

    def __init__(self, root: Path, target: Target, work: Path, as_of: datetime.datetime | None, partners_dir: Path | None) -> None:
        self.root, self.target, self.work = root, target, work
        self.as_of, self.partners_dir = as_of, partners_dir
        self.shared = shared_plugins()
        self.number = 0
        shutil.rmtree(work, ignore_errors=True)

    def build(self) -> Built:
        self.number += 1
        started = time.monotonic()
        report = Report()
        folder = self.work / str(self.number)
        built = self._build(folder, report)
        problems = tuple(report.sorted())
        if built is None or report.failed():
            shutil.rmtree(folder, ignore_errors=True)
            return Built(self.number, None, problems, time.monotonic() - started)
        home = start_url(built, self.target)
        return Built(self.number, folder, problems, time.monotonic() - started, built.version.name, home)

    def _build(self, folder: Path, report: Report) -> Variant | None:
        project = check_sources(self.root, report, self.as_of, self.partners_dir)
        if project is None or report.failed():
            return None
        try:
            variant = find_variant(project, self.target)
        except TargetError as exc:  # an edit removed what the preview shows
            report.error("partners/program.yml", 1, PREVIEW_TARGET, str(exc))
            return None
        plan = check_variants(project, [variant], report)[variant.id]
        if report.failed():
            return None
        docs_dir, site_dir = folder / "_docs", folder / variant.version.name
        write_variant(project, plan, docs_dir)
        overrides = variant_overrides(project, variant, read_base_config(project), docs_dir, site_dir)
        translated = {lang: plan.urls_in(lang) for lang in variant.region.languages[1:]}
        epoch = source_epoch(project.root, variant.version)
        job = RenderJob(variant.id, str(project.root / "mkdocs.yml"), overrides, str(site_dir), variant.region.languages, epoch, translated)
        report_render(render(job, self.shared), report)
        shutil.rmtree(docs_dir, ignore_errors=True)
        if report.failed():
            return None
        (folder / "versions.json").write_text(versions_json(project.program), encoding="utf-8")
        (folder / "index.html").write_text(root_redirect(project.program), encoding="utf-8")
        if self.target.partner is not None:
            self._write_kit(project, folder / "kit")
        return variant

    def _write_kit(self, project: Project, folder: Path) -> None:
        partner = next(p for p in project.partners if p.id == self.target.partner)
        for name, data in kit_files(*kit_job(project, partner)):
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_bytes(data)

    def close(self) -> None:
        """Every build of this preview is removed."""
        shutil.rmtree(self.work, ignore_errors=True)

    def forget_folder(self, folder: Path | None) -> None:
        """A build no longer served is removed."""
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)


def find_variant(project: Project, target: Target) -> Variant:
    """The variant a target names; TargetError says what the project has instead."""
    program = project.program
    for option, wanted, known in (
        ("--region", target.region, [r.id for r in program.regions]),
        ("--tier", target.tier, [t.id for t in program.tiers]),
        ("--docs-version", target.version, [v.name for v in program.versions]),
        ("--partner", target.partner, [p.id for p in project.partners]),
        ("--lang", target.language, next((r.languages for r in program.regions if r.id == target.region), [])),
    ):
        if wanted is not None and wanted not in known:
            raise TargetError(f"{option}: unknown value '{wanted}' (expected one of: {', '.join(known)})")
    version = target.version or program.versions[0].name
    partner = next((p for p in project.partners if p.id == target.partner), None)
    if partner is not None and partner.region.id != target.region:
        raise TargetError(f"--partner: '{partner.id}' is a partner of region '{partner.region.id}', not '{target.region}'")
    return next(v for v in program.variants() if (v.region.id, v.tier.id, v.version.name) == (target.region, target.tier, version))


def start_url(variant: Variant, target: Target) -> str:
    """Where a browser starts: the partner's dashboard, else the version's home in the language asked for."""
    if target.partner is not None:
        return "/kit/dashboard.html"
    if target.language is None or target.language == variant.region.languages[0]:
        return f"/{variant.version.name}/"
    return f"/{variant.version.name}/{target.language}/"


def preview_folder(root: Path) -> Path:
    """Where this process's preview builds go: a folder per process, so that two previews of a project can run."""
    return root / CACHE / "preview" / str(os.getpid())


def watched(root: Path, partners_dir: Path | None) -> list[Path]:
    """What the preview watches: every input of the project (those a build's cache key holds)."""
    return [root / name for name in PROJECT_INPUTS] + ([partners_dir] if partners_dir is not None else [])


Snapshot = dict[str, tuple[int, int]]


def snapshot(paths: list[Path]) -> Snapshot:
    """Each file below `paths` with its modification time and size: a change to any shows as a different snapshot."""
    found: Snapshot = {}
    for path in paths:
        for file in _walk(path):
            try:
                stat = file.stat()
            except OSError:
                continue  # removed while we looked: the next snapshot sees it gone
            found[str(file)] = (stat.st_mtime_ns, stat.st_size)
    return found


def _walk(path: Path) -> Iterator[Path]:
    if path.is_file():
        yield path
        return
    for folder, dirs, names in os.walk(path):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        yield from (Path(folder, name) for name in names if not name.startswith("."))
