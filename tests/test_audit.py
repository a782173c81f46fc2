"""The leak audit: it passes on a clean build and catches a planted leak in every kind of file."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest

from conftest import run

pytestmark = pytest.mark.slow

GOLD_TEXT = "Gold partners unlock the crimson falcon battlecard collection."
EU_TEXT = "Customer telemetry stays in the Frankfurt sovereign enclave for European customers."


def escaped(text: str) -> str:
    """JSON with every letter written as a \\u escape, as some search indexes store text."""
    return '"' + "".join(f"\\u{ord(c):04x}" if c.isalpha() else c for c in text) + '"'


PLANTS = {
    "html page": ("eu/silver/1.0/guide/index.html", lambda old: old.replace("</article>", f"<p>{GOLD_TEXT}</p></article>")),
    "html entities": (
        "eu/silver/1.0/index.html",
        lambda old: old.replace("</body>", "<p>Gold partners unlock the crimson&#32;falcon battlecard collection.</p></body>"),
    ),
    "404 page": ("eu/registered/1.0/404.html", lambda old: old.replace("</body>", f"<!-- {GOLD_TEXT} --></body>")),
    "search index with escapes": (
        "eu/silver/1.0/search/search_index.json",
        lambda old: old.replace('"docs":[', '"docs":[{"location":"x/","title":"x","text":' + escaped(GOLD_TEXT) + "},"),
    ),
    "german search index": (
        "eu/silver/1.0/de/search/search_index.json",
        lambda old: old.replace('"docs":[', '"docs":[{"location":"de/x/","title":"x","text":"' + GOLD_TEXT + '"},'),
    ),
    "sitemap": ("na/registered/1.0/sitemap.xml", lambda old: old.replace("</urlset>", f"<!-- {EU_TEXT} --></urlset>")),
    "script asset": ("na/gold/1.0/assets/partnerkb/search-language.js", lambda old: old + f"\n// {EU_TEXT}\n"),
    "stylesheet": ("eu/registered/1.0/assets/partnerkb/partnerkb.css", lambda old: old + f"\n/* {GOLD_TEXT} */\n"),
}


def audit(project: Path, dist: Path) -> tuple[int, str]:
    return run("audit", str(dist), "--project", str(project))


@pytest.fixture
def dist_copy(tiny_built: tuple[Path, Path], tmp_path: Path) -> tuple[Path, Path]:
    project, dist = tiny_built
    shutil.copytree(dist, tmp_path / "dist")
    return project, tmp_path / "dist"


def test_clean_build_passes(tiny_built: tuple[Path, Path]) -> None:
    project, dist = tiny_built
    code, output = audit(project, dist)
    assert code == 0, output
    assert "audited 9 tree(s) and partner kit(s)" in output


@pytest.mark.parametrize("kind", sorted(PLANTS))
def test_planted_text_is_caught(dist_copy: tuple[Path, Path], kind: str) -> None:
    project, dist = dist_copy
    relative, change = PLANTS[kind]
    target = dist / relative
    target.write_text(change(target.read_text(encoding="utf-8")), encoding="utf-8")
    code, output = audit(project, dist)
    assert code == 1, output
    leaks = [line for line in output.splitlines() if ": leak:" in line]
    assert len(leaks) == 1 and leaks[0].startswith(f"{dist / relative}:1: leak: text of 'content/")


def test_gzip_is_unpacked(dist_copy: tuple[Path, Path]) -> None:
    project, dist = dist_copy
    target = dist / "na/silver/1.0/sitemap.xml.gz"
    target.write_bytes(gzip.compress(f"<urlset><!-- {GOLD_TEXT} --></urlset>".encode()))
    code, output = audit(project, dist)
    assert code == 1
    assert (
        f"{target}:1: leak: text of 'content/guide.md' hidden from tier 'silver' of region 'na': \"gold partners unlock the crimson falcon battlecard collection\""
        in output.splitlines()
    )


def test_whole_gated_page_is_caught(dist_copy: tuple[Path, Path]) -> None:
    project, dist = dist_copy
    shutil.copytree(dist / "na/gold/1.0/vault", dist / "na/silver/1.0/vault")
    code, output = audit(project, dist)
    assert code == 1 and "leak: text of 'content/vault.md' hidden from tier 'silver' of region 'na'" in output


def test_other_region_page_is_caught(dist_copy: tuple[Path, Path]) -> None:
    project, dist = dist_copy
    shutil.copytree(dist / "eu/gold/1.0/eu-only", dist / "na/gold/1.0/eu-only")
    code, output = audit(project, dist)
    assert code == 1 and "leak: text of 'content/eu-only.md' hidden from tier 'gold' of region 'na'" in output


def test_hidden_asset_is_caught_under_any_name(dist_copy: tuple[Path, Path]) -> None:
    project, dist = dist_copy
    shutil.copyfile(project / "content/img/gold.svg", dist / "eu/registered/1.0/assets/renamed.svg")
    code, output = audit(project, dist)
    assert code == 1
    assert (
        f"{dist}/eu/registered/1.0/assets/renamed.svg:1: leak: 'content/img/gold.svg' is used only by content hidden from tier 'registered' of region 'eu'"
        in output.splitlines()
    )


def test_json_is_decoded_not_grepped(dist_copy: tuple[Path, Path]) -> None:
    """A leak split by JSON escapes is still found: the index is parsed, not searched as bytes."""
    project, dist = dist_copy
    target = dist / "na/registered/1.0/search/search_index.json"
    index = json.loads(target.read_text(encoding="utf-8"))
    index["docs"].append({"location": "y/", "title": "y", "text": EU_TEXT})
    target.write_text(json.dumps(index, ensure_ascii=True), encoding="utf-8")
    code, output = audit(project, dist)
    assert code == 1 and "content/eu-only.md" in output


@pytest.mark.parametrize("relative", ["eu/silver/_redirects", "eu/silver/1.0/feed.rss", "eu/silver/1.0/data.yaml"])
def test_files_of_any_name_are_read(dist_copy: tuple[Path, Path], relative: str) -> None:
    project, dist = dist_copy
    (dist / relative).write_text(f"/old /new 301\n# {GOLD_TEXT}\n", encoding="utf-8")
    code, output = audit(project, dist)
    assert code == 1 and f"{dist / relative}:1: leak: text of 'content/guide.md'" in output


def test_a_folder_without_trees_is_not_a_pass(tiny_built: tuple[Path, Path], tmp_path: Path) -> None:
    project, _ = tiny_built
    code, output = audit(project, tmp_path)
    assert code == 1 and "nothing was audited" in output


def test_paths_are_relative_to_the_current_directory(
    tiny_built: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project, dist = tiny_built
    shutil.copytree(dist, tmp_path / "out")
    (tmp_path / "out/na/registered/1.0/leak.txt").write_text(EU_TEXT, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, output = audit(project, Path("out"))
    assert code == 1
    assert "out/na/registered/1.0/leak.txt:1: leak: text of 'content/eu-only.md' hidden from tier 'registered' of region 'na'" in output
