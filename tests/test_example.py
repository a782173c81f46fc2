"""The example portal as shipped: large enough, translated, and every variant builds without a leak."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from builder.core.problems import Report
from builder.load.project import load_project
from conftest import REPO, run


def test_example_portal_is_substantial() -> None:
    project = load_project(REPO, Report())
    pages = project.content(project.program.versions[0]).pages
    english = [p for p in pages if p.lang == "en"]
    assert len(english) >= 40
    for lang in ("de", "vi", "ja"):
        assert len([p for p in pages if p.lang == lang]) >= 10, lang
    assert any(p.teaser for p in english) and any(p.regions for p in english)
    assert sum(1 for p in english if any(g.kind == "tier" for g in p.gates)) >= 8


def test_example_training_is_substantial() -> None:
    import datetime

    project = load_project(REPO, Report())
    content = project.content(project.program.versions[0])
    training = content.training
    assert len(training.courses) >= 6 and len({r for c in training.courses for r in c.roles}) >= 3
    assert len(training.paths) >= 2 and len(training.sessions) >= 4
    assert any(s.end < datetime.datetime(2026, 11, 27, tzinfo=datetime.UTC) for s in training.sessions)  # some are recordings
    assert sum(1 for c in training.courses for m in c.modules if m.quiz) >= 3
    translated = {lang: {p.path for p in content.pages if p.lang == lang} for lang in ("vi", "ja")}
    both = [c for c in training.courses if all(all(m.page in translated[lang] for m in c.modules) for lang in ("vi", "ja"))]
    assert len(both) >= 2 and all({"vi", "ja"} <= set(c.titles) for c in both)
    assert any(c.teaser for c in training.courses) and any(c.gating.min_tier != project.program.lowest_tier for c in training.courses)


def test_example_partners_and_collateral_are_substantial() -> None:
    project = load_project(REPO, Report())
    partners = project.partners
    assert len(partners) >= 12
    assert {p.region.id for p in partners} == {"na", "eu", "apac"} and {p.tier.id for p in partners} == {
        t.id for t in project.program.tiers
    }
    assert {p.logo.rsplit(".", 1)[1] for p in partners} >= {"svg", "png"} and any(p.metrics for p in partners)
    assert {"vi", "ja"} <= {p.language for p in partners} and any(not p.co_branding for p in partners)
    assert {c.kind for c in project.collateral} == {"one-pager", "solution-brief", "email", "social-banner"}
    assert any(c.co_brandable for c in project.collateral) and any(not c.co_brandable for c in project.collateral)


@pytest.mark.slow
def test_every_variant_of_the_example_builds_and_passes_the_audit(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    code, output = run("build", "--project", str(REPO), "--out", str(dist))
    assert code == 0, output
    assert sorted(p.relative_to(dist).as_posix() for p in dist.glob("*/*/2026.*") if p.is_dir()) == [
        f"{r}/{t}/{v}" for r in ("apac", "eu", "na") for t in ("gold", "platinum", "registered", "silver") for v in ("2026.1", "2026.2")
    ]
    battlecards = "sales/battlecards/index.html"
    assert (dist / "eu/gold/2026.2" / battlecards).exists() and not (dist / "eu/silver/2026.2" / battlecards).exists()
    assert not (dist / "na/platinum/2026.2/regional/eu-data-residency").exists()
    index = json.loads((dist / "apac/gold/2026.2/vi/search/search_index.json").read_text(encoding="utf-8"))
    assert index["config"]["lang"] == ["vi"] and all(d["location"].startswith("vi/") for d in index["docs"])
