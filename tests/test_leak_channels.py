"""Leak channels tried as an attacker would, each through a real build of the tiny portal.

Each test plants gold-only text (a made-up word, `kqz…`) through one channel. The build either refuses
the input with a located error, or builds trees in which the word is absent from every tree and
kit below gold; the search here reads the output on its own, not through the builder's audit.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from conftest import edit, readable, run

pytestmark = pytest.mark.slow

LOWER_TIERS = ("registered", "silver")
LOWER_KITS = ("eu/partners/kleinsoft", "na/partners/northwind")  # a registered and a silver partner


def build(project: Path, dist: Path, *args: str) -> tuple[int, str]:
    return run("build", "--project", str(project), "--out", str(dist), "--jobs", "2", *args)


def refused(project: Path, relative: str, old: str, new: str) -> str:
    """`partnerkb build` after an edit: it must fail and write nothing; its output."""
    edit(project, relative, old, new)
    dist = project.parent / "dist"
    code, output = build(project, dist)
    assert code == 1 and not dist.exists(), output
    return output


def lower_files(dist: Path) -> list[Path]:
    folders = [dist / region / tier for region in ("na", "eu") for tier in LOWER_TIERS] + [dist / kit for kit in LOWER_KITS]
    return [p for folder in folders for p in sorted(folder.rglob("*")) if p.is_file()]


def holding(dist: Path, word: str) -> list[str]:
    """The files below gold that contain `word`."""
    return [p.relative_to(dist).as_posix() for p in lower_files(dist) if word in readable(p)]


def assert_gated(dist: Path, word: str) -> None:
    assert holding(dist, word) == []
    gold = [p for p in (dist / "na/gold").rglob("*.html") if word in readable(p)]
    assert gold, f"'{word}' should reach the gold tree"


GATED = "Gold partners read the kqzsecret battle plan here."


# --- 1. gates read differently by the scanner and the renderer ---------------------------------


def test_a_gate_in_a_blockquote_works(tiny: Path, tmp_path: Path) -> None:
    edit(tiny, "content/guide.md", "# Guide\n", f"# Guide\n\n> A quote.\n>\n> /// tier | gold\n> {GATED}\n> ///\n>\n> Still quoted.\n")
    code, output = build(tiny, tmp_path / "dist")
    assert code == 0, output
    assert_gated(tmp_path / "dist", "kqzsecret")
    assert "still quoted" in readable(tmp_path / "dist/na/registered/1.0/guide/index.html")


@pytest.mark.parametrize("container", ["- A list item.\n\n    ", "/// note | Heads up\n\n", "/// details | More\n\n", "/// tab | One\n\n"])
def test_a_gate_in_a_list_item_an_admonition_details_or_tabs_works(tiny: Path, tmp_path: Path, container: str) -> None:
    indent = "    " if container.endswith("    ") else ""
    block = f"/// tier | gold\n{indent}{GATED}\n{indent}///\n" + ("\n///\n" if container.startswith("///") else "")
    edit(tiny, "content/guide.md", "# Guide\n", f"# Guide\n\n{container}{block}\n")
    code, output = build(tiny, tmp_path / "dist", "--region", "na")
    assert code == 0, output
    assert holding(tmp_path / "dist", "kqzsecret") == []


def test_an_indented_code_line_that_looks_like_a_fence_does_not_hide_a_gate(tiny: Path, tmp_path: Path) -> None:
    edit(tiny, "content/guide.md", "# Guide\n", f"# Guide\n\nA paragraph.\n\n    ```\n\n/// tier | gold\n{GATED}\n///\n")
    code, output = build(tiny, tmp_path / "dist")
    assert code == 0, output
    assert_gated(tmp_path / "dist", "kqzsecret")


def test_cr_only_line_endings_are_read_as_lines(tiny: Path, tmp_path: Path) -> None:
    guide = tiny / "content/guide.md"
    text = guide.read_text(encoding="utf-8").replace("# Guide\n", f"# Guide\n\n/// tier | gold\n{GATED}\n///\n")
    guide.write_bytes(text.replace("\n", "\r").encode())
    code, output = build(tiny, tmp_path / "dist")
    assert code == 0, output
    assert_gated(tmp_path / "dist", "kqzsecret")


def test_a_fence_inside_an_html_comment_inside_a_gate_is_an_error(tiny: Path, tmp_path: Path) -> None:
    edit(tiny, "content/guide.md", "# Guide\n", f"# Guide\n\n/// tier | gold\nOpening words.\n<!--\n///\n-->\n{GATED}\n///\n")
    code, output = build(tiny, tmp_path / "dist")
    assert code == 1
    assert "content/guide.md:11: a '///' fence inside an HTML comment: the renderer does not see it" in output
    assert not (tmp_path / "dist").exists()


@pytest.mark.parametrize(
    ("body", "line", "reason"),
    [
        ("| a | b |\n|---|---|\n| x /// tier | gold |\n", 10, "the renderer reads it as text (a table cell, a paragraph), not as a gate"),
        ('<div class="x">\n/// tier | gold\n</div>\n', 9, "partnerkb reads a gate here, but the renderer does not"),
        ("<!-- /// tier | gold -->\n", 8, "it is inside an HTML comment, where the renderer sees no gate"),
    ],
)
def test_a_gate_marker_where_no_gate_can_be_is_an_error(tiny: Path, tmp_path: Path, body: str, line: int, reason: str) -> None:
    closing = "\n///\n" if "<div" in body else ""
    output = refused(tiny, "content/guide.md", "# Guide\n", f"# Guide\n\n{body}\nkqzsecret\n{closing}\n")
    assert f"content/guide.md:{line}: " in output and reason in output, output


def test_a_page_read_before_is_read_again_once_it_changes(tiny: Path) -> None:
    code, output = run("check", "--project", str(tiny))
    assert code == 0 and list((tiny / ".partnerkb-cache/gates").iterdir()), output  # verdicts of the pages found right
    output = refused(tiny, "content/guide.md", "# Guide\n", "# Guide\n\n| a | b |\n|---|---|\n| x /// tier | gold |\n")
    assert "content/guide.md:10: a gate marker outside any gate" in output, output


def test_the_renderer_is_the_judge_of_where_a_gate_ends(tiny: Path) -> None:
    # Raw HTML around a closing fence (and an opening one to balance it): the scanner ends the gate
    # there and reads the gated words as a details block, the renderer reads raw HTML inside the gate.
    gate = f"/// tier | gold\nOpening words.\n\n<div>\n///\n/// details | More\n</div>\n\n{GATED}\n///\n"
    output = refused(tiny, "content/guide.md", "# Guide\n", f"# Guide\n\n{gate}")
    assert "content/guide.md:12: partnerkb ends a gate at this line, but the renderer does not" in output, output


def test_a_gate_that_reaches_mkdocs_fails_the_render(tiny: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The net inside MkDocs, tried with a real render: a staged docs_dir that still holds a gate.
    from builder.core.models import Variant
    from builder.core.problems import Report
    from builder.load.project import load_project
    from builder.plan.stage import plan_variant, write_variant
    from builder.render.run import RenderJob, read_base_config, render, report_render, variant_overrides

    project = load_project(tiny, Report())
    program = project.program
    variant = Variant(program.region("na"), program.tier("registered"), program.versions[0])
    docs_dir, site_dir = tmp_path / "docs", tmp_path / "site"
    write_variant(project, plan_variant(project, variant), docs_dir)
    guide = docs_dir / "guide.md"
    guide.write_text(guide.read_text(encoding="utf-8") + f"\n/// tier | gold\n{GATED}\n///\n", encoding="utf-8")
    overrides = variant_overrides(project, variant, read_base_config(project), docs_dir, site_dir)
    epoch = os.environ["SOURCE_DATE_EPOCH"]
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)  # render() sets it for its process: restored after the test
    result = render(RenderJob(variant.id, str(tiny / "mkdocs.yml"), overrides, str(site_dir), ("en",), int(epoch), {}))
    report = Report()
    report_render(result, report)
    assert [str(p).split(": MkDocs failed")[0] for p in report.problems] == ["content/guide.md:1: na/registered/1.0"]
    assert "a '/// tier | gold' block reached the renderer uncut" in str(report.problems[0])
    assert not (site_dir / "guide/index.html").exists() or "kqzsecret" not in readable(site_dir / "guide/index.html")


# --- 2. metadata MkDocs reads and partnerkb did not --------------------------------------------


def test_unfenced_metadata_is_refused(tiny: Path) -> None:
    (tiny / "content/plans.md").write_text(f"title: Plans\ntier: gold\n\n# Plans\n\n{GATED}\n", encoding="utf-8")
    code, output = run("check", "--project", str(tiny))
    assert code == 1
    assert (
        "content/plans.md:1: MkDocs reads the first lines as metadata (tier, title) although they have no '---' fences: "
        "put front matter between '---' lines, or start the page with a heading or a blank line"
    ) in output


# --- 3. titles --------------------------------------------------------------------------------


def test_a_title_is_never_a_comment_in_code(tiny: Path, tmp_path: Path) -> None:
    (tiny / "content/plans.md").write_text(
        "---\ntier: gold\nteaser: true\nsummary: Plans for Gold partners.\n---\n\n"
        "```bash\n# kqzsecret internal host\n```\n\n# Battle plans\n\nGold words.\n",
        encoding="utf-8",
    )
    code, output = build(tiny, tmp_path / "dist")
    assert code == 0, output
    assert holding(tmp_path / "dist", "kqzsecret") == []
    assert "<h1" in readable(tmp_path / "dist/na/registered/1.0/plans/index.html")
    assert "battle plans" in readable(tmp_path / "dist/na/registered/1.0/plans/index.html")


def test_a_module_title_is_never_a_gated_heading(tiny: Path, tmp_path: Path) -> None:
    module = tiny / "content/training/widget-basics/02-selling.md"
    text = module.read_text(encoding="utf-8")
    assert "title:" not in text.split("---")[1] if text.startswith("---") else True
    module.write_text(text.replace("# ", "/// tier | gold\n# The kqzsecret pitch\n///\n\n# ", 1), encoding="utf-8")
    code, output = build(tiny, tmp_path / "dist")
    assert code == 0, output
    assert holding(tmp_path / "dist", "kqzsecret") == []


# --- 4. assets by resolved URL ----------------------------------------------------------------

SVG = '<svg xmlns="http://www.w3.org/2000/svg"><text>{}</text></svg>'


def _asset_gated(tiny: Path, link: str) -> None:
    edit(tiny, "content/guide.md", "![Gold diagram](img/gold.svg)", f"![Gold diagram](img/gold.svg)\n![Plan]({link})")


def _published(dist: Path, name: str) -> list[str]:
    return [p.relative_to(dist).as_posix() for p in lower_files(dist) if p.name == name]


def test_a_percent_encoded_asset_inside_a_gate_stays_out(tiny: Path, tmp_path: Path) -> None:
    (tiny / "content/img/battle plan.svg").write_text(SVG.format("kqzsecret"), encoding="utf-8")
    _asset_gated(tiny, "img/battle%20plan.svg")
    code, output = build(tiny, tmp_path / "dist")
    assert code == 0, output
    assert _published(tmp_path / "dist", "battle plan.svg") == []
    assert (tmp_path / "dist/na/gold/1.0/img/battle plan.svg").is_file()


def test_a_gated_reference_to_a_public_definition_does_not_publish_the_asset(tiny: Path, tmp_path: Path) -> None:
    (tiny / "content/img/roadmap.svg").write_text(SVG.format("kqzsecret"), encoding="utf-8")
    _asset_gated(tiny, "img/gold.svg")
    edit(tiny, "content/guide.md", "![Gold diagram](img/gold.svg)", "![Gold diagram](img/gold.svg)\n![Roadmap][roadmap]")
    guide = tiny / "content/guide.md"
    guide.write_text(guide.read_text(encoding="utf-8") + "\n[roadmap]: img/roadmap.svg\n", encoding="utf-8")
    code, output = build(tiny, tmp_path / "dist")
    assert code == 0, output
    assert _published(tmp_path / "dist", "roadmap.svg") == []
    assert (tmp_path / "dist/na/gold/1.0/img/roadmap.svg").is_file()


def test_an_asset_named_with_html_entities_inside_a_gate_stays_out(tiny: Path, tmp_path: Path) -> None:
    (tiny / "content/img/plan.svg").write_text(SVG.format("kqzsecret"), encoding="utf-8")
    _asset_gated(tiny, "img/gold.svg")
    edit(tiny, "content/guide.md", "![Gold diagram](img/gold.svg)", '![Gold diagram](img/gold.svg)\n<img alt="x" src="img/plan&#46;svg">')
    code, output = build(tiny, tmp_path / "dist")
    assert code == 0, output
    assert _published(tmp_path / "dist", "plan.svg") == []
    assert (tmp_path / "dist/na/gold/1.0/img/plan.svg").is_file()


def test_a_gated_asset_whose_name_is_inside_a_public_ones_stays_out(tiny: Path, tmp_path: Path) -> None:
    (tiny / "content/img/box.svg").write_text(SVG.format("kqzsecret"), encoding="utf-8")
    (tiny / "content/img/inbox.svg").write_text(SVG.format("public inbox"), encoding="utf-8")
    _asset_gated(tiny, "img/box.svg")
    edit(tiny, "content/guide.md", "# Guide\n", "# Guide\n\n![Inbox](img/inbox.svg)\n")
    code, output = build(tiny, tmp_path / "dist")
    assert code == 0, output
    assert _published(tmp_path / "dist", "box.svg") == []
    assert "na/registered/1.0/img/inbox.svg" in _published(tmp_path / "dist", "inbox.svg")


def test_a_language_copy_of_a_gated_asset_stays_out(tiny: Path, tmp_path: Path) -> None:
    (tiny / "content/img/plan.svg").write_text(SVG.format("kqzsecret"), encoding="utf-8")
    (tiny / "content/img/plan.de.svg").write_text(SVG.format("kqzgeheim"), encoding="utf-8")
    _asset_gated(tiny, "img/plan.svg")
    code, output = build(tiny, tmp_path / "dist")
    assert code == 0, output
    assert _published(tmp_path / "dist", "plan.svg") == [] and _published(tmp_path / "dist", "plan.de.svg") == []
    assert holding(tmp_path / "dist", "kqzgeheim") == []


# --- 5. gates in data fields ------------------------------------------------------------------


def test_a_gate_in_a_catalog_description_is_an_error(tiny: Path) -> None:
    gate = f"    /// tier | gold\n    {GATED}\n    ///\n"
    output = refused(tiny, "content/catalog/widget.yml", "    Widget Cloud measures", f"{gate}    Widget Cloud measures")
    assert "content/catalog/widget.yml:11: a '///' gate inside a YAML value is not applied" in output, output


# --- 6. files from outside --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("link", "target"),
    [("content/os-release.txt", "/etc/os-release"), ("content/etc", "/etc"), ("content/collateral/one-pager/gold.md", "../../secret.md")],
)
def test_symlinks_are_refused_with_a_located_error(tiny: Path, tmp_path: Path, link: str, target: str) -> None:
    os.symlink(target, tiny / link)
    code, output = build(tiny, tmp_path / "dist")
    assert code == 1
    assert f"{link}:1: a symbolic link to " in output and "partnerkb follows no links" in output, output
    assert not (tmp_path / "dist").exists()


def test_an_extension_that_includes_files_at_render_time_is_refused(tiny: Path) -> None:
    output = refused(tiny, "mkdocs.yml", "  - attr_list\n", "  - attr_list\n  - pymdownx.snippets\n")
    assert "mkdocs.yml:8: markdown_extensions: pymdownx.snippets reads files while MkDocs renders" in output, output


def test_a_symlinked_content_folder_is_refused(tiny: Path, tmp_path: Path) -> None:
    (tiny / "content").rename(tmp_path / "elsewhere")
    os.symlink(tmp_path / "elsewhere", tiny / "content")
    code, output = build(tiny, tmp_path / "dist")
    assert code == 1 and "content:1: a symbolic link to a folder" in output, output


def test_a_gate_in_a_collateral_template_is_an_error(tiny: Path) -> None:
    output = refused(tiny, "content/collateral/one-pager/template.html", "</body>", f"/// tier | gold\n{GATED}\n///\n</body>")
    assert "content/collateral/one-pager/template.html:" in output and "a '///' gate in a collateral template is not applied" in output


def test_a_collateral_template_cannot_include_through_a_link(tmp_path: Path) -> None:
    from builder.features.collateral import environment

    folder = tmp_path / "item"
    folder.mkdir()
    (tmp_path / "gold.md").write_text(GATED, encoding="utf-8")
    os.symlink(tmp_path / "gold.md", folder / "gold.md")
    (folder / "template.html").write_text('{% include "gold.md" %}', encoding="utf-8")
    import jinja2

    with pytest.raises(jinja2.TemplateNotFound):
        environment(folder).get_template("template.html").render()


def test_a_kit_is_audited_against_its_partners_tier(tiny: Path, tmp_path: Path) -> None:
    code, output = build(tiny, tmp_path / "dist", "--region", "na")
    assert code == 0, output
    kit = tmp_path / "dist/na/partners/northwind/index.html"
    secret = "The quantum marmalade roadmap ships in the second half of next year."
    kit.write_text(kit.read_text(encoding="utf-8").replace("</main>", f"<p>{secret}</p></main>"), encoding="utf-8")
    code, output = run("audit", str(tmp_path / "dist"), "--project", str(tiny))
    assert code == 1
    assert (
        f"{kit}:1: leak: text of 'content/secret.md' hidden from the kit of partner 'northwind' (tier 'silver' of region 'na')" in output
    ), output


# --- 7. the cache -----------------------------------------------------------------------------


def test_a_reused_snapshot_tree_follows_the_catalog(tiny: Path, tmp_path: Path) -> None:
    run("version", "freeze", "0.9", "--project", str(tiny))
    program = tiny / "partners/program.yml"
    program.write_text(program.read_text(encoding="utf-8") + '  - name: "0.9"\n    title: "0.9"\n    source: snapshot\n', encoding="utf-8")
    dist = tmp_path / "dist"
    code, output = build(tiny, dist, "--region", "na")
    assert code == 0, output
    assert not (dist / "na/registered/0.9/catalog/gadget/index.html").exists()
    edit(tiny, "content/catalog/gadget.yml", "tier: gold\n", "")  # the product opens to every tier
    code, output = build(tiny, dist, "--region", "na")
    assert code == 0, output
    assert (dist / "na/registered/0.9/catalog/gadget/index.html").is_file()
    (tiny / "content/catalog/gadget.yml").unlink()  # and goes away
    edit(tiny, "content/catalog/widget.yml", "requires: [gadget]\n", "")
    code, output = build(tiny, dist, "--region", "na")
    assert code == 0, output
    assert not list(dist.glob("na/*/*/catalog/gadget/index.html"))


def test_a_tree_that_fails_the_audit_is_not_kept(tiny: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from builder import build as build_module
    from builder.core import gate

    cut = gate.cut

    def keep_tier_gated_text(lines: list[str], gates: list[gate.Gate], allows: Any) -> tuple[list[str], list[str]]:
        visible = list(lines)  # a broken cut: the fences of tier gates go, their text stays
        for found in gates:
            if found.kind is gate.GateKind.TIER:
                visible[found.start] = visible[found.end] = ""
        return cut(visible, [g for g in gates if g.kind is not gate.GateKind.TIER], allows)

    monkeypatch.setattr(gate, "cut", keep_tier_gated_text)
    monkeypatch.setattr(build_module, "check_links", lambda *args: None)
    code, output = build(tiny, tmp_path / "dist", "--region", "na")
    assert code == 1 and "leak: text of 'content/guide.md'" in output, output
    assert sorted(p.name for p in (tiny / ".partnerkb-cache/sites/na").iterdir()) == ["gold"]  # gold may read it


# --- and YAML that would explode ---------------------------------------------------------------

BOMB = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n'


@pytest.mark.parametrize(
    ("relative", "old", "line"),
    [("mkdocs.yml", "theme:", 4), ("content/guide.md", "summary:", 5), ("content/catalog/widget.yml", "deployment:", 14)],
)
def test_yaml_aliases_are_refused_at_their_line(tiny: Path, relative: str, old: str, line: int) -> None:
    prefix = "extra:\n  " if relative == "mkdocs.yml" else "x_bomb:\n  "
    output = refused(tiny, relative, old, prefix + BOMB.replace("\n", "\n  ").rstrip() + "\n" + old)
    assert f"{relative}:{line}: " in output and "YAML aliases (*name) are not allowed here" in output, output


def test_a_module_outside_its_course_folder_is_an_error(tiny: Path) -> None:
    output = refused(tiny, "content/training/courses.yml", "02-selling", "../widget-deploy/01-install")
    assert "content/training/courses.yml:" in output and "modules: expected a file name in content/training/widget-basics/" in output, (
        output
    )
