"""The tiny portal built end to end: golden paths and page text, versions, manifest, partial builds."""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, TINY, copy_portal, golden, run

# Material's own scripts and styles carry content hashes that change with every Material release.
THEME_ASSETS = re.compile(r"^[^/]+/(assets/javascripts|assets/stylesheets)/")

pytestmark = pytest.mark.slow


def tree_paths(root: Path) -> list[str]:
    paths = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    return [p for p in paths if not THEME_ASSETS.match(p)]


def article_text(page: Path) -> str:
    """The readable text of a page's article, one line per block, tags and entities removed."""
    match = re.search(r"<article[^>]*>(.*?)</article>", page.read_text(encoding="utf-8"), re.S)
    assert match, page
    text = re.sub(r"<(/?(p|h\d|li|pre|div|summary|details|img)[^>]*)>", "\n", match.group(1))
    text = html.unescape(re.sub(r"<[^>]+>", "", text))
    return "\n".join(line.strip() for line in text.splitlines() if line.strip()) + "\n"


@pytest.mark.parametrize("region,tier", [(r, t) for r in ("na", "eu") for t in ("registered", "silver", "gold")])
def test_exact_output_paths_per_variant(tiny_built: tuple[Path, Path], region: str, tier: str) -> None:
    _, dist = tiny_built
    golden(f"paths/{region}-{tier}.txt", "\n".join(tree_paths(dist / region / tier)) + "\n")


def test_every_rendered_file_byte_for_byte(tiny_built: tuple[Path, Path]) -> None:
    """The digest of every page, sitemap and search index of every tree: a faster renderer writes the same bytes."""
    _, dist = tiny_built
    digests = [
        f"{hashlib.sha256((dist / path).read_bytes()).hexdigest()[:16]}  {path}"
        for region in ("eu", "na")
        for path in (f"{region}/{p}" for p in tree_paths(dist / region))
        if path.endswith((".html", ".xml", ".json")) and "/partners/" not in path
    ]
    golden("rendered-digests.txt", "\n".join(digests) + "\n")


@pytest.mark.parametrize("tier", ["registered", "gold"])
def test_gated_page_text_per_tier(tiny_built: tuple[Path, Path], tier: str) -> None:
    _, dist = tiny_built
    golden(f"guide-eu-{tier}.txt", article_text(dist / "eu" / tier / "1.0" / "guide" / "index.html"))


def test_teaser_shows_title_summary_and_tier_but_no_body(tiny_built: tuple[Path, Path]) -> None:
    _, dist = tiny_built
    silver = article_text(dist / "eu/silver/1.0/secret/index.html")
    assert "Secret plans" in silver and "The roadmap briefing for Gold partners." in silver and "Available from Gold" in silver
    assert "marmalade" not in silver
    german = article_text(dist / "eu/silver/1.0/de/secret/index.html")
    assert "Verfügbar ab Gold" in german
    assert "marmalade" in article_text(dist / "eu/gold/1.0/secret/index.html")
    # The theme's own lock icon, inline: no emoji, which shows as a box where no emoji font is installed.
    page = (dist / "eu/silver/1.0/secret/index.html").read_text(encoding="utf-8")
    assert '<p class="pkb-teaser__icon" aria-hidden="true"><svg' in page and "\U0001f512" not in page
    assert "pkb-teaser__icon" not in (dist / "eu/gold/1.0/secret/index.html").read_text(encoding="utf-8")
    assert "1F512" not in (dist / "eu/silver/1.0/assets/partnerkb/partnerkb.css").read_text(encoding="utf-8")


def test_asset_used_only_by_gated_content_stays_out_of_lower_trees(tiny_built: tuple[Path, Path]) -> None:
    _, dist = tiny_built
    assert not (dist / "na/silver/1.0/img/gold.svg").exists()
    assert (dist / "na/gold/1.0/img/gold.svg").exists()
    assert (dist / "na/registered/1.0/img/public.svg").exists()


def test_each_language_has_its_own_search_index(tiny_built: tuple[Path, Path]) -> None:
    _, dist = tiny_built
    root = json.loads((dist / "eu/gold/1.0/search/search_index.json").read_text(encoding="utf-8"))
    german = json.loads((dist / "eu/gold/1.0/de/search/search_index.json").read_text(encoding="utf-8"))
    assert root["config"]["lang"] == ["en"] and german["config"]["lang"] == ["de"]
    assert {d["location"].split("/")[0] for d in german["docs"]} == {"de"}
    assert not any(d["location"].startswith("de/") for d in root["docs"])
    assert any("Willkommen im kleinen Portal" in d["text"] for d in german["docs"])
    assert not any("Willkommen" in d["text"] for d in root["docs"])


def test_pages_carry_badge_notice_and_relative_language_links(tiny_built: tuple[Path, Path]) -> None:
    _, dist = tiny_built
    page = (dist / "eu/gold/1.0/de/guide/index.html").read_text(encoding="utf-8")
    assert '<span class="pkb-badge pkb-badge--gold">Gold-Partner</span>' in page
    assert "DSGVO" in page  # the region notice, in German
    assert "Diese Seite liegt noch nicht auf Deutsch vor" in page  # guide.md has no German translation
    assert 'href="../../guide/" hreflang="en"' in page
    assert not re.search(r'(href|src)="/', page), "links must be relative so a tree works at any prefix"


def test_versions_json_and_root_redirect(tiny_built: tuple[Path, Path]) -> None:
    _, dist = tiny_built
    versions = json.loads((dist / "eu/silver/versions.json").read_text(encoding="utf-8"))
    assert versions == [{"version": "1.0", "title": "1.0", "aliases": ["latest"], "properties": {"hidden": False}}]
    assert "url=1.0/" in (dist / "eu/silver/index.html").read_text(encoding="utf-8")


def test_manifest_lists_every_file_with_hash_and_variant(tiny_built: tuple[Path, Path]) -> None:
    _, dist = tiny_built
    manifest = json.loads((dist / "eu/manifest.json").read_text(encoding="utf-8"))
    on_disk = sorted(p.relative_to(dist / "eu").as_posix() for p in (dist / "eu").rglob("*") if p.is_file() and p.name != "manifest.json")
    assert [f["path"] for f in manifest["files"]] == on_disk
    for entry in manifest["files"]:
        assert entry["sha256"] == hashlib.sha256((dist / "eu" / entry["path"]).read_bytes()).hexdigest()
    variants = {f["path"]: f["variant"] for f in manifest["files"]}
    assert variants["gold/1.0/index.html"] == "eu/gold/1.0" and variants["gold/versions.json"] == "eu/gold"


def test_partial_build_replaces_only_the_selected_trees(tiny_built: tuple[Path, Path], tmp_path: Path) -> None:
    project, built = tiny_built
    project = copy_portal(project, tmp_path / "project")
    dist = tmp_path / "dist"
    shutil.copytree(built, dist)
    before = {p: p.read_bytes() for p in dist.rglob("*") if p.is_file()}
    guide = project / "content/guide.md"
    guide.write_text(guide.read_text(encoding="utf-8").replace("five business days", "three business days"), encoding="utf-8")
    code, output = run("build", "--project", str(project), "--out", str(dist), "--region", "eu", "--tier", "gold")
    assert code == 0, output
    changed = sorted({p.relative_to(dist).parts[:3] for p, data in before.items() if not p.exists() or p.read_bytes() != data})
    assert changed == [("eu", "gold", "1.0"), ("eu", "manifest.json"), ("eu", "search", "gold")]
    assert "three business days" in (dist / "eu/gold/1.0/guide/index.html").read_text(encoding="utf-8")
    assert "five business days" in (dist / "eu/silver/1.0/guide/index.html").read_text(encoding="utf-8")


def test_unknown_selection_is_a_usage_error(tiny: Path, tmp_path: Path) -> None:
    code, output = run("build", "--project", str(tiny), "--out", str(tmp_path / "dist"), "--region", "mars")
    assert code == 2 and "--region: unknown value 'mars' (expected one of: na, eu)" in output


def test_same_inputs_give_identical_output(tmp_path: Path) -> None:
    """Two builds from different folders, hash seeds and job counts are byte-identical."""
    trees = []
    for index, (seed, jobs) in enumerate([("1", "1"), ("4242", "2")]):
        project = copy_portal(TINY, tmp_path / f"copy{index}" / "portal")
        env = {**os.environ, "PYTHONHASHSEED": seed}
        env.pop("SOURCE_DATE_EPOCH", None)
        out = tmp_path / f"copy{index}" / "dist"
        subprocess.run(
            [sys.executable, "-m", "builder", "build", "--project", str(project), "--out", str(out), "--jobs", jobs, "--region", "eu"],
            check=True,
            env=env,
            cwd=REPO,
            capture_output=True,
        )
        trees.append(out)
    first = {p.relative_to(trees[0]): p.read_bytes() for p in trees[0].rglob("*") if p.is_file()}
    second = {p.relative_to(trees[1]): p.read_bytes() for p in trees[1].rglob("*") if p.is_file()}
    assert sorted(first) == sorted(second)
    assert [path for path in first if first[path] != second[path]] == []


def test_lower_variant_docs_dir_never_holds_gated_words(tiny: Path, tmp_path: Path) -> None:
    """Gating happens before MkDocs: the staged docs_dir of a lower tier has neither the words nor the asset."""
    from builder.core.models import Variant
    from builder.core.problems import Report
    from builder.load.project import load_project
    from builder.plan.stage import plan_variant, write_variant

    project = load_project(tiny, Report())
    program = project.program
    docs = tmp_path / "docs"
    write_variant(project, plan_variant(project, Variant(program.region("na"), program.tier("silver"), program.versions[0])), docs)
    staged = {p.relative_to(docs).as_posix(): p.read_bytes() for p in docs.rglob("*") if p.is_file()}
    assert "img/gold.svg" not in staged and "vault.md" not in staged and "eu-only.md" not in staged
    for words in (b"crimson falcon", b"quantum marmalade", b"obsidian lantern", b"sovereign enclave", b"extended protection window"):
        assert not any(words in data for data in staged.values()), words


def test_out_is_relative_to_the_current_directory(tiny: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, output = run("build", "--project", str(tiny), "--out", "site-out", "--region", "na", "--tier", "gold")
    assert code == 0, output
    assert (tmp_path / "site-out/na/gold/1.0/index.html").exists()
    assert "into site-out" in output


def test_gated_page_says_which_tiers_see_it(tiny_built: tuple[Path, Path]) -> None:
    _, dist = tiny_built
    assert '<span class="pkb-required pkb-required--gold">Gold and above</span>' in (dist / "eu/gold/1.0/secret/index.html").read_text(
        encoding="utf-8"
    )
    assert '<span class="pkb-required pkb-required--gold">ab Gold</span>' in (dist / "eu/gold/1.0/de/secret/index.html").read_text(
        encoding="utf-8"
    )
    assert "pkb-required" not in (dist / "eu/gold/1.0/guide/index.html").read_text(encoding="utf-8")


def test_sitemap_lists_every_language_at_the_public_url(tiny_built: tuple[Path, Path]) -> None:
    _, dist = tiny_built
    sitemap = (dist / "eu/gold/1.0/sitemap.xml").read_text(encoding="utf-8")
    locations = re.findall(r"<loc>([^<]+)</loc>", sitemap)
    assert "https://partners.example.com/eu/1.0/guide/" in locations
    assert 'hreflang="de" href="https://partners.example.com/eu/1.0/de/guide/"' in sitemap
    assert "None" not in sitemap
