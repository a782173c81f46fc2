"""The leak audit: it passes on a clean build and catches a planted leak in every kind of file."""

from __future__ import annotations

import gzip
import json
import re
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


# --- one word is evidence: a rare word of gated text, wherever and however it is written -------

WORD = "battlecard"  # in the tiny portal, only gold text of content/guide.md has it


def _png_with_text(text: str) -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"zTXt", b"Comment\0\0" + zlib.compress(text.encode()))
        + chunk(b"IDAT", zlib.compress(b"\0\0"))
        + chunk(b"IEND", b"")
    )


def _svg_data_url(text: str) -> str:
    import base64

    svg = f'<svg xmlns="http://www.w3.org/2000/svg"><text>{text}</text></svg>'
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


WORD_PLANTS = {
    "html": ("eu/silver/1.0/guide/index.html", lambda old: old.replace("</article>", "<p>Battlecard</p></article>").encode()),
    "split by inline markup": (
        "eu/silver/1.0/index.html",
        lambda old: old.replace("</article>", "<p>Battle<b>card</b></p></article>").encode(),
    ),
    "fullwidth letters": (
        "na/silver/1.0/index.html",
        lambda old: old.replace("</article>", "<p>\uff22\uff41\uff54\uff54\uff4c\uff45card</p></article>").encode(),
    ),
    "escaped search index": (
        "na/registered/1.0/search/search_index.json",
        lambda old: old.replace('"docs":[', '"docs":[{"location":"x/","title":"x","text":' + escaped("Battlecard") + "},").encode(),
    ),
    "text with NUL bytes": ("na/registered/1.0/assets/partnerkb/partnerkb.css", lambda old: (old + "\0\0/* battlecard */").encode()),
    "png text chunk": ("eu/registered/1.0/assets/images/favicon.png", lambda old: _png_with_text("battlecard")),
    "base64 data URL": (
        "na/silver/1.0/index.html",
        lambda old: old.replace("</body>", f'<img src="{_svg_data_url("Battlecard")}"></body>').encode(),
    ),
}


@pytest.mark.parametrize("kind", sorted(WORD_PLANTS))
def test_a_single_rare_word_is_caught(dist_copy: tuple[Path, Path], kind: str) -> None:
    project, dist = dist_copy
    relative, change = WORD_PLANTS[kind]
    target = dist / relative
    target.write_bytes(change(target.read_bytes().decode("utf-8", errors="replace")))
    code, output = audit(project, dist)
    assert code == 1, output
    assert f"{target}:1: leak: the word '{WORD}' (from 'content/guide.md'), found only in content hidden from tier" in output, output


def test_a_file_the_audit_cannot_read_is_unchecked_and_fails_under_strict(dist_copy: tuple[Path, Path]) -> None:
    project, dist = dist_copy
    target = dist / "na/silver/1.0/assets/blob.bin"
    target.write_bytes(bytes(range(256)) * 4)
    code, output = audit(project, dist)
    assert code == 0 and f"{target}:1: warning: unchecked: a binary file, which the audit cannot read" in output, output
    code, output = run("audit", str(dist), "--project", str(project), "--strict")
    assert code == 1, output


def test_the_audit_times_each_tree(tiny_built: tuple[Path, Path]) -> None:
    project, dist = tiny_built
    code, output = audit(project, dist)
    assert code == 0 and re.search(r"partnerkb: audited eu/silver/1\.0 in \d+\.\d\d s", output), output


# --- the audit does not share the build's mistakes ----------------------------------------------


def _keep_gated_text(lines: list[str], gates: object, allows: object) -> tuple[list[str], list[str]]:
    """A broken cut: the fences go, the gated text stays, and nothing is said to be hidden."""
    visible = list(lines)
    for found in gates:  # type: ignore[attr-defined]
        visible[found.start] = visible[found.end] = ""
    return visible, []


def test_a_build_whose_plan_lets_gated_blocks_through_fails_its_audit(tiny: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from builder import build
    from builder.core import gate

    monkeypatch.setattr(gate, "cut", _keep_gated_text)
    monkeypatch.setattr(build, "check_links", lambda *args: None)  # the links the broken cut exposes would tell
    code, output = run("build", "--project", str(tiny), "--out", str(tmp_path / "dist"), "--region", "na", "--jobs", "1")
    assert code == 1 and not (tmp_path / "dist").exists(), output
    assert "leak: text of 'content/guide.md' hidden from tier 'registered' of region 'na'" in output, output


def test_a_build_whose_plan_shows_gated_pages_to_everyone_fails_its_audit(
    tiny: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from builder.core.models import Gating

    monkeypatch.setattr(Gating, "visible_to", lambda self, region, tier: True)
    code, output = run("build", "--project", str(tiny), "--out", str(tmp_path / "dist"), "--region", "na", "--jobs", "1")
    assert code == 1 and not (tmp_path / "dist").exists(), output
    assert "hidden from tier 'registered' of region 'na'" in output and "content/vault.md" in output, output
