"""What the renderer shares between variants changes no byte of what they render.

The example portal's tiers of one region and version (four languages: English, German's absence,
Japanese, Vietnamese; nested sections, index pages, teasers) rendered as a build renders them, in one
group that shares the navigation and each page's conversion, against each rendered alone by
Material's own templates with nothing shared.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from builder.build import Selection, select_variants
from builder.core.problems import Report
from builder.load.project import load_project
from builder.plan.stage import plan_variant, write_variant
from builder.render.navigation import NAV_ITEM
from builder.render.run import RenderJob, read_base_config, render, shared_plugins, variant_overrides
from conftest import REPO

pytestmark = pytest.mark.slow


def _jobs(folder: Path, theme: Path | None = None) -> list[RenderJob]:
    """apac's registered and gold trees of the current version, staged into `folder` (with `theme` for the theme's folder)."""
    project = load_project(REPO, Report())
    jobs = []
    for variant in select_variants(project, Selection(("apac",), ("registered", "gold"), (project.program.versions[0].name,))):
        plan = plan_variant(project, variant)
        docs_dir, site_dir = folder / "docs" / variant.id, folder / "site" / variant.id
        write_variant(project, plan, docs_dir)
        overrides = variant_overrides(project, variant, read_base_config(project), docs_dir, site_dir)
        if theme is not None:
            overrides["theme"]["custom_dir"] = str(theme)
        translated = {lang: plan.urls_in(lang) for lang in variant.region.languages[1:]}
        epoch = int(os.environ["SOURCE_DATE_EPOCH"])
        jobs.append(RenderJob(variant.id, str(REPO / "mkdocs.yml"), overrides, str(site_dir), variant.region.languages, epoch, translated))
    return jobs


def _files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def test_shared_rendering_writes_what_material_alone_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", os.environ["SOURCE_DATE_EPOCH"])  # render() sets it: restored after the test
    shared = shared_plugins()
    for job in _jobs(tmp_path / "shared"):
        assert render(job, shared).error is None
    navigation, pages = shared["partnerkb-navigation"], shared["partnerkb-pages"]
    assert navigation.hits > navigation.misses and pages.hits > 0  # type: ignore[attr-defined]

    plain_theme = tmp_path / "material-theme"
    shutil.copytree(REPO / "theme", plain_theme)
    (plain_theme / NAV_ITEM).unlink()  # Material's own nav-item.html renders every item of every page
    for job in _jobs(tmp_path / "alone", plain_theme):
        assert render(job, {}).error is None

    for variant in ("apac/registered", "apac/gold"):
        (ours,) = (tmp_path / "shared/site").glob(f"{variant}/*")
        (theirs,) = (tmp_path / "alone/site").glob(f"{variant}/*")
        expected = _files(theirs)
        actual = _files(ours)
        assert actual.keys() == expected.keys()
        assert [name for name in expected if actual[name] != expected[name]] == []
