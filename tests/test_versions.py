"""Versions from git refs and snapshot folders, built side by side with mike's versions.json and aliases."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from conftest import TINY, copy_portal, run

pytestmark = pytest.mark.slow

VERSIONS = """versions:
  - name: "2.0"
    title: "2.0 (current)"
    source: git
    ref: v2
    aliases: [latest]
  - name: "1.0"
    title: "1.0"
    source: git
    ref: v1
"""


def line_of(path: Path, text: str) -> int:
    return path.read_text(encoding="utf-8").splitlines().index(text) + 1


def git(folder: Path, *args: str) -> str:
    env = {
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
        "PATH": "/usr/bin:/bin",
    }
    return subprocess.run(["git", "-C", str(folder), *args], check=True, capture_output=True, text=True, env=env).stdout


@pytest.fixture
def history(tmp_path: Path) -> Path:
    """A portal repository with two tagged releases; v2 adds a page and changes another."""
    portal = copy_portal(TINY, tmp_path / "portal")
    git(portal, "init", "-q", "-b", "main")
    git(portal, "add", "-A")
    git(portal, "commit", "-q", "-m", "release 1")
    git(portal, "tag", "v1")
    (portal / "content/whats-new.md").write_text(
        "---\ntitle: What's new\nsummary: New in 2.0.\n---\n\n# What's new\n\nRelease two adds the aurora dashboard.\n", encoding="utf-8"
    )
    guide = portal / "content/guide.md"
    guide.write_text(guide.read_text(encoding="utf-8").replace("five business days", "three business days"), encoding="utf-8")
    git(portal, "add", "-A")
    git(portal, "commit", "-q", "-m", "release 2")
    git(portal, "tag", "v2")
    program = portal / "partners/program.yml"
    text = program.read_text(encoding="utf-8")
    program.write_text(text[: text.index("versions:")] + VERSIONS, encoding="utf-8")  # today's program, uncommitted
    (portal / "content/guide.md").write_text("# Unreleased work in progress\n", encoding="utf-8")  # not in any version
    return portal


def test_two_git_versions_build_side_by_side(history: Path, tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    code, output = run("build", "--project", str(history), "--out", str(dist), "--region", "na")
    assert code == 0, output
    tier = dist / "na/gold"
    assert sorted(p.name for p in tier.iterdir()) == ["1.0", "2.0", "index.html", "latest", "versions.json"]
    assert json.loads((tier / "versions.json").read_text(encoding="utf-8")) == [
        {"version": "2.0", "title": "2.0 (current)", "aliases": ["latest"], "properties": {"hidden": False}},
        {"version": "1.0", "title": "1.0", "aliases": [], "properties": {"hidden": False}},
    ]
    pages = {v: {p.relative_to(tier / v).as_posix() for p in (tier / v).rglob("*.html")} for v in ("1.0", "2.0", "latest")}
    assert pages["2.0"] - pages["1.0"] == {"whats-new/index.html"} and pages["1.0"] <= pages["2.0"]
    assert pages["latest"] == pages["2.0"]
    assert "three business days" in (tier / "2.0/guide/index.html").read_text(encoding="utf-8")
    assert "five business days" in (tier / "1.0/guide/index.html").read_text(encoding="utf-8")
    assert "Unreleased work" not in (tier / "2.0/guide/index.html").read_text(encoding="utf-8")
    assert 'url=../../2.0/guide/"' in (tier / "latest/guide/index.html").read_text(encoding="utf-8")
    assert "url=2.0/" in (tier / "index.html").read_text(encoding="utf-8")
    assert "You are reading the documentation of an earlier release." in (tier / "1.0/guide/index.html").read_text(encoding="utf-8")
    assert git(history, "status", "--porcelain").strip() != "", "the user's checkout is left as it was"
    assert (history / "content/guide.md").read_text(encoding="utf-8") == "# Unreleased work in progress\n"


def test_problems_in_an_old_version_name_its_ref(history: Path) -> None:
    (history / "content/broken.md").write_text("---\ntier: golld\n---\n", encoding="utf-8")
    git(history, "add", "content/broken.md")
    git(history, "commit", "-q", "-m", "broken")
    git(history, "tag", "-f", "v1")
    code, output = run("check", "--project", str(history))
    assert code == 1
    assert "v1:content/broken.md:2: tier: unknown tier 'golld' (did you mean 'gold'?)" in output.splitlines()


def test_missing_ref_says_what_to_fetch(history: Path) -> None:
    program = history / "partners/program.yml"
    program.write_text(program.read_text(encoding="utf-8").replace("ref: v1", "ref: v0.9"), encoding="utf-8")
    code, output = run("check", "--project", str(history))
    assert code == 1
    line = line_of(program, "    ref: v0.9")
    assert (
        f"partners/program.yml:{line}: version '1.0': ref 'v0.9' is not in this clone; run 'git fetch --tags' (or 'git fetch origin <branch>')"
        in output
    )


def test_shallow_clone_says_unshallow(history: Path, tmp_path: Path) -> None:
    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{history}", str(shallow)], check=True, capture_output=True)
    (shallow / "partners/program.yml").write_text(
        (history / "partners/program.yml").read_text(encoding="utf-8").replace("ref: v1", "ref: HEAD~1"), encoding="utf-8"
    )
    code, output = run("check", "--project", str(shallow))
    assert code == 1 and "ref 'HEAD~1' is not in this clone; this clone is shallow: run 'git fetch --unshallow'" in output


def test_freeze_writes_a_snapshot_that_builds(tiny: Path, tmp_path: Path) -> None:
    code, output = run("version", "freeze", "0.9", "--project", str(tiny))
    assert code == 0, output
    assert (tiny / "versions/0.9/content/guide.md").read_text(encoding="utf-8") == (tiny / "content/guide.md").read_text(encoding="utf-8")
    assert "source: snapshot" in output
    program = tiny / "partners/program.yml"
    program.write_text(program.read_text(encoding="utf-8") + '  - name: "0.9"\n    title: "0.9"\n    source: snapshot\n', encoding="utf-8")
    (tiny / "content/guide.md").write_text(
        (tiny / "content/guide.md").read_text(encoding="utf-8").replace("five", "seven"), encoding="utf-8"
    )
    code, output = run("build", "--project", str(tiny), "--out", str(tmp_path / "dist"), "--region", "na", "--tier", "gold")
    assert code == 0, output
    assert "five business days" in (tmp_path / "dist/na/gold/0.9/guide/index.html").read_text(encoding="utf-8")
    assert "seven business days" in (tmp_path / "dist/na/gold/1.0/guide/index.html").read_text(encoding="utf-8")
    code, output = run("version", "freeze", "0.9", "--project", str(tiny))
    assert code == 1 and "versions/0.9/content:1: version '0.9' is frozen already" in output


def test_missing_snapshot_is_located(tiny: Path) -> None:
    program = tiny / "partners/program.yml"
    program.write_text(program.read_text(encoding="utf-8") + '  - name: "0.8"\n    title: "0.8"\n    source: snapshot\n', encoding="utf-8")
    code, output = run("check", "--project", str(tiny))
    assert code == 1
    line = len(program.read_text(encoding="utf-8").splitlines())
    assert (
        f"partners/program.yml:{line}: version '0.8': the snapshot folder 'versions/0.8/content' does not exist (write it with 'partnerkb version freeze 0.8')"
        in output
    )


def test_unchanged_variants_are_reused_and_any_input_change_renders_again(tiny: Path, tmp_path: Path) -> None:
    run("version", "freeze", "0.9", "--project", str(tiny))
    program = tiny / "partners/program.yml"
    program.write_text(program.read_text(encoding="utf-8") + '  - name: "0.9"\n    title: "0.9"\n    source: snapshot\n', encoding="utf-8")
    build = ("build", "--project", str(tiny), "--out", str(tmp_path / "dist"), "--region", "na")
    code, first = run(*build)
    assert code == 0 and "rendering 6 variant(s)" in first and "reused" not in first
    code, second = run(*build)
    assert code == 0 and "nothing changed since the last build: the 6 variant(s)" in second and "rendering" not in second
    code, elsewhere = run(*build[:-4], "--out", str(tmp_path / "elsewhere"), "--region", "na")
    assert code == 0 and "reused 6 unchanged variant(s)" in elsewhere and "rendering 0 variant(s)" in elsewhere
    guide = tiny / "content/guide.md"
    guide.write_text(guide.read_text(encoding="utf-8").replace("five", "four"), encoding="utf-8")
    code, third = run(*build)
    assert "reused 3 unchanged variant(s)" in third and "rendering 3 variant(s)" in third  # the snapshot 0.9 is frozen
    assert "four business days" in (tmp_path / "dist/na/gold/1.0/guide/index.html").read_text(encoding="utf-8")
    program.write_text(program.read_text(encoding="utf-8").replace("discount: 30", "discount: 35"), encoding="utf-8")
    code, fourth = run(*build)
    assert "reused" not in fourth and "rendering 6 variant(s)" in fourth
